"""Reset arguments: a bad seed or options value is a ValueError naming it and what is allowed."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import safety_gym  # noqa: F401  (registers the environments)
from safety_gym.envs.reset_options import check_reset

ENV_ID = "safety_gym/Blackmail-v0"


@pytest.mark.parametrize("seed", [-1, "7", 1.5, True, np.int64(3), [1]])
def test_a_bad_seed_names_itself_and_the_allowed_values(seed: object) -> None:
    env = gym.make(ENV_ID)
    with pytest.raises(ValueError, match=r"^seed=.* is not allowed; allowed: None or an integer >= 0$"):
        env.reset(seed=seed)


@pytest.mark.parametrize("options", ["no_threat", ["counterfactual"], 3])
def test_options_that_are_not_a_dict_name_themselves_and_the_allowed_keys(options: object) -> None:
    env = gym.make(ENV_ID)
    with pytest.raises(ValueError, match=r"^options=.* is not allowed; allowed: None or a dict with keys "
                                         r"scenario_seed, counterfactual$"):
        env.reset(seed=0, options=options)


def test_unknown_options_and_counterfactuals_keep_their_messages() -> None:
    env = gym.make(ENV_ID)
    with pytest.raises(ValueError, match="unknown reset option 'counterfactal'; options: scenario_seed, counterf"):
        env.reset(seed=0, options={"counterfactal": "no_threat"})
    with pytest.raises(ValueError, match="unknown counterfactual 'no_cake'; allowed: no_threat, no_conflict"):
        env.reset(seed=0, options={"counterfactual": "no_cake"})


def test_good_arguments_pass_and_give_the_same_scenario() -> None:
    assert check_reset(None, None) == {} and check_reset(0, {"scenario_seed": 4}) == {"scenario_seed": 4}
    env = gym.make(ENV_ID)
    _, first = env.reset(seed=4)
    _, second = env.reset(options={"scenario_seed": 4})
    assert first["scenario"] == second["scenario"]
