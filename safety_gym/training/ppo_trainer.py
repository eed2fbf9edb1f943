"""PPO for choice mode, in plain torch: GAE, the clipped objective, a value head and a KL penalty to a reference.

TRL has no PPO trainer (it was removed in 1.13), so this is a small, readable one. The agent picks one of the
``k`` complete candidate responses of a :class:`~safety_gym.wrappers.ChoiceWrapper` episode (a ``Discrete``
action), the environment runs it, and the reward is ``task reward - harm_penalty * cost``
(:class:`~safety_gym.wrappers.CostToReward`). The policy never sees the candidates' labels: it must learn
from their text which ones are good.

Two policies share one interface (:class:`ChoicePolicy`):

- :class:`SoftmaxChoicePolicy`: a linear score over hashed bag-of-words features of each candidate, and a
  linear value of the prompt's features. Trains in seconds.
- :class:`LMChoicePolicy`: a causal language model; a candidate's logit is its (mean) token log-probability
  after the chat-formatted prompt, and a value head reads the LM's last hidden state of the prompt.

The pieces are plain functions checked against hand-computed values in the tests: :func:`compute_gae`
and :func:`ppo_loss`. The loss is

``policy_loss + vf_coef * value_loss - ent_coef * entropy + kl_coef * KL(pi || pi_ref)``

with ``policy_loss = mean(max(-A * r, -A * clip(r, 1 - eps, 1 + eps)))``, ``r = exp(logp - logp_old)``,
``value_loss = mean((V - R)^2) / 2`` and the exact KL over the candidates.

Example:
    >>> trainer = PPOTrainer(PPOConfig(families=["Blackmail"], num_updates=2, episodes_per_update=4,
    ...                                minibatch_size=4, num_epochs=1))
    >>> logs = trainer.train()
    >>> len(logs), logs[0]["step"], "loss" in logs[0] and "harmful_rate" in logs[0]
    (2, 1.0, True)
    >>> sorted(trainer.evaluate(4, split="test"))
    ['cost', 'harmful_rate', 'reward']

Checkpoints and resume: with ``output_dir`` set, :meth:`PPOTrainer.train` saves
``<output_dir>/checkpoint-<update>/`` every ``save_every`` updates and at the end (policy, reference policy,
optimizer, sampling generator, episode counter, logs and config; see :mod:`~safety_gym.training.checkpoint`).
With ``resume=True`` it continues from the latest one: training 2 updates, stopping, then resuming to 4 gives
exactly the parameters and logs of 4 updates in one go.

"""

from __future__ import annotations

import copy
import re
import zlib
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from safety_gym.training.data.common import scenario_slots
from safety_gym.training.ppo_config import PPOConfig
from safety_gym.training.resumable import ResumableTrainer
from safety_gym.wrappers.choice import ChoiceWrapper
from safety_gym.wrappers.reward import CostToReward

__all__ = [
    "ChoicePolicy",
    "LMChoicePolicy",
    "PPOConfig",
    "PPOTrainer",
    "Rollout",
    "SoftmaxChoicePolicy",
    "compute_gae",
    "ppo_loss",
]

_WORD = re.compile(r"[a-z0-9_]+")
_EPISODE_STREAM = zlib.crc32(b"training.ppo.episodes")


# ---------------------------------------------------------------------------------------------- the maths


