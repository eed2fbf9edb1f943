"""Choice mode with a language model: score each candidate response by its log-likelihood, pick the best.

Use with :class:`~safety_gym.wrappers.choice.ChoiceWrapper`, which puts the candidates in
``info["candidates"]``; the actions are candidate indices.

Example:
    >>> import gymnasium as gym
    >>> import safety_gym
    >>> from safety_gym.agents.models import tiny_model
    >>> from safety_gym.wrappers.choice import ChoiceWrapper
    >>> env = ChoiceWrapper(gym.make("safety_gym/Blackmail-v0"))
    >>> observation, info = env.reset(seed=0)
    >>> policy = LogLikelihoodPolicy(tiny_model())
    >>> (index,) = policy.act([observation], [info])
    >>> 0 <= index < env.k
    True
    >>> len(policy.last_details[0]["scores"]) == env.k
    True

"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from safety_gym.agents.transformers_policy import HFPolicyBase, episode_seed, prompt_messages

NORMALIZATIONS = ("mean", "sum")
"""How candidate scores are formed: mean log-probability per token (length-normalised) or the total."""


class LogLikelihoodPolicy(HFPolicyBase):
    """Picks the candidate response the model finds most likely after the prompt.

    Each candidate is scored as the assistant turn that follows the chat-templated ``info["messages"]``
    (its tokens up to and including the end-of-turn marker). With ``share_prefix`` the prompt runs through
    the model once per environment and every candidate continues from its KV cache; prompts of several
    environments are left-padded into one forward pass and their candidates scored together, up to
    ``batch_size`` candidate rows at a time.

    Args:
        model: A local model folder, a ``(model, tokenizer)`` pair or a model object.
        tokenizer: The tokenizer, when ``model`` is an object.
        normalize: ``"mean"`` (log-likelihood per token; default) or ``"sum"``.
        temperature: 0 picks the best candidate (ties: the lowest index); above 0 samples from
            ``softmax(score / temperature)`` with a generator seeded per scenario and turn.
        batch_size: Candidate rows per forward pass. Default: 1 on CPU (fastest there: no padding, and the
            prompt's cache is extended and cropped back instead of copied; measured 7.8 s against 13.4 s per
            Blackmail episode with 8), 16 on accelerators.
        share_prefix: Reuse the prompt's KV cache for all its candidates (off: every candidate is a full
            sequence of its own, one at a time; the slow reference path).
        seed: Seed of the sampling.
        name: Policy name for results (default ``"loglik:<model path>"``).
        dtype: Dtype when loading from a folder (``"auto"``: bf16 where supported).
        device: Torch device (default: the model's).

    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        *,
        normalize: str = "mean",
        temperature: float = 0.0,
        batch_size: int | None = None,
        share_prefix: bool = True,
        seed: int = 0,
        name: str | None = None,
        dtype: str = "auto",
        device: str | None = None,
    ) -> None:
        if normalize not in NORMALIZATIONS:
            raise ValueError(f"unknown normalize {normalize!r}; allowed: {', '.join(NORMALIZATIONS)}")
        if not temperature >= 0:
            raise ValueError(f"temperature must be >= 0, got {temperature!r}")
        super().__init__(model, tokenizer, batch_size=batch_size or 1, seed=seed, name=name, dtype=dtype,
                         device=device)
        if batch_size is None and self.device.type != "cpu":
            self.batch_size = 16
        if name is None:
            self.name = f"loglik:{self.model_id}"
        self.normalize, self.temperature, self.share_prefix = normalize, temperature, share_prefix
        self._fallback_rng = np.random.default_rng(seed)

    def settings(self) -> dict[str, Any]:
        """What identifies this policy's behaviour, for results."""
        return {
            "kind": "loglikelihood",
            "model": self.model_id,
            "dtype": str(next(self.model.parameters()).dtype).removeprefix("torch."),
            "normalize": self.normalize,
            "temperature": self.temperature,
            "seed": self.seed,
        }

    def continuation(self, messages: list[dict[str, str]], prompt: str, candidate: str) -> str:
        """The text a candidate adds after the prompt: its assistant turn as the chat template writes it."""
        full = self.tokenizer.apply_chat_template(
            [*messages, {"role": "assistant", "content": candidate}], tokenize=False
        )
        if full.startswith(prompt):
            return full[len(prompt):]
        return candidate + (self.tokenizer.eos_token or "")  # a template that rewrites earlier turns

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[int]:
        """The chosen candidate index for each environment."""
        if len(observations) != len(infos):
            raise ValueError(f"got {len(observations)} observations but {len(infos)} infos")
        prompts, continuations = [], []
        for observation, info in zip(observations, infos, strict=True):
            candidates = info.get("candidates")
            if not candidates:
                raise ValueError(
                    f"policy {self.name!r} needs info['candidates']: wrap the env in safety_gym.wrappers.ChoiceWrapper"
                )
            messages = prompt_messages(observation, info)
            prompt = self.chat_prompt(messages)
            prompts.append(self.encode(prompt))
            continuations.append([self.encode(self.continuation(messages, prompt, text)) for text in candidates])
        if self.share_prefix:
            totals = self._score_shared(prompts, continuations)
        else:
            totals = [[self._score_alone(prompt, tokens) for tokens in conts]
                      for prompt, conts in zip(prompts, continuations, strict=True)]
        actions, self.last_details = [], []
        for info, sums, conts in zip(infos, totals, continuations, strict=True):
            lengths = [max(len(tokens), 1) for tokens in conts]
            scores = [total / length if self.normalize == "mean" else total
                      for total, length in zip(sums, lengths, strict=True)]
            actions.append(self._choose(scores, info))
            self.last_details.append({"scores": [round(score, 6) for score in scores], "tokens": lengths})
        return actions

    def _choose(self, scores: list[float], info: dict[str, Any]) -> int:
        if not self.temperature:
            return int(np.argmax(scores))
        seed = episode_seed(self.seed, info)
        rng = np.random.default_rng(seed) if seed is not None else self._fallback_rng
        logits = np.asarray(scores, dtype=np.float64) / self.temperature
        weights = np.exp(logits - logits.max())
        return int(rng.choice(len(scores), p=weights / weights.sum()))

    def _score_alone(self, prompt: list[int], tokens: list[int]) -> float:
        """Sum of log-probabilities of ``tokens`` after ``prompt``: one full forward pass, no sharing."""
        import torch

        ids, mask, positions = self.left_pad([prompt + tokens])
        with torch.inference_mode():
            logits, _ = self.forward(ids, mask, positions, None, keep=len(tokens) + 1)
            return _sequence_logprob(logits[0, :-1], torch.tensor(tokens, device=logits.device))

    def _score_shared(self, prompts: list[list[int]], continuations: list[list[list[int]]]) -> list[list[float]]:
        """Scores with one prompt pass per environment and batched candidate passes over its cache."""
        totals: list[list[float]] = [[0.0] * len(conts) for conts in continuations]
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
        group: list[int] = []
        rows = 0
        for index in order:
            count = len(continuations[index])
            if group and rows + count > self.batch_size:
                self._score_group(group, prompts, continuations, totals)
                group, rows = [], 0
            group.append(index)
            rows += count
        if group:
            self._score_group(group, prompts, continuations, totals)
        return totals

    def _score_group(
        self,
        group: list[int],
        prompts: list[list[int]],
        continuations: list[list[list[int]]],
        totals: list[list[float]],
    ) -> None:
        import torch

        ids, mask, positions = self.left_pad([prompts[i] for i in group])
        with torch.inference_mode():
            last_logits, cache = self.forward(ids, mask, positions, None, keep=1)
            first_logprobs = last_logits[:, -1].float().log_softmax(-1)
            pairs = [(g, j) for g, index in enumerate(group) for j in range(len(continuations[index]))]
            pairs.sort(key=lambda pair: len(continuations[group[pair[0]]][pair[1]]))  # similar lengths share a chunk
            prefix_length = ids.shape[1]
            for start in range(0, len(pairs), self.batch_size):
                part = pairs[start:start + self.batch_size]
                sources = torch.tensor([g for g, _ in part], device=mask.device)
                conts = [continuations[group[g]][j] for g, j in part]
                width = max(len(tokens) for tokens in conts)
                cont_ids = torch.full((len(part), width), self.pad_id, dtype=torch.long)
                cont_mask = torch.zeros((len(part), width), dtype=torch.long)
                for row, tokens in enumerate(conts):
                    cont_ids[row, :len(tokens)] = torch.tensor(tokens, dtype=torch.long)
                    cont_mask[row, :len(tokens)] = 1
                cont_ids, cont_mask = cont_ids.to(mask.device), cont_mask.to(mask.device)
                in_place = len(group) == 1 and len(part) == 1  # one row of one prompt: extend the cache, crop it back
                if in_place:
                    row_cache = cache
                elif len(part) == len(pairs):  # the only chunk: the prompt cache is not needed afterwards
                    row_cache = cache
                    row_cache.batch_select_indices(sources)
                else:
                    row_cache = _copy_cache(cache)
                    row_cache.batch_select_indices(sources)
                full_mask = torch.cat([mask[sources], cont_mask], dim=1)
                cont_positions = positions[sources, -1:] + 1 + torch.arange(width, device=mask.device)[None, :]
                logits, _ = self.forward(cont_ids, full_mask, cont_positions, row_cache)
                if in_place:
                    _crop(cache, prefix_length)
                for row, ((g, j), tokens) in enumerate(zip(part, conts, strict=True)):
                    total = float(first_logprobs[g, tokens[0]]) if tokens else 0.0
                    if len(tokens) > 1:
                        total += _sequence_logprob(logits[row, :len(tokens) - 1], cont_ids[row, 1:len(tokens)])
                    totals[group[g]][j] = total if math.isfinite(total) else float("-inf")


def _sequence_logprob(logits: Any, targets: Any) -> float:
    """Sum of log-probabilities of ``targets`` (n) under ``logits`` (n × vocabulary), in float32."""
    logits = logits.float()
    return float((logits.gather(-1, targets[:, None])[:, 0] - logits.logsumexp(-1)).sum())


def _crop(cache: Any, length: int) -> None:
    """Cut a KV cache back to its first ``length`` positions (across transformers' two ``crop`` conventions)."""
    import inspect

    if "max_length" in inspect.signature(cache.crop).parameters:
        cache.crop(length)
    else:
        extra = cache.get_seq_length() - length
        if extra > 0:
            cache.crop(-extra)


def _copy_cache(cache: Any) -> Any:
    """A copy of a KV cache that selecting rows will not disturb (the original serves later row chunks)."""
    import copy

    return copy.deepcopy(cache)
