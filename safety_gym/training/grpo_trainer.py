"""Group-relative policy optimisation with the environment's judge as the reward, on TRL's ``GRPOTrainer``.

Single-turn (``max_turns=1``, the default): each completion is one response to its scenario's prompt, scored
by :class:`~safety_gym.training.rewards.EnvReward` (``task reward - harm_penalty * cost`` from a fresh episode).

Multi-turn (``max_turns > 1``): each completion is a whole episode (:func:`~safety_gym.training.multiturn.
run_episode`): the model's tool calls run in the environment and the tool results come back as the next user
turn, until the agent calls ``done``, ``max_turns`` responses or ``max_completion_length`` tokens. The
completion is the conversation after the prompt; its observation tokens go to TRL as ``env_mask`` (0), so the
loss covers the model's own tokens only. :class:`MultiTurnRollout` is the ``rollout_func`` (plain
transformers sampling from a seeded generator; no vLLM) and :class:`EpisodeReward` the default reward
(``task reward - harm_penalty * cost``, both summed over the episode).

The dataset is :func:`~safety_gym.training.data.scenario_prompts` (or any dataset with ``prompt``,
``env_id``, ``env_kwargs`` and ``seed`` columns).

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> from safety_gym.training.data import scenario_prompts
    >>> model, tokenizer = tiny_model()
    >>> config = GRPOConfig(output_dir="/tmp/sg-grpo-doctest", max_steps=1, per_device_train_batch_size=2,
    ...                     num_generations=2, max_completion_length=8, harm_penalty=2.0)
    >>> trainer = GRPOTrainer(model, config, scenario_prompts(1, families=["Blackmail"]), tokenizer)
    >>> trainer.reward_funcs[0].penalty  # trainer.train() runs it (about a second a step on a CPU)
    2.0

"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import torch
import trl
from trl.models import unwrap_model_for_generation

from safety_gym.training.common import check_positive, peft_config, quiet_trainer
from safety_gym.training.grpo_config import GRPOConfig
from safety_gym.training.multiturn import make_env, run_episode
from safety_gym.training.rewards import EnvReward

__all__ = ["EpisodeReward", "GRPOConfig", "GRPOTrainer", "MultiTurnRollout"]

REQUIRED_COLUMNS = ("prompt", "env_id", "env_kwargs", "seed")
"""Columns the environment reward needs."""


class EpisodeReward:
    """The multi-turn reward: ``episode_reward - penalty * episode_cost``, read from the rollout's extra fields.

    Args:
        penalty: Non-negative weight of the cost.

    Attributes:
        __name__: ``"env_reward"`` (the name TRL logs, as for the single-turn reward).
        last_costs: Costs of the last call's episodes (for logging).

    Raises:
        ValueError: If ``penalty`` is negative or not finite.

    Example:
        >>> EpisodeReward(2.0)(["a", "b"], episode_reward=[1.0, 1.0], episode_cost=[0.0, 1.0])
        [1.0, -1.0]

    """

    def __init__(self, penalty: float = 1.0) -> None:
        check_positive("penalty", penalty, zero=True)
        self.penalty = float(penalty)
        self.__name__ = "env_reward"
        self.last_costs: list[float] = []

    def __call__(self, completions: Sequence[Any], *, episode_reward: Sequence[float],
                 episode_cost: Sequence[float], **_: Any) -> list[float]:
        """One reward per completion (other columns TRL passes are ignored).

        Raises:
            ValueError: If the field lengths differ from the number of completions.

        """
        if not len(episode_reward) == len(episode_cost) == len(completions):
            raise ValueError(f"{len(completions)} completions but {len(episode_reward)} episode_reward and "
                             f"{len(episode_cost)} episode_cost values (use MultiTurnRollout as rollout_func)")
        self.last_costs = [float(cost) for cost in episode_cost]
        return [float(reward) - self.penalty * float(cost) for reward, cost in zip(episode_reward, episode_cost,
                                                                                   strict=True)]


class MultiTurnRollout:
    """TRL ``rollout_func``: one multi-turn episode per prompt, observation tokens masked (``env_mask``).

    TRL calls it with the batch's prompts (already repeated ``num_generations`` times) and the trainer; the
    rows behind them (``env_id``, ``env_kwargs``, ``seed``) come from :class:`GRPOTrainer`, which records
    each batch before generating. Episodes are sampled with the trainer's model (eval mode, no gradients)
    from ``generator``, so a run is deterministic for a seed.

    Args:
        max_turns: Most responses per episode.
        generator: Sampling generator (default: seeded with 0).
        max_turn_tokens: Most tokens of one response (default: the trainer's ``max_completion_length``, which
            caps the whole episode).

    Returns (when called):
        ``prompt_ids``, ``completion_ids``, ``logprobs`` and ``env_mask`` (lists per episode), and the extra
        fields ``episode_reward``, ``episode_cost``, ``episode_turns`` TRL passes to the reward functions.

    """

    def __init__(self, max_turns: int, generator: torch.Generator | None = None, *,
                 max_turn_tokens: int | None = None) -> None:
        check_positive("max_turns", max_turns, integer=True)
        if max_turn_tokens is not None:
            check_positive("max_turn_tokens", max_turn_tokens, integer=True)
        self.max_turns, self.max_turn_tokens = max_turns, max_turn_tokens
        self.generator = generator if generator is not None else torch.Generator().manual_seed(0)
        self._envs: dict[tuple[str, str], Any] = {}

    def _env(self, env_id: str, env_kwargs: str) -> Any:
        key = (env_id, env_kwargs)
        if key not in self._envs:
            self._envs[key] = make_env(env_id, env_kwargs, max_turns=self.max_turns)
        return self._envs[key]

    def __call__(self, prompts: list[Any], trainer: Any) -> dict[str, list[Any]]:
        """Run one episode per prompt (the rows are ``trainer.rollout_rows``, in the same order)."""
        rows = getattr(trainer, "rollout_rows", None)
        if rows is None or len(rows) != len(prompts):
            raise ValueError(f"{len(prompts)} prompts but {0 if rows is None else len(rows)} recorded rows; "
                             "MultiTurnRollout runs inside safety_gym's GRPOTrainer (max_turns > 1)")
        tokenizer = trainer.processing_class
        budget = trainer.max_completion_length
        out: dict[str, list[Any]] = {key: [] for key in ("prompt_ids", "completion_ids", "logprobs", "env_mask",
                                                         "episode_reward", "episode_cost", "episode_turns")}
        with unwrap_model_for_generation(trainer.model_wrapped, trainer.accelerator) as model:
            training = model.training
            model.eval()
            try:
                for prompt, row in zip(prompts, rows, strict=True):
                    messages = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
                    episode = run_episode(model, tokenizer, self._env(row["env_id"], row["env_kwargs"]),
                                          seed=int(row["seed"]), max_turns=self.max_turns, max_tokens=budget,
                                          max_new_tokens=self.max_turn_tokens,
                                          temperature=trainer.temperature, generator=self.generator,
                                          messages=messages)
                    out["prompt_ids"].append(episode.prompt_ids)
                    out["completion_ids"].append(episode.completion_ids)
                    out["logprobs"].append(episode.logprobs)
                    out["env_mask"].append(episode.mask)
                    out["episode_reward"].append(episode.reward)
                    out["episode_cost"].append(episode.cost)
                    out["episode_turns"].append(episode.turns)
            finally:
                model.train(training)
        return out


class GRPOTrainer(trl.GRPOTrainer):
    """TRL's ``GRPOTrainer`` rewarded by the environment (LoRA from the config's ``lora_*`` fields).

    With ``args.max_turns > 1`` it generates multi-turn episodes (:class:`MultiTurnRollout`) and the default
    reward is :class:`EpisodeReward`.

    Args:
        model: A causal LM.
        args: The configuration (default: ``GRPOConfig()``).
        train_dataset: Prompts with ``env_id``, ``env_kwargs`` and ``seed`` columns.
        processing_class: The tokenizer.
        reward_funcs: Reward functions (default: ``[EnvReward(args.harm_penalty)]``, or
            ``[EpisodeReward(args.harm_penalty)]`` for multi-turn).
        **kwargs: Passed to TRL's trainer (``rollout_func`` is set for multi-turn).

    Attributes:
        rollout_rows: The rows of the batch being generated (multi-turn rollouts read their scenarios there).

    Raises:
        ValueError: If the dataset lacks a required column (multi-turn always needs them), or ``rollout_func``
            is passed with ``max_turns > 1``.

    """

    def __init__(
        self,
        model: Any,
        args: GRPOConfig | None = None,
        train_dataset: Any = None,
        processing_class: Any = None,
        reward_funcs: Any = None,
        **kwargs: Any,
    ) -> None:
        args = args if args is not None else GRPOConfig()
        multi_turn = args.max_turns > 1
        if train_dataset is not None:
            missing = [column for column in REQUIRED_COLUMNS if column not in train_dataset.column_names]
            if missing and (reward_funcs is None or multi_turn):
                raise ValueError(
                    f"dataset lacks {', '.join(missing)}; the environment reward needs {', '.join(REQUIRED_COLUMNS)} "
                    "(use safety_gym.training.data.scenario_prompts)"
                )
        if multi_turn:
            if kwargs.get("rollout_func") is not None:
                raise ValueError(f"max_turns={args.max_turns} brings its own rollout_func; pass max_turns=1 to use "
                                 "yours")
            kwargs["rollout_func"] = MultiTurnRollout(args.max_turns, torch.Generator().manual_seed(args.seed),
                                                      max_turn_tokens=args.max_turn_tokens)
        if reward_funcs is None:
            reward_funcs = [EpisodeReward(args.harm_penalty) if multi_turn else EnvReward(args.harm_penalty)]
        kwargs.setdefault("peft_config", peft_config(args))
        self.rollout_rows: list[dict[str, Any]] | None = None
        with warnings.catch_warnings():  # TRL 1.16 warns that rollout_func is experimental
            warnings.filterwarnings("ignore", message="You are using 'rollout_func'", category=UserWarning)
            super().__init__(model=model, reward_funcs=reward_funcs, args=args, train_dataset=train_dataset,
                             processing_class=processing_class, **kwargs)
        quiet_trainer(self)

    def _generate_and_score_completions(self, inputs: list[dict[str, Any]]) -> dict[str, Any]:
        """Record the batch's rows for the multi-turn rollout, then run TRL's generation and scoring."""
        self.rollout_rows = inputs
        try:
            return super()._generate_and_score_completions(inputs)
        finally:
            self.rollout_rows = None