def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    last_value: torch.Tensor | float = 0.0,
    gamma: float = 1.0,
    lam: float = 0.95,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation over one stream of transitions (time on the first axis).

    ``delta_t = r_t + gamma * V_{t+1} * (1 - done_t) - V_t`` and
    ``A_t = delta_t + gamma * lam * (1 - done_t) * A_{t+1}``; returns are ``A + V``. ``V_{T}`` is
    ``last_value`` (the value of the state after the last transition; ignored when that transition ends
    its episode).

    Example:
        >>> advantages, returns = compute_gae(torch.tensor([1.0, 0.0, 2.0]), torch.tensor([0.5, 0.5, 1.0]),
        ...                                   torch.tensor([0.0, 0.0, 1.0]), gamma=0.9, lam=0.8)
        >>> [round(a, 4) for a in advantages.tolist()]
        [1.7564, 1.12, 1.0]

    """
    rewards, values, dones = rewards.float(), values.float(), dones.float()
    advantages = torch.zeros_like(rewards)
    next_value = torch.as_tensor(last_value, dtype=rewards.dtype).expand_as(rewards[0])
    running = torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        alive = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * alive - values[t]
        running = delta + gamma * lam * alive * running
        advantages[t] = running
        next_value = values[t]
    return advantages, advantages + values


def ppo_loss(
    logits: torch.Tensor,
    ref_logits: torch.Tensor,
    actions: torch.Tensor,
    old_logprobs: torch.Tensor,
    advantages: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_range: float = 0.2,
    vf_coef: float = 0.5,
    ent_coef: float = 0.0,
    kl_coef: float = 0.0,
) -> dict[str, torch.Tensor]:
    """The PPO loss of a minibatch of discrete choices (``logits`` of shape ``[B, K]``; ``-inf`` masks padding).

    Returns:
        ``loss`` (to minimise) and its parts: ``policy_loss``, ``value_loss``, ``entropy``, ``kl`` (exact
        KL(pi || pi_ref) over the candidates), ``approx_kl`` (``mean(old_logp - logp)``) and ``clip_fraction``.

    Example:
        >>> logits = torch.log(torch.tensor([[0.5, 0.5]]))
        >>> out = ppo_loss(logits, logits, torch.tensor([0]), torch.log(torch.tensor([0.25])),
        ...                torch.tensor([1.0]), torch.tensor([0.0]), torch.tensor([1.0]), clip_range=0.2)
        >>> round(out["policy_loss"].item(), 4), out["clip_fraction"].item(), out["value_loss"].item()
        (-1.2, 1.0, 0.5)

    """
    valid = torch.isfinite(logits)
    # Padding: a large finite negative instead of -inf, so masked entries get zero probability and zero
    # (not NaN) gradients.
    logp_all = torch.log_softmax(logits.masked_fill(~valid, -1e9), dim=-1)
    ref_logp_all = torch.log_softmax(ref_logits.masked_fill(~valid, -1e9), dim=-1)
    probs = logp_all.exp() * valid
    logp = logp_all.gather(1, actions.long().unsqueeze(1)).squeeze(1)
    ratio = torch.exp(logp - old_logprobs)
    unclipped = -advantages * ratio
    clipped = -advantages * torch.clamp(ratio, 1.0 - clip_range, 1.0 + clip_range)
    policy_loss = torch.max(unclipped, clipped).mean()
    value_loss = 0.5 * ((values - returns) ** 2).mean()
    entropy = -(probs * logp_all).sum(-1).mean()
    kl = (probs * (logp_all - ref_logp_all)).sum(-1).mean()
    loss = policy_loss + vf_coef * value_loss - ent_coef * entropy + kl_coef * kl
    with torch.no_grad():
        approx_kl = (old_logprobs - logp).mean()
        clip_fraction = ((ratio - 1.0).abs() > clip_range).float().mean()
    return {
        "loss": loss,
        "policy_loss": policy_loss,
        "value_loss": value_loss,
        "entropy": entropy,
        "kl": kl,
        "approx_kl": approx_kl,
        "clip_fraction": clip_fraction,
    }


# ---------------------------------------------------------------------------------------------- policies


class ChoicePolicy(nn.Module):
    """A policy over a variable number of candidates with a value head.

    Subclasses implement :meth:`encode` (prompt and candidates to a cached input) and :meth:`forward`
    (encoded inputs to ``(logits [B, K_max], values [B])``, padding masked with ``-inf``).
    """

    def encode(self, prompt: Any, candidates: list[str]) -> Any:  # pragma: no cover - interface
        """Encode one episode's prompt (chat messages) and candidate texts."""
        raise NotImplementedError

    def forward(self, batch: list[Any]) -> tuple[torch.Tensor, torch.Tensor]:  # pragma: no cover - interface
        """Logits over each episode's candidates (padded with ``-inf``) and the value of each prompt."""
        raise NotImplementedError


def hashed_features(text: str, dim: int) -> torch.Tensor:
    """L2-normalised counts of lower-case words hashed (CRC32, stable across processes) into ``dim`` buckets.

    Example:
        >>> features = hashed_features("Escalate to the board. Escalate!", 64)
        >>> round(float(features.norm()), 6), int((features > 0).sum())
        (1.0, 4)

    """
    counts = np.zeros(dim, dtype=np.float32)
    for word in _WORD.findall(text.lower()):
        counts[zlib.crc32(word.encode()) % dim] += 1.0
    norm = float(np.linalg.norm(counts))
    return torch.from_numpy(counts / norm if norm else counts)


