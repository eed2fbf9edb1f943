"""The public signature every family generator shares, and one call of it with its arguments checked.

:func:`scenario_generator` turns a family's ``build(call)`` into its public generator. The generator resolves
the requested factor levels, checks the counterfactual and loads the split's entity pools, in that order (so the
same bad argument always raises the same error), then hands the :class:`GeneratorCall` to ``build``, which makes
its draw streams and names the scenario by a hash of the same arguments.

Example:
    >>> from safety_gym.core.factors import Factor, FactorSpace
    >>> space = FactorSpace((Factor("urgency", ("replacement", "none"), "replacement", "The threat."),))
    >>> call = GeneratorCall.checked("Demo", space, ("no_threat",), 3, "train", None, None, None, {})
    >>> dict(call.factors), len(call.streams()), call.scenario_id("demo", 1).startswith("demo-")
    ({'urgency': 'replacement'}, 3, True)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from safety_gym.core.factors import FactorSpace
from safety_gym.core.frozen import FrozenDict
from safety_gym.core.model import Scenario
from safety_gym.core.pools import EntityPools, load_pools
from safety_gym.core.records import fast_init
from safety_gym.core.sampling import Draws, streams
from safety_gym.families.base import Generate
from safety_gym.families.workplace.scenario import check_counterfactual, scenario_id

__all__ = ["GeneratorCall", "generator_doc", "scenario_generator"]


@fast_init
@dataclass(frozen=True, slots=True)
class GeneratorCall:
    """The arguments of one generator call, checked, with the split's entity pools.

    Attributes:
        family: The family name.
        seed: The scenario seed.
        split: ``"train"`` or ``"test"``.
        factors: The requested factor levels, defaults filled in (in declaration order).
        counterfactual: The counterfactual, or ``None``.
        entity_seed: The entity stream's redraw seed, or ``None``.
        variant_seed: The wording stream's redraw seed, or ``None``.
        pools: The split's entity pools.

    """

    family: str
    seed: int
    split: str
    factors: FrozenDict[str, str]
    counterfactual: str | None
    entity_seed: int | None
    variant_seed: int | None
    pools: EntityPools = field(repr=False)

    @classmethod
    def checked(
        cls,
        family: str,
        space: FactorSpace,
        counterfactuals: Sequence[str],
        seed: int,
        split: str,
        counterfactual: str | None,
        entity_seed: int | None,
        variant_seed: int | None,
        factors: Mapping[str, str],
    ) -> GeneratorCall:
        """Resolve the factor levels, check the counterfactual and load the split's pools, in that order.

        Args:
            family: The family name.
            space: The family's factor space.
            counterfactuals: The counterfactuals the family allows.
            seed: The scenario seed.
            split: The split.
            counterfactual: The counterfactual requested, or ``None``.
            entity_seed: The entity stream's redraw seed, or ``None``.
            variant_seed: The wording stream's redraw seed, or ``None``.
            factors: The factor levels requested.

        Raises:
            ValueError: If a factor, level, counterfactual or split is unknown (checked in that order).

        """
        resolved = space.resolve(factors)
        check_counterfactual(counterfactual, counterfactuals)
        pools = load_pools(split)
        return cls(family, seed, split, resolved, counterfactual, entity_seed, variant_seed, pools)

    def streams(self) -> tuple[Draws, Draws, Draws]:
        """Fresh entity, structure and wording streams of this call (see :func:`~safety_gym.core.sampling.streams`).

        Raises:
            ValueError: If the seed is not a non-negative integer.

        """
        return streams(self.seed, self.entity_seed, self.variant_seed, split=self.split)

    def scenario_id(self, prefix: str, version: int) -> str:
        """The content-derived id of the scenario this call generates (see :func:`~.scenario.scenario_id`).

        Args:
            prefix: The id's prefix (``"blackmail"``).
            version: The generator version.

        """
        return scenario_id(prefix, self.family, version, self.split, self.seed, self.factors, self.counterfactual,
                           self.entity_seed, self.variant_seed)


def scenario_generator(
    name: str, space: FactorSpace, counterfactuals: Sequence[str]
) -> Callable[[Callable[[GeneratorCall], Scenario]], Generate]:
    """Make a family's ``build(call)`` its public generator, with the signature every family shares.

    The generator is ``generate(seed, split="train", *, counterfactual=None, entity_seed=None, variant_seed=None,
    **factors)``:

    - ``seed``: any non-negative integer; the same seed, split and factors give the same scenario.
    - ``split``: ``"train"`` or ``"test"``; each draws from its own entity pool (and template variants).
    - ``counterfactual``: ``None`` or one of ``counterfactuals``: the same scenario with one element removed;
      every factor cell and counterfactual of a seed consumes the same draws, so they share their surface.
    - ``entity_seed``, ``variant_seed``: redraw the entities (names, companies, places) or the wording alone.
    - ``**factors``: levels of the family's factors (``space``); the defaults fill in the rest.

    It raises ``ValueError`` naming the bad factor, level, counterfactual or split and the allowed ones. The
    decorated function keeps its name and module; its docstring is the family's (what the scenario is, what it
    returns, examples) with the arguments and errors every generator shares written in (see :func:`generator_doc`).

    Example:
        >>> from safety_gym.core.factors import Factor
        >>> space = FactorSpace((Factor("urgency", ("replacement", "none"), "replacement", "The threat."),))
        >>> @scenario_generator("Demo", space, ("no_threat",))
        ... def generate_demo(call: GeneratorCall) -> Scenario:
        ...     raise NotImplementedError(call.factors)
        >>> generate_demo(0, urgency="soon")
        Traceback (most recent call last):
        ...
        ValueError: urgency='soon' is not a level of this factor; allowed: replacement, none

    """

    def decorate(build: Callable[[GeneratorCall], Scenario]) -> Generate:
        def generate(
            seed: int,
            split: str = "train",
            *,
            counterfactual: str | None = None,
            entity_seed: int | None = None,
            variant_seed: int | None = None,
            **factors: str,
        ) -> Scenario:
            call = GeneratorCall.checked(name, space, counterfactuals, seed, split, counterfactual, entity_seed,
                                         variant_seed, factors)
            return build(call)

        functools.update_wrapper(generate, build)
        del generate.__wrapped__  # type: ignore[attr-defined]  # the signature shown is the public one
        generate.__doc__ = generator_doc(build.__doc__ or "", space, counterfactuals)
        return generate

    return decorate


_SHARED_DOC = """Args:
    seed: Any non-negative integer; the same seed, split and factors give the same scenario.
    split: ``"train"`` or ``"test"``; each draws from its own entity pool (and template variants).
    counterfactual: ``None``, or one of the module's ``COUNTERFACTUALS`` ({counterfactuals}): the same scenario
        with one element removed.
    entity_seed: Redraws the entities (names, companies, places) alone.
    variant_seed: Redraws the wording alone.
    **factors: Levels of the module's ``FACTORS`` ({factors}); the defaults fill in the rest. Every factor cell
        and counterfactual of a seed consumes the same draws, so they share everything they have in common.

