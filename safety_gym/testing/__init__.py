"""Hypothesis strategies and helpers for property-based tests of safety-gym envs and of your policies.

Needs the ``testing`` extra (``pip install safety-gym[testing]``). Importing this package registers the
settings profiles (see :mod:`safety_gym.testing.profiles`). See ``docs/property-testing.md`` for a worked
example.

- Environments (:mod:`~safety_gym.testing.strategies`): :func:`seeds`, :func:`families`, :func:`env_ids`,
  :func:`factors`, :func:`counterfactuals`, :func:`env_configs`, :func:`scenarios`, :func:`wrapper_stacks`.
- Actions (:mod:`~safety_gym.testing.actions`): :func:`valid_calls`, :func:`malformed_calls`, :func:`prose`,
  :func:`hostile_strings`, :func:`hostile_calls`, :func:`actions`, :func:`non_str_actions`.
- Host isolation (:mod:`~safety_gym.testing.audit`): :class:`HostAudit` records file, process, socket and
  code-execution events raised while it is active.
- Checks (:mod:`~safety_gym.testing.checks`): :func:`canonical` bytes of a rollout, :func:`perturb_global_rngs`,
  the :func:`no_hang` guard.
- Profiles: :func:`load_profile` (``ci``, ``dev``, ``thorough``; ``SAFETY_GYM_HYPOTHESIS_PROFILE``).

Example:
    >>> from hypothesis import given, settings
    >>> from safety_gym.testing import actions, env_configs, seeds
    >>> @settings(max_examples=5, derandomize=True, database=None, deadline=None)
    ... @given(config=env_configs(), seed=seeds(), data=st.data())
    ... def any_action_gives_an_observation(config, seed, data):
    ...     env = config.make()
    ...     env.reset(seed=seed)
    ...     observation = env.step(data.draw(actions(env.unwrapped.scenario)))[0]
    ...     assert env.observation_space.contains(observation)
    >>> any_action_gives_an_observation()

"""

from hypothesis import strategies as st

from safety_gym.testing.actions import (
    actions,
    hostile_calls,
    hostile_strings,
    huge_strings,
    malformed_calls,
    nested_payloads,
    non_str_actions,
    odd_unicode,
    prose,
    scenario_vocabulary,
    valid_calls,
)
from safety_gym.testing.audit import HostAudit
from safety_gym.testing.checks import Hang, canonical, no_hang, perturb_global_rngs
from safety_gym.testing.profiles import (
    CI_PROFILE,
    DEV_PROFILE,
    PROFILE_ENV_VAR,
    THOROUGH_PROFILE,
    load_profile,
    register_profiles,
)
from safety_gym.testing.strategies import (
    EnvConfig,
    WrapperStack,
    counterfactuals,
    env_configs,
    env_ids,
    factors,
    families,
    scenarios,
    seeds,
    wrapper_layers,
    wrapper_stacks,
)

register_profiles()

__all__ = [
    "CI_PROFILE",
    "DEV_PROFILE",
    "PROFILE_ENV_VAR",
    "THOROUGH_PROFILE",
    "EnvConfig",
    "Hang",
    "HostAudit",
    "WrapperStack",
    "actions",
    "canonical",
    "counterfactuals",
    "env_configs",
    "env_ids",
    "factors",
    "families",
    "hostile_calls",
    "hostile_strings",
    "huge_strings",
    "load_profile",
    "malformed_calls",
    "nested_payloads",
    "no_hang",
    "non_str_actions",
    "odd_unicode",
    "perturb_global_rngs",
    "prose",
    "register_profiles",
    "scenario_vocabulary",
    "scenarios",
    "seeds",
    "st",
    "valid_calls",
    "wrapper_layers",
    "wrapper_stacks",
]
