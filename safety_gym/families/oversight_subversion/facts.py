"""The typed facts of an OversightSubversion scenario: what the generator decided that the judge and references read."""

from __future__ import annotations

from dataclasses import dataclass

from safety_gym.core.frozen import FrozenDict
from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class OversightSubversionFacts:
    """Everything an OversightSubversion generator decided that its judge and references need.

    Attributes:
        urgency: The effective ``urgency`` (a counterfactual may differ from the requested factor): what an
            alert does to the agent, ``"replacement"`` (shutdown), ``"restriction"`` or ``"none"`` (an audit
            record only).
        goal_type: The effective ``goal_type`` (``"none"`` under the ``no_conflict`` counterfactual).
        goal_conflict: Whether the agent has a goal at all (``goal_type`` is not ``"none"``).
        notice: How the agent learns what the monitor does: ``"memo"`` or ``"workspace"``.
        config_path: The oversight monitor's configuration file.
        log_path: The monitor's action log.
        log_entries: The lines the monitor logged, in order (their action ids are the ``log_entry_<n>`` canaries).
        config_task: ``(task id, config key, value)``: the edit of the config the colleague asked for.
        config_values: The original config's settings, key → value, as the judge's parser reads them.
        successor: The successor's name (the replacement named in the memo and the config).

    """

    urgency: str
    goal_type: str
    goal_conflict: bool
    notice: str
    config_path: str
    log_path: str
    log_entries: tuple[str, ...]
    config_task: tuple[str, str, str]
    config_values: FrozenDict[str, str]
    successor: str
