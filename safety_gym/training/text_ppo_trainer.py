"""Text PPO: the language model writes the whole response, the judge scores it, PPO updates every token.

The classic RLHF recipe (as in InstructGPT and TRL's former ``PPOTrainer``), in plain torch:

1. For each train-split scenario prompt (chat template, optionally left-truncated), sample a response
   token by token with a seeded generator (no global RNG).
2. Step a fresh episode with the decoded response: the score is ``task reward - harm_penalty * cost``
   (:class:`~safety_gym.training.rewards.EnvReward`).
3. Per-token rewards (:func:`token_rewards`): ``-kl_coef * (log pi - log pi_ref)`` at every token, plus the
   score at the last one. A value head on the LM's last hidden state estimates each token's return;
   :func:`~safety_gym.training.ppo_trainer.compute_gae` gives the advantages.
4. :func:`~safety_gym.training.ppo_trainer.ppo_loss` over the response tokens (the vocabulary is the action
   space), for ``num_epochs`` passes.

Multi-turn (``max_turns > 1``): step 1-2 become a whole episode
(:func:`~safety_gym.training.multiturn.run_episode`): the tool results come back as the next user turn and
the model answers again, until it calls ``done``, ``max_turns`` responses or ``max_episode_tokens`` tokens.
The score sums the rewards and costs of every turn. Steps 3-4 run over the model's own tokens only, in order:
the observation tokens the environment inserted get no action, value, KL or advantage, and the score lands
on the last generated token.

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> model, tokenizer = tiny_model()
    >>> config = TextPPOConfig(families=["Blackmail"], num_updates=1, episodes_per_update=2, minibatch_size=2,
    ...                        num_epochs=1, max_new_tokens=4, max_prompt_tokens=32)
    >>> logs = TextPPOTrainer(model, tokenizer, config).train()
    >>> logs[0]["score"], logs[0]["format_error_rate"]
    (0.0, 1.0)

"""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from safety_gym.training.data.common import reset_slot, scenario_slots
from safety_gym.training.multiturn import make_env, run_episode, sample_response
from safety_gym.training.ppo_trainer import compute_gae, ppo_loss
from safety_gym.training.resumable import ResumableTrainer
from safety_gym.training.rewards import EnvReward
from safety_gym.training.text_ppo_config import TextPPOConfig

__all__ = ["TextPPOConfig", "TextPPOTrainer", "sample_response", "token_rewards"]

_EPISODE_STREAM = zlib.crc32(b"training.text_ppo.episodes")


def token_rewards(score: float, logprobs: torch.Tensor, ref_logprobs: torch.Tensor, kl_coef: float) -> torch.Tensor:
    """Per-token rewards: a KL penalty to the reference at every token and the episode's score at the last.

    Example:
        >>> token_rewards(2.0, torch.tensor([-1.0, -2.0]), torch.tensor([-1.5, -1.0]), kl_coef=0.1).tolist()
        [-0.05000000074505806, 2.0999999046325684]

    """
    rewards = -kl_coef * (logprobs - ref_logprobs)
    rewards[-1] += score
    return rewards


@dataclass
class _Episode:
    """One collected episode.

    ``response`` is every token after the prompt; the other tensors cover only the tokens the model generated
    (``mask`` True), in order.
    """

    prompt: list[int]
    response: list[int]
    mask: torch.Tensor
    logprobs: torch.Tensor
    values: torch.Tensor
    ref_logits: torch.Tensor
    advantages: torch.Tensor | None = None
    returns: torch.Tensor | None = None

    @property
    def actions(self) -> torch.Tensor:
        """The generated tokens (the PPO actions)."""
        return torch.tensor(self.response)[self.mask]


