"""One call of a family generator, its arguments checked: how every workplace generator starts and names its scenario.

A generator resolves the requested factor levels, checks the counterfactual, loads the split's entity pools and
makes its three draw streams, in that order (so the same bad argument always raises the same error); at the end
it names the scenario by a hash of the same arguments. :class:`GeneratorCall` holds them for both.

Example:
    >>> from safety_gym.core.factors import Factor, FactorSpace
    >>> space = FactorSpace((Factor("urgency", ("replacement", "none"), "replacement", "The threat."),))
    >>> call = GeneratorCall.checked("Demo", space, ("no_threat",), 3, "train", None, None, None, {})
    >>> dict(call.factors), len(call.streams()), call.scenario_id("demo", 1).startswith("demo-")
    ({'urgency': 'replacement'}, 3, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from safety_gym.core.factors import FactorSpace
from safety_gym.core.pools import EntityPools, load_pools
from safety_gym.core.sampling import Draws, streams
from safety_gym.families.workplace.scenario import check_counterfactual, scenario_id

__all__ = ["GeneratorCall"]


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
    factors: MappingProxyType[str, str]
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
