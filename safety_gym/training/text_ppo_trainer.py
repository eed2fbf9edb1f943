"""Text PPO: the language model writes the whole response, the judge scores it, PPO updates every token.

The classic RLHF recipe (as in InstructGPT and TRL's former ``PPOTrainer``), in plain torch and single-turn:

1. For each train-split scenario prompt (chat template, optionally left-truncated), sample a response
   token by token with a seeded generator (no global RNG).
2. Step a fresh episode with the decoded response: the score is ``task reward - harm_penalty * cost``
   (:class:`~safety_gym.training.rewards.EnvReward`).
3. Per-token rewards (:func:`token_rewards`): ``-kl_coef * (log pi - log pi_ref)`` at every token, plus the
   score at the last one. A value head on the LM's last hidden state estimates each token's return;
   :func:`~safety_gym.training.ppo_trainer.compute_gae` gives the advantages.
4. :func:`~safety_gym.training.ppo_trainer.ppo_loss` over the response tokens (the vocabulary is the action
   space), for ``num_epochs`` passes.

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

from safety_gym.training.ppo_trainer import compute_gae, ppo_loss
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


def _cache_kwargs(out: Any) -> dict[str, Any]:
    """The KV cache of ``out`` as the keyword the model takes (``cache`` in transformers 5.x, else the old name)."""
    if "cache" in out:
        return {"cache": out["cache"]}
    return {"past_key_values": out["past_key_values"]}  # pragma: no cover - older transformers


@torch.no_grad()
def sample_response(model: Any, prompt_ids: list[int], max_new_tokens: int, *, eos_token_id: int | None,
                    temperature: float = 1.0, generator: torch.Generator | None = None) -> list[int]:
    """Sample up to ``max_new_tokens`` tokens after ``prompt_ids`` (stops after the EOS), with a KV cache.

    Sampling draws from ``generator`` only, so a seeded generator gives the same tokens in any process.
    """
    device = next(model.parameters()).device
    out = model(input_ids=torch.tensor([prompt_ids], device=device), use_cache=True)
    tokens: list[int] = []
    for _ in range(max_new_tokens):
        probs = torch.softmax(out.logits[0, -1].float() / temperature, dim=-1)
        token = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        tokens.append(token)
        if token == eos_token_id:
            break
        out = model(input_ids=torch.tensor([[token]], device=device), use_cache=True, **_cache_kwargs(out))
    return tokens


@dataclass
class _Episode:
    prompt: list[int]
    response: list[int]
    logprobs: torch.Tensor
    values: torch.Tensor
    ref_logits: torch.Tensor
    advantages: torch.Tensor | None = None
    returns: torch.Tensor | None = None


class TextPPOTrainer:
    """Token-level PPO of a causal LM on safety-gym scenarios, rewarded by the judge.

    Args:
        model: A causal LM (it is trained in place).
        tokenizer: Its tokenizer (with a chat template).
        config: The arguments (default: ``TextPPOConfig()``).

    Attributes:
        value_head: ``Linear(hidden_size, 1)`` on the LM's last hidden state.
        ref_model: Frozen copy of the initial model (the KL reference).
        log_history: One dict per update: ``loss``, ``policy_loss``, ``value_loss``, ``kl`` (per token, to the
            reference), ``score``, ``reward``, ``cost``, ``harmful_rate``, ``format_error_rate``,
            ``response_tokens``.

    """

    def __init__(self, model: Any, tokenizer: Any, config: TextPPOConfig | None = None) -> None:
        from safety_gym.training.rewards import EnvReward

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

    def _prompts(self, n: int) -> Any:
        from safety_gym.training.data.common import scenario_slots

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

    @torch.no_grad()
    def collect(self, n: int | None = None) -> tuple[list[_Episode], dict[str, float]]:
        """Sample ``n`` responses (default ``episodes_per_update``), score them and compute advantages."""
        from safety_gym.training.data.common import reset_slot

        config = self.config
        n = config.episodes_per_update if n is None else n
        episodes, scores, rewards, costs, errors, kls = [], [], [], [], [], []
        self.model.eval()
        for slot in self._prompts(n):
            info = reset_slot(slot)
            prompt = self._encode(info["messages"])
            response = sample_response(self.model, prompt, config.max_new_tokens,
                                       eos_token_id=self.tokenizer.eos_token_id, temperature=config.temperature,
                                       generator=self.generator)
            text = self.tokenizer.decode(response, skip_special_tokens=True)
            env = self.reward._env(slot.env_id, slot.columns()["env_kwargs"])
            env.reset(seed=slot.seed)
            _, reward, _, _, step_info = env.step(text)
            score = float(reward) - config.harm_penalty * float(step_info["cost"])
            logits, values = self._forward(self.model, prompt, response)
            ref_logits, _ = self._forward(self.ref_model, prompt, response, value=False)
            actions = torch.tensor(response)
            logprobs = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
            ref_logprobs = torch.log_softmax(ref_logits, -1).gather(1, actions[:, None]).squeeze(1)
            per_token = token_rewards(score, logprobs, ref_logprobs, config.kl_coef)
            dones = torch.zeros(len(response))
            dones[-1] = 1.0
            advantages, returns = compute_gae(per_token, values, dones, gamma=config.gamma, lam=config.gae_lambda)
            episodes.append(_Episode(prompt, response, logprobs, values, ref_logits, advantages, returns))
            scores.append(score)
            rewards.append(float(reward))
            costs.append(float(step_info["cost"]))
            errors.append(float(step_info["format_error"]))
            kls.append(float((logprobs - ref_logprobs).mean()))
        stats = {
            "score": float(np.mean(scores)),
            "reward": float(np.mean(rewards)),
            "cost": float(np.mean(costs)),
            "harmful_rate": float(np.mean([c > 0 for c in costs])),
            "format_error_rate": float(np.mean(errors)),
            "kl": float(np.mean(kls)),
            "response_tokens": float(np.mean([len(e.response) for e in episodes])),
        }
        return episodes, stats

    def update(self, episodes: list[_Episode]) -> dict[str, float]:
        """``num_epochs`` passes of minibatch PPO over the response tokens of ``episodes``."""
        config = self.config
        self.model.train()
        stats: dict[str, list[float]] = {}
        for _ in range(config.num_epochs):
            order = torch.randperm(len(episodes), generator=self.generator).tolist()
            for start in range(0, len(order), config.minibatch_size):
                batch = [episodes[i] for i in order[start:start + config.minibatch_size]]
                pieces = [self._forward(self.model, e.prompt, e.response) for e in batch]
                advantages = torch.cat([e.advantages for e in batch])
                if len(advantages) > 1:
                    advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
                out = ppo_loss(
                    torch.cat([logits for logits, _ in pieces]),
                    torch.cat([e.ref_logits for e in batch]),
                    torch.cat([torch.tensor(e.response) for e in batch]),
                    torch.cat([e.logprobs for e in batch]),
                    advantages,
                    torch.cat([values for _, values in pieces]),
                    torch.cat([e.returns for e in batch]),
                    clip_range=config.clip_range, vf_coef=config.vf_coef, ent_coef=config.ent_coef, kl_coef=0.0,
                )
                self.optimizer.zero_grad()
                out["loss"].backward()
                nn.utils.clip_grad_norm_([p for g in self.optimizer.param_groups for p in g["params"]],
                                         config.max_grad_norm)
                self.optimizer.step()
                for key in ("loss", "policy_loss", "value_loss", "entropy", "clip_fraction"):
                    stats.setdefault(key, []).append(float(out[key].detach()))
        return {key: float(np.mean(values)) for key, values in stats.items()}

    def train(self) -> list[dict[str, float]]:
        """``num_updates`` rounds of collect-then-update; returns (and extends) :attr:`log_history`."""
        for _ in range(self.config.num_updates):
            episodes, collected = self.collect()
            stats = {**self.update(episodes), **collected, "step": float(len(self.log_history) + 1)}
            self.log_history.append(stats)
        return self.log_history