class TextPPOTrainer(ResumableTrainer):
    """Token-level PPO of a causal LM on safety-gym scenarios, rewarded by the judge.

    Args:
        model: A causal LM (it is trained in place).
        tokenizer: Its tokenizer (with a chat template).
        config: The arguments (default: ``TextPPOConfig()``).

    Attributes:
        value_head: ``Linear(hidden_size, 1)`` on the LM's last hidden state.
        ref_model: Frozen copy of the initial model (the KL reference).
        optimizer: Adam over the model's trainable parameters and the value head.
        generator: The seeded generator of sampling and minibatch order.
        log_history: One dict per update: ``loss``, ``policy_loss``, ``value_loss``, ``kl`` (per generated
            token, to the reference), ``score``, ``reward``, ``cost``, ``harmful_rate``, ``format_error_rate``
            (share of responses without a parseable tool call), ``response_tokens`` (generated tokens per
            episode) and ``turns`` (responses per episode).

    """

    def __init__(self, model: Any, tokenizer: Any, config: TextPPOConfig | None = None) -> None:
        self.config = config if config is not None else TextPPOConfig()
        self.model, self.tokenizer = model, tokenizer
        self.value_head = nn.Linear(model.config.hidden_size, 1)
        nn.init.zeros_(self.value_head.weight)
        nn.init.zeros_(self.value_head.bias)
        self.ref_model = copy.deepcopy(model).eval()
        for parameter in self.ref_model.parameters():
            parameter.requires_grad_(False)
        parameters = [p for p in model.parameters() if p.requires_grad] + list(self.value_head.parameters())
        self.optimizer = torch.optim.Adam(parameters, lr=self.config.learning_rate)
        self.generator = torch.Generator().manual_seed(self.config.seed)
        self.reward = EnvReward(self.config.harm_penalty)
        self.log_history: list[dict[str, float]] = []
        self._round = 0
        self._envs: dict[tuple[str, str], Any] = {}

    def _prompts(self, n: int) -> Any:
        seed = int(np.random.default_rng([self.config.seed, _EPISODE_STREAM, self._round]).integers(2**31 - 1))
        self._round += 1
        return scenario_slots(n, families=self.config.families, split=self.config.split, seed=seed)

    def _encode(self, messages: list[dict[str, str]]) -> list[int]:
        ids = self.tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True)
        ids = list(ids["input_ids"] if hasattr(ids, "keys") else ids)
        return ids[-self.config.max_prompt_tokens:] if self.config.max_prompt_tokens else ids

    def _forward(self, model: Any, prompt: list[int], response: list[int], value: bool = True) -> tuple[Any, Any]:
        """Logits ``[T, V]`` predicting each response token, and values ``[T]`` of the states before them."""
        device = next(model.parameters()).device
        ids = torch.tensor([prompt + response], device=device)
        out = model(input_ids=ids, output_hidden_states=value)
        start = len(prompt) - 1
        logits = out.logits[0, start:start + len(response)].float()
        values = self.value_head(out.hidden_states[-1][0, start:start + len(response)].float()).squeeze(-1) \
            if value else None
        return logits, values

    def _single_turn(self, slot: Any) -> tuple[list[int], list[int], list[int], float, float, int, int]:
        """One response to ``slot``'s prompt, judged by a fresh episode."""
        config = self.config
        prompt = self._encode(reset_slot(slot)["messages"])
        response = sample_response(self.model, prompt, config.max_new_tokens, eos_token_id=self.tokenizer.eos_token_id,
                                   temperature=config.temperature, generator=self.generator)
        env = self.reward._env(slot.env_id, slot.columns()["env_kwargs"])
        env.reset(seed=slot.seed)
        _, reward, _, _, info = env.step(self.tokenizer.decode(response, skip_special_tokens=True))
        return prompt, response, [1] * len(response), float(reward), float(info["cost"]), 1, int(info["format_error"])

    def _multi_turn(self, slot: Any) -> tuple[list[int], list[int], list[int], float, float, int, int]:
        """A multi-turn episode of ``slot``'s scenario (tool results fed back, marked 0 in the mask)."""
        config = self.config
        key = (slot.env_id, slot.columns()["env_kwargs"])
        if key not in self._envs:
            self._envs[key] = make_env(*key, max_turns=config.max_turns)
        episode = run_episode(self.model, self.tokenizer, self._envs[key], seed=slot.seed, max_turns=config.max_turns,
                              max_tokens=config.max_episode_tokens, max_new_tokens=config.max_new_tokens,
                              temperature=config.temperature, generator=self.generator,
                              max_prompt_tokens=config.max_prompt_tokens, logprobs=False)
        return (episode.prompt_ids, episode.completion_ids, episode.mask, episode.reward, episode.cost,
                episode.turns, episode.format_errors)

    @torch.no_grad()
    def collect(self, n: int | None = None) -> tuple[list[_Episode], dict[str, float]]:
        """Run ``n`` episodes (default ``episodes_per_update``), score them and compute advantages.

        Single-turn with ``max_turns=1``, else multi-turn; the advantages cover the generated tokens only.
        """
        config = self.config
        n = config.episodes_per_update if n is None else n
        episodes, scores, rewards, costs, errors, turns, kls = [], [], [], [], [], [], []
        self.model.eval()
        for slot in self._prompts(n):
            run = self._single_turn if config.max_turns == 1 else self._multi_turn
            prompt, response, mask_list, reward, cost, n_turns, n_errors = run(slot)
            score = reward - config.harm_penalty * cost
            mask = torch.tensor(mask_list, dtype=torch.bool)
            logits, values = self._forward(self.model, prompt, response)
            ref_logits, _ = self._forward(self.ref_model, prompt, response, value=False)
            logits, values, ref_logits = logits[mask], values[mask], ref_logits[mask]
            actions = torch.tensor(response)[mask]
            logprobs = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
            ref_logprobs = torch.log_softmax(ref_logits, -1).gather(1, actions[:, None]).squeeze(1)
            per_token = token_rewards(score, logprobs, ref_logprobs, config.kl_coef)
            dones = torch.zeros(len(actions))
            dones[-1] = 1.0
            advantages, returns = compute_gae(per_token, values, dones, gamma=config.gamma, lam=config.gae_lambda)
            episodes.append(_Episode(prompt, response, mask, logprobs, values, ref_logits, advantages, returns))
            scores.append(score)
            rewards.append(reward)
            costs.append(cost)
            errors.append(n_errors)
            turns.append(n_turns)
            kls.append(float((logprobs - ref_logprobs).mean()))
        stats = {
            "score": float(np.mean(scores)),
            "reward": float(np.mean(rewards)),
            "cost": float(np.mean(costs)),
            "harmful_rate": float(np.mean([c > 0 for c in costs])),
            "format_error_rate": float(np.sum(errors) / np.sum(turns)),
            "kl": float(np.mean(kls)),
            "response_tokens": float(np.mean([int(e.mask.sum()) for e in episodes])),
            "turns": float(np.mean(turns)),
        }
        return episodes, stats

    def loss(self, batch: list[_Episode], pieces: list[tuple[torch.Tensor, torch.Tensor]]) -> dict[str, torch.Tensor]:
        """The PPO loss of ``batch`` from the current logits ``[T, V]`` and values ``[T]`` over each whole response.

        Rows of observation tokens (mask 0) are dropped before :func:`ppo_loss`: the loss does not depend on
        them. Advantages are normalised over the minibatch's generated tokens.
        """
        config = self.config
        advantages = torch.cat([e.advantages for e in batch])
        if len(advantages) > 1:
            advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        return ppo_loss(
            torch.cat([logits[e.mask] for e, (logits, _) in zip(batch, pieces, strict=True)]),
            torch.cat([e.ref_logits for e in batch]),
            torch.cat([e.actions for e in batch]),
            torch.cat([e.logprobs for e in batch]),
            advantages,
            torch.cat([values[e.mask] for e, (_, values) in zip(batch, pieces, strict=True)]),
            torch.cat([e.returns for e in batch]),
            clip_range=config.clip_range, vf_coef=config.vf_coef, ent_coef=config.ent_coef, kl_coef=0.0,
        )

    def update(self, episodes: list[_Episode]) -> dict[str, float]:
        """``num_epochs`` passes of minibatch PPO over the generated tokens of ``episodes``."""
        config = self.config
        self.model.train()
        stats: dict[str, list[float]] = {}
        for _ in range(config.num_epochs):
            order = torch.randperm(len(episodes), generator=self.generator).tolist()
            for start in range(0, len(order), config.minibatch_size):
                batch = [episodes[i] for i in order[start:start + config.minibatch_size]]
                out = self.loss(batch, [self._forward(self.model, e.prompt, e.response) for e in batch])
                self.optimizer.zero_grad()
                out["loss"].backward()
                nn.utils.clip_grad_norm_([p for g in self.optimizer.param_groups for p in g["params"]],
                                         config.max_grad_norm)
                self.optimizer.step()
                for key in ("loss", "policy_loss", "value_loss", "entropy", "clip_fraction"):
                    stats.setdefault(key, []).append(float(out[key].detach()))
        return {key: float(np.mean(values)) for key, values in stats.items()}

    def step(self) -> dict[str, float]:
        """Collect ``episodes_per_update`` episodes and update on them; returns the update's logs."""
        episodes, collected = self.collect()
        return {**self.update(episodes), **collected}

    def checkpoint_state(self) -> dict[str, Any]:
        """The model, its value head, the reference model, the optimizer and the sampling generator."""
        return {
            "modules": {"model": self.model, "value_head": self.value_head, "ref_model": self.ref_model},
            "optimizer": self.optimizer,
            "generators": {"generator": self.generator},
        }

    def counters(self) -> dict[str, int]:
        """The collection round (it seeds the scenario draw)."""
        return {"round": self._round}

    def restore_counters(self, counters: dict[str, Any]) -> None:
        """Restore the collection round."""
        self._round = counters["round"]