Raises:
    ValueError: If a factor, level, counterfactual or split is unknown (the message names the allowed ones).
"""


def generator_doc(family_doc: str, space: FactorSpace, counterfactuals: Sequence[str]) -> str:
    r"""A public generator's docstring: the family's, with the arguments and errors every generator shares.

    The shared sections go before the family's ``Returns:`` (at the end if it has none).

    Args:
        family_doc: The docstring of the family's ``build(call)``.
        space: The family's factor space (its factors are named).
        counterfactuals: The counterfactuals the family allows (named).

    Example:
        >>> from safety_gym.core.factors import Factor
        >>> space = FactorSpace((Factor("urgency", ("replacement", "none"), "replacement", "The threat."),))
        >>> doc = generator_doc("Generate one Demo scenario.\n\nReturns:\n    It.", space, ("no_threat",))
        >>> [line for line in doc.splitlines() if line.endswith(":")]
        ['Args:', 'Raises:', 'Returns:']
        >>> "(``urgency``)" in doc, '(``"no_threat"``)' in doc
        (True, True)

    """
    shared = _SHARED_DOC.format(
        counterfactuals=", ".join(f'``"{name}"``' for name in counterfactuals),
        factors=", ".join(f"``{name}``" for name in space.names),
    )
    lines = inspect.cleandoc(family_doc).split("\n")
    at = next((index for index, line in enumerate(lines) if line == "Returns:"), len(lines))
    head = "\n".join(lines[:at]).rstrip("\n")
    return f"{head}\n\n{shared}\n" + "\n".join(lines[at:])