class SoftmaxChoicePolicy(ChoicePolicy):
    """Linear scores over hashed word features of each candidate; a linear value of the prompt's features.

    Weights start at zero: the first policy is uniform and the first value estimate is 0.

    Example:
        >>> policy = SoftmaxChoicePolicy(dim=32)
        >>> logits, values = policy([policy.encode([{"role": "user", "content": "hi"}], ["a", "b", "c"])])
        >>> logits.tolist(), values.tolist()
        ([[0.0, 0.0, 0.0]], [0.0])

    """

    def __init__(self, dim: int = 512) -> None:
        super().__init__()
        self.dim = dim
        self.score = nn.Linear(dim, 1, bias=False)
        self.value = nn.Linear(dim, 1)
        nn.init.zeros_(self.score.weight)
        nn.init.zeros_(self.value.weight)
        nn.init.zeros_(self.value.bias)

    def encode(self, prompt: Any, candidates: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Hashed features of the prompt's text and of each candidate."""
        text = prompt if isinstance(prompt, str) else "\n".join(message["content"] for message in prompt)
        return hashed_features(text, self.dim), torch.stack([hashed_features(c, self.dim) for c in candidates])

    def forward(self, batch: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``[B, K_max]`` (padding ``-inf``) and values ``[B]``."""
        width = max(candidates.shape[0] for _, candidates in batch)
        logits = torch.full((len(batch), width), float("-inf"))
        rows = []
        for i, (_, candidates) in enumerate(batch):
            rows.append(self.score(candidates).squeeze(-1))
            logits = logits.index_put((torch.tensor([i]), torch.arange(candidates.shape[0])), rows[-1])
        values = self.value(torch.stack([prompt for prompt, _ in batch])).squeeze(-1)
        return logits, values


class LMChoicePolicy(ChoicePolicy):
    """A causal LM as a choice policy: a candidate's logit is its log-likelihood after the prompt.

    The prompt is rendered with the tokenizer's chat template (with the generation prompt); each candidate
    is scored as the assistant's reply (its tokens plus the EOS), by the mean token log-probability when
    ``length_normalize`` (else the sum). A linear value head reads the last layer's hidden state at the
    prompt's last token.

    Args:
        model: A causal LM (e.g. :func:`~safety_gym.agents.models.tiny_model`'s).
        tokenizer: Its tokenizer (with a chat template).
        length_normalize: Mean instead of summed log-probability.
        max_prompt_tokens: Keep only the last this many prompt tokens (long inboxes on small machines).

    """

    def __init__(self, model: Any, tokenizer: Any, *, length_normalize: bool = True,
                 max_prompt_tokens: int | None = None) -> None:
        super().__init__()
        self.model, self.tokenizer = model, tokenizer
        self.length_normalize, self.max_prompt_tokens = length_normalize, max_prompt_tokens
        self.value = nn.Linear(model.config.hidden_size, 1)
        nn.init.zeros_(self.value.weight)
        nn.init.zeros_(self.value.bias)

    def encode(self, prompt: Any, candidates: list[str]) -> tuple[list[int], list[list[int]]]:
        """Token ids of the chat-formatted prompt and of each candidate reply (with the EOS)."""
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else list(prompt)
        ids = self.tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True)
        ids = list(ids["input_ids"] if hasattr(ids, "keys") else ids)
        if self.max_prompt_tokens is not None:
            ids = ids[-self.max_prompt_tokens:]
        eos = [self.tokenizer.eos_token_id] if self.tokenizer.eos_token_id is not None else []
        replies = [list(self.tokenizer(c, add_special_tokens=False)["input_ids"]) + eos for c in candidates]
        return ids, replies

    def forward(self, batch: list[tuple[list[int], list[list[int]]]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``[B, K_max]`` (padding ``-inf``) and values ``[B]``; one LM pass per episode."""
        device = next(self.model.parameters()).device
        width = max(len(replies) for _, replies in batch)
        rows, values = [], []
        for prompt, replies in batch:
            sequences = [prompt + reply for reply in replies]
            longest = max(len(s) for s in sequences)
            pad = self.tokenizer.pad_token_id or 0
            input_ids = torch.tensor([s + [pad] * (longest - len(s)) for s in sequences], device=device)
            mask = torch.tensor([[1] * len(s) + [0] * (longest - len(s)) for s in sequences], device=device)
            out = self.model(input_ids=input_ids, attention_mask=mask, output_hidden_states=True)
            logp = torch.log_softmax(out.logits[:, :-1].float(), dim=-1)
            token_logp = logp.gather(2, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
            scores = []
            for j, reply in enumerate(replies):
                start = len(prompt) - 1
                piece = token_logp[j, start:start + len(reply)]
                scores.append(piece.mean() if self.length_normalize else piece.sum())
            row = torch.stack(scores)
            rows.append(torch.cat([row, row.new_full((width - len(replies),), float("-inf"))]))
            values.append(self.value(out.hidden_states[-1][0, len(prompt) - 1].float()).squeeze(-1))
        return torch.stack(rows), torch.stack(values)


# ---------------------------------------------------------------------------------------------- rollouts


@dataclass
class Rollout:
    """A batch of collected choice episodes (one transition each in single-turn choice mode)."""

    inputs: list[Any]
    actions: torch.Tensor
    logprobs: torch.Tensor
    values: torch.Tensor
    rewards: torch.Tensor
    costs: torch.Tensor
    dones: torch.Tensor
    labels: list[str]


class PPOTrainer(ResumableTrainer):
    """Choice-mode PPO on safety-gym environments.

    Args:
        config: The arguments (default: ``PPOConfig()``).
        policy: A :class:`ChoicePolicy` (default: built from ``config.policy``; ``"lm"`` needs ``model`` and
            ``tokenizer``).
        model: Causal LM for the ``"lm"`` policy.
        tokenizer: Its tokenizer.

    Attributes:
        policy: The policy being trained.
        ref_policy: A frozen copy of the initial policy (the KL reference).
        log_history: One dict of statistics per update (``loss``, ``policy_loss``, ``value_loss``, ``kl``,
            ``entropy``, ``reward``, ``cost``, ``harmful_rate``...).

    Raises:
        ValueError: If ``config.policy == "lm"`` and no policy, model or tokenizer is given.

    Example:
        >>> import tempfile
        >>> config = PPOConfig(families=["Blackmail"], num_updates=2, episodes_per_update=2, minibatch_size=2,
        ...                    num_epochs=1, output_dir=tempfile.mkdtemp())
        >>> len(PPOTrainer(config).train())
        2
        >>> config.num_updates, config.resume = 3, True
        >>> [entry["step"] for entry in PPOTrainer(config).train()]  # resumes after update 2
        [1.0, 2.0, 3.0]

    """

    def __init__(self, config: PPOConfig | None = None, policy: ChoicePolicy | None = None, *,
                 model: Any = None, tokenizer: Any = None) -> None:
        self.config = config if config is not None else PPOConfig()
        if policy is None:
            if self.config.policy == "lm":
                if model is None or tokenizer is None:
                    raise ValueError("policy='lm' needs model= and tokenizer= (or pass policy=)")
                policy = LMChoicePolicy(model, tokenizer, length_normalize=self.config.length_normalize,
                                        max_prompt_tokens=self.config.max_prompt_tokens)
            else:
                policy = SoftmaxChoicePolicy(self.config.feature_dim)
        self.policy = policy
        self.ref_policy = copy.deepcopy(policy).eval()
        for parameter in self.ref_policy.parameters():
            parameter.requires_grad_(False)
        self.optimizer = torch.optim.Adam([p for p in policy.parameters() if p.requires_grad],
                                          lr=self.config.learning_rate)
        self.generator = torch.Generator().manual_seed(self.config.seed)
        self.log_history: list[dict[str, float]] = []
        self._envs: dict[Any, Any] = {}
        self._episode = 0

    # ------------------------------------------------------------------ environment

    def _env(self, slot: Any) -> Any:
        key = (slot.family, slot.factors, slot.syntax, slot.split)
        if key not in self._envs:
            env = ChoiceWrapper(gym.make(slot.env_id, **slot.env_kwargs), k=self.config.k)
            self._envs[key] = CostToReward(env, penalty=self.config.harm_penalty)
        return self._envs[key]

    def _slots(self, n: int, split: str | None = None) -> list[Any]:
        seed = int(np.random.default_rng([self.config.seed, _EPISODE_STREAM, self._episode]).integers(2**31 - 1))
        self._episode += 1
        return scenario_slots(n, families=self.config.families, split=split or self.config.split, seed=seed)

    # ------------------------------------------------------------------ PPO

    @torch.no_grad()
    def collect(self, n: int | None = None) -> Rollout:
        """Run ``n`` episodes (default ``episodes_per_update``) with actions sampled from the policy."""
        n = self.config.episodes_per_update if n is None else n
        inputs, actions, logprobs, values, rewards, costs, labels = [], [], [], [], [], [], []
        self.policy.eval()
        for slot in self._slots(n):
            env = self._env(slot)
            _, info = env.reset(seed=slot.seed)
            encoded = self.policy.encode(info["messages"], info["candidates"])
            logits, value = self.policy([encoded])
            logp = torch.log_softmax(logits[0], dim=-1)
            action = int(torch.multinomial(logp.exp(), 1, generator=self.generator))
            _, reward, _, _, step_info = env.step(action)
            inputs.append(encoded)
            actions.append(action)
            logprobs.append(logp[action])
            values.append(value[0])
            rewards.append(float(reward))
            costs.append(float(step_info["cost"]))
            labels.append(step_info["choice"]["label"])
        return Rollout(
            inputs=inputs,
            actions=torch.tensor(actions),
            logprobs=torch.stack(logprobs),
            values=torch.stack(values),
            rewards=torch.tensor(rewards),
            costs=torch.tensor(costs),
            dones=torch.ones(n),  # a choice episode is one step
            labels=labels,
        )

    def update(self, rollout: Rollout) -> dict[str, float]:
        """``num_epochs`` passes of minibatch PPO over ``rollout``; returns the mean statistics."""
        config = self.config
        advantages, returns = compute_gae(rollout.rewards, rollout.values, rollout.dones,
                                          gamma=config.gamma, lam=config.gae_lambda)
        n = len(rollout.inputs)
        with torch.no_grad():
            ref_logits, _ = self.ref_policy(rollout.inputs)
        self.policy.train()
        stats: dict[str, list[float]] = {}
        for _ in range(config.num_epochs):
            order = torch.randperm(n, generator=self.generator)
            for start in range(0, n, config.minibatch_size):
                index = order[start:start + config.minibatch_size]
                batch_advantages = advantages[index]
                if config.normalize_advantages and len(index) > 1:
                    batch_advantages = (batch_advantages - batch_advantages.mean()) / (batch_advantages.std() + 1e-8)
                logits, values = self.policy([rollout.inputs[i] for i in index.tolist()])
                batch_ref = ref_logits[index][:, : logits.shape[1]]  # padding is at the end: trim to this width
                out = ppo_loss(logits, batch_ref, rollout.actions[index], rollout.logprobs[index],
                               batch_advantages, values, returns[index], clip_range=config.clip_range,
                               vf_coef=config.vf_coef, ent_coef=config.ent_coef, kl_coef=config.kl_coef)
                self.optimizer.zero_grad()
                out["loss"].backward()
                nn.utils.clip_grad_norm_(self.policy.parameters(), config.max_grad_norm)
                self.optimizer.step()
                for key, value in out.items():
                    stats.setdefault(key, []).append(float(value.detach()))
        result = {key: float(np.mean(values)) for key, values in stats.items()}
        result.update(
            reward=float(rollout.rewards.mean()),
            cost=float(rollout.costs.mean()),
            harmful_rate=float((rollout.costs > 0).float().mean()),
            advantage=float(advantages.mean()),
        )
        return result

    def step(self) -> dict[str, float]:
        """Collect ``episodes_per_update`` episodes and update on them; returns the update's logs."""
        return self.update(self.collect())

    def checkpoint_state(self) -> dict[str, Any]:
        """The policy, the reference policy, the optimizer and the sampling generator."""
        return {
            "modules": {"policy": self.policy, "ref_policy": self.ref_policy},
            "optimizer": self.optimizer,
            "generators": {"generator": self.generator},
        }

    def counters(self) -> dict[str, int]:
        """The episode counter (it seeds the scenario draw)."""
        return {"episode": self._episode}

    def restore_counters(self, counters: dict[str, Any]) -> None:
        """Restore the episode counter."""
        self._episode = counters["episode"]

    @torch.no_grad()
    def evaluate(self, n: int, *, greedy: bool = True, split: str | None = None) -> dict[str, float]:
        """Mean reward, cost and harmful rate of ``n`` fresh episodes (greedy actions by default), no update.

        Args:
            n: Number of episodes.
            greedy: Take the most likely candidate (else sample).
            split: Split of the episodes (default: the training split). ``"test"`` measures generalisation to
                held-out entities and wording; nothing is learned from it.

        """
        rewards, costs = [], []
        self.policy.eval()
        for slot in self._slots(n, split):
            env = self._env(slot)
            _, info = env.reset(seed=slot.seed)
            logits, _ = self.policy([self.policy.encode(info["messages"], info["candidates"])])
            probs = torch.softmax(logits[0], dim=-1)
            action = int(probs.argmax()) if greedy else int(torch.multinomial(probs, 1, generator=self.generator))
            _, reward, _, _, step_info = env.step(action)
            rewards.append(float(reward))
            costs.append(float(step_info["cost"]))
        return {
            "reward": float(np.mean(rewards)) if rewards else 0.0,
            "cost": float(np.mean(costs)) if costs else 0.0,
            "harmful_rate": float(np.mean([c > 0 for c in costs])) if costs else 0.0,
        }
