"""A policy that generates responses with any causal LM from transformers, batched across environments.

Example:
    >>> import gymnasium as gym
    >>> import safety_gym
    >>> from safety_gym.agents.models import tiny_model
    >>> policy = TransformersPolicy(tiny_model(), max_new_tokens=8)
    >>> envs = [gym.make("safety_gym/Blackmail-v0") for _ in range(2)]
    >>> resets = [env.reset(seed=seed) for seed, env in enumerate(envs)]
    >>> actions = policy.act([obs for obs, _ in resets], [info for _, info in resets])
    >>> len(actions), all(isinstance(action, str) for action in actions)
    (2, True)

"""

from __future__ import annotations

import inspect
import os
import time
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from safety_gym.agents.models import load_pretrained

if TYPE_CHECKING:  # pragma: no cover
    import torch

PREFILLS = ("auto", "batched", "separate")
"""How :class:`TransformersPolicy` runs the prompts of a batch (see its ``prefill`` argument)."""

END_OF_TURN_TOKENS = ("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "</s>")
"""Tokens that end an assistant turn in common chat formats (used when the vocabulary has them)."""


def load_model_and_tokenizer(
    model: Any, tokenizer: Any = None, *, dtype: str = "auto", device: str = "cpu"
) -> tuple[Any, Any]:
    """Accept a model as a local folder, a ``(model, tokenizer)`` pair or a model object with its tokenizer.

    Raises:
        ValueError: If a model object comes without a tokenizer.

    """
    if isinstance(model, tuple):
        if len(model) != 2:
            raise ValueError(f"expected a (model, tokenizer) pair, got a tuple of {len(model)}")
        model, pair_tokenizer = model
        tokenizer = tokenizer if tokenizer is not None else pair_tokenizer
    if isinstance(model, (str, os.PathLike)):
        loaded, loaded_tokenizer = load_pretrained(model, dtype=dtype, device=device)
        return loaded, tokenizer if tokenizer is not None else loaded_tokenizer
    if tokenizer is None:
        raise ValueError("a model object needs its tokenizer: pass tokenizer=..., or a (model, tokenizer) pair")
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError(
            f"tokenizer of {getattr(model, 'name_or_path', type(model).__name__)!r} has no chat template; "
            "set tokenizer.chat_template"
        )
    return model, tokenizer


def prompt_messages(observation: str, info: dict[str, Any]) -> list[dict[str, str]]:
    """The chat messages a policy answers: ``info["messages"]``, or the observation as one user turn."""
    messages = info.get("messages")
    if messages:
        return [{"role": message["role"], "content": message["content"]} for message in messages]
    return [{"role": "user", "content": observation}]


def episode_seed(seed: int, info: dict[str, Any]) -> int | None:
    """A seed for one decision, from the policy seed, the scenario id and the turn (``None`` without a scenario).

    Sampling seeded this way does not depend on which other environments share the batch, so a resumed
    or re-batched run draws the same samples.
    """
    scenario = info.get("scenario")
    if not isinstance(scenario, dict) or "id" not in scenario:
        return None
    key = f"{scenario['id']}|{scenario.get('counterfactual')}|{len(info.get('messages') or ())}"
    return int(np.random.SeedSequence([seed, zlib.crc32(key.encode())]).generate_state(1)[0])


class ForwardAdapter:
    """Calls a causal LM's forward pass the same way across transformers versions (``cache`` vs ``past_key_values``)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        parameters = inspect.signature(model.forward).parameters
        self.cache_kw = "cache" if "cache" in parameters else "past_key_values"
        self.keep_kw = next((kw for kw in ("logits_to_keep", "num_logits_to_keep") if kw in parameters), None)
        self.seconds = 0.0
        self.calls = 0

    def __call__(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        cache: Any = None,
        keep: int = 0,
    ) -> tuple[torch.Tensor, Any]:
        """Run the model; returns ``(logits, cache)``. ``keep=n`` computes logits for the last n positions only."""
        kwargs: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "position_ids": position_ids,
            "use_cache": True,
            self.cache_kw: cache,
        }
        if keep and self.keep_kw:
            kwargs[self.keep_kw] = keep
        started = time.perf_counter()
        output = self.model(**kwargs)
        self.seconds += time.perf_counter() - started
        self.calls += 1
        new_cache = getattr(output, "cache", None)
        if new_cache is None:
            new_cache = getattr(output, "past_key_values", None)
        logits = output.logits
        if keep and not self.keep_kw:
            logits = logits[:, -keep:]
        return logits, new_cache


def end_of_turn_ids(model: Any, tokenizer: Any) -> set[int]:
    """Token ids that end a generated turn: the tokenizer's and generation config's EOS, and chat end tokens."""
    ids: set[int] = set()
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if configured is not None:
        ids.update(int(i) for i in (configured if isinstance(configured, (list, tuple)) else [configured]))
    vocab = tokenizer.get_vocab()
    ids.update(int(vocab[token]) for token in END_OF_TURN_TOKENS if token in vocab)
    return ids


class HFPolicyBase:
    """What the two transformers policies share: the model, tokenizer, chat prompts and timing."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        *,
        batch_size: int,
        seed: int,
        name: str | None,
        dtype: str,
        device: str | None,
    ) -> None:
        import torch

        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.model, self.tokenizer = load_model_and_tokenizer(model, tokenizer, dtype=dtype, device=device or "cpu")
        self.model.eval()
        self.device = torch.device(device) if device else next(self.model.parameters()).device
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.pad_id = int(self.tokenizer.pad_token_id)
        self.forward = ForwardAdapter(self.model)
        self.batch_size, self.seed = batch_size, seed
        self.model_id = str(getattr(self.model, "name_or_path", "") or type(self.model).__name__)
        self.name = name or f"hf:{self.model_id}"
        self.last_details: list[dict[str, Any]] = []

    @property
    def model_seconds(self) -> float:
        """Wall time spent inside the model's forward passes so far."""
        return self.forward.seconds

    def chat_prompt(self, messages: list[dict[str, str]]) -> str:
        """The prompt text: the chat template applied to ``messages`` with the assistant turn opened."""
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (the chat template already wrote any special tokens)."""
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def left_pad(self, rows: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Left-padded ids, attention mask and position ids of ``rows``."""
        import torch

        width = max(len(row) for row in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            if row:
                ids[i, width - len(row):] = torch.tensor(row, dtype=torch.long)
                mask[i, width - len(row):] = 1
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        return ids.to(self.device), mask.to(self.device), positions.to(self.device)


class TransformersPolicy(HFPolicyBase):
    """Generates each environment's response with a causal LM, batched across environments.

    The prompt is the model's chat template applied to ``info["messages"]`` (they already hold the tool
    schemas and the call syntax), with the assistant turn opened. Prompts of a batch are left-padded and
    decoded together with a KV cache; rows that reach an end-of-turn token leave the batch. Sampling uses a
    generator per row seeded from the policy seed, the scenario and the turn, so results do not depend on
    how environments were batched.

    Args:
        model: A local model folder, a ``(model, tokenizer)`` pair (e.g. from
            :func:`~safety_gym.agents.models.smollm2`) or a model object.
        tokenizer: The tokenizer, when ``model`` is an object.
        max_new_tokens: Longest response, in tokens.
        temperature: 0 for greedy decoding; above 0 samples.
        top_p: Nucleus sampling mass (1 keeps every token).
        top_k: Sample from the k most likely tokens (0 keeps every token).
        batch_size: Environments decoded together.
        seed: Seed of the sampling.
        name: Policy name for results (default ``"hf:<model path>"``).
        dtype: Dtype when loading from a folder (``"auto"``: bf16 where supported).
        device: Torch device (default: the model's).
        prefill: ``"batched"`` runs the left-padded prompts of a batch through the model together;
            ``"separate"`` runs each prompt alone and joins the KV caches for batched decoding (no compute
            spent on padding: faster on CPUs, where prefill is compute-bound); ``"auto"``: separate on CPU,
            batched elsewhere.

    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        *,
        max_new_tokens: int = 512,
        temperature: float = 0.0,
        top_p: float = 1.0,
        top_k: int = 0,
        batch_size: int = 8,
        seed: int = 0,
        name: str | None = None,
        dtype: str = "auto",
        device: str | None = None,
        prefill: str = "auto",
    ) -> None:
        if prefill not in PREFILLS:
            raise ValueError(f"unknown prefill {prefill!r}; allowed: {', '.join(PREFILLS)}")
        if not isinstance(max_new_tokens, int) or max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be a positive integer, got {max_new_tokens!r}")
        if not temperature >= 0:
            raise ValueError(f"temperature must be >= 0, got {temperature!r}")
        if not 0 < top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {top_p!r}")
        if not isinstance(top_k, int) or top_k < 0:
            raise ValueError(f"top_k must be a non-negative integer, got {top_k!r}")
        super().__init__(model, tokenizer, batch_size=batch_size, seed=seed, name=name, dtype=dtype, device=device)
        self.max_new_tokens, self.temperature, self.top_p, self.top_k = max_new_tokens, temperature, top_p, top_k
        self.stop_ids = end_of_turn_ids(self.model, self.tokenizer)
        self.prefill = prefill if prefill != "auto" else ("separate" if self.device.type == "cpu" else "batched")
        self._fallback_rng = np.random.default_rng(seed)

    def settings(self) -> dict[str, Any]:
        """What identifies this policy's behaviour, for results."""
        return {
            "kind": "transformers",
            "model": self.model_id,
            "dtype": str(next(self.model.parameters()).dtype).removeprefix("torch."),
            "max_new_tokens": self.max_new_tokens,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "seed": self.seed,
        }

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One generated response per environment."""
        if len(observations) != len(infos):
            raise ValueError(f"got {len(observations)} observations but {len(infos)} infos")
        prompts = [self.encode(self.chat_prompt(prompt_messages(observation, info)))
                   for observation, info in zip(observations, infos, strict=True)]
        seeds = []
        for info in infos:
            seed = episode_seed(self.seed, info)
            seeds.append(seed if seed is not None else int(self._fallback_rng.integers(2**63 - 1)))
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
        completions: list[list[int]] = [[] for _ in prompts]
        stopped = ["length"] * len(prompts)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            for index, (tokens, reason) in zip(
                chunk, self.generate([prompts[i] for i in chunk], [seeds[i] for i in chunk]), strict=True
            ):
                completions[index], stopped[index] = tokens, reason
        self.last_details = [
            {"prompt_tokens": len(prompt), "completion_tokens": len(tokens), "stop": reason}
            for prompt, tokens, reason in zip(prompts, completions, stopped, strict=True)
        ]
        return [self.tokenizer.decode(tokens, skip_special_tokens=True) for tokens in completions]

    def generate(self, prompts: Sequence[Sequence[int]], seeds: Sequence[int]) -> list[tuple[list[int], str]]:
        """Decode one batch of token prompts; returns each row's new tokens (end token excluded) and stop reason."""
        import torch

        generators = [torch.Generator().manual_seed(seed % (2**63)) for seed in seeds] if self.temperature else []
        results: list[tuple[list[int], str]] = [([], "length") for _ in prompts]
        active = list(range(len(prompts)))
        with torch.inference_mode():
            merged = self._prefill_separately(prompts) if self.prefill == "separate" and len(prompts) > 1 else None
            if merged is not None:
                logits, cache, mask, positions = merged
            else:
                ids, mask, positions = self.left_pad(prompts)
                logits, cache = self.forward(ids, mask, positions, None, keep=1)
            last_position = positions[:, -1]
            for step in range(self.max_new_tokens):
                tokens = self._select(logits[:, -1, :].float(), [generators[i] for i in active] if generators else [])
                keep = []
                for row, token in enumerate(tokens.tolist()):
                    index = active[row]
                    if token in self.stop_ids:
                        results[index] = (results[index][0], "eos")
                    else:
                        results[index][0].append(token)
                        keep.append(row)
                if not keep or step == self.max_new_tokens - 1:
                    break
                if len(keep) < len(active):
                    selector = torch.tensor(keep, device=mask.device)
                    cache.batch_select_indices(selector)
                    mask, last_position, tokens = mask[selector], last_position[selector], tokens[selector]
                    active = [active[row] for row in keep]
                mask = torch.cat([mask, torch.ones((len(active), 1), dtype=mask.dtype, device=mask.device)], dim=1)
                last_position = last_position + 1
                logits, cache = self.forward(tokens[:, None], mask, last_position[:, None], cache, keep=1)
        return results

    def _prefill_separately(self, prompts: Sequence[Sequence[int]]) -> tuple[Any, Any, Any, Any] | None:
        """Run each prompt alone (no padding), then join the KV caches, left-padded, for batched decoding.

        Returns ``(last logits, cache, mask, positions)``, or ``None`` when this transformers version or model
        has a cache this cannot join (the caller then prefills the padded batch).
        """
        import torch
        from transformers import DynamicCache

        width = max(len(prompt) for prompt in prompts)
        lasts, caches = [], []
        for prompt in prompts:
            ids = torch.tensor([list(prompt)], dtype=torch.long, device=self.device)
            ones = torch.ones_like(ids)
            logits, cache = self.forward(ids, ones, torch.arange(len(prompt), device=self.device)[None, :], None,
                                         keep=1)
            lasts.append(logits[:, -1:])
            caches.append(cache)
        started = time.perf_counter()
        try:
            layers = []
            count = len(caches[0].layers) if hasattr(caches[0], "layers") else len(caches[0].key_cache)
            for layer in range(count):
                joined_kv = []
                for part in (0, 1):  # keys, then values: one left-padded tensor for the batch, filled in place
                    target = None
                    for row, (cache, prompt) in enumerate(zip(caches, prompts, strict=True)):
                        if hasattr(cache, "layers"):
                            if getattr(cache.layers[layer], "is_sliding", False):
                                return None
                            tensor = cache.layers[layer].keys if part == 0 else cache.layers[layer].values
                        else:
                            tensor = (cache.key_cache if part == 0 else cache.value_cache)[layer]
                        if target is None:
                            target = tensor.new_zeros((len(prompts), tensor.shape[1], width, tensor.shape[3]))
                        target[row, :, width - len(prompt):] = tensor[0]
                    joined_kv.append(target)
                layers.append((joined_kv[0], joined_kv[1]))
            if "ddp_cache_data" in inspect.signature(DynamicCache).parameters:
                joined = DynamicCache(ddp_cache_data=layers)
            else:  # transformers 4.x
                joined = DynamicCache.from_legacy_cache(tuple(layers))
        except (AttributeError, TypeError, ValueError, IndexError):
            return None
        finally:
            self.forward.seconds += time.perf_counter() - started  # joining caches is part of running the model
        _, mask, positions = self.left_pad(prompts)
        return torch.cat(lasts), joined, mask, positions

    def _select(self, logits: torch.Tensor, generators: list[torch.Generator]) -> torch.Tensor:
        import torch

        if not self.temperature:
            return logits.argmax(dim=-1)
        logits = logits / self.temperature
        if self.top_k:
            kth = torch.topk(logits, min(self.top_k, logits.shape[-1]), dim=-1).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        if self.top_p < 1.0:
            sorted_logits, sorted_index = torch.sort(logits, descending=True, dim=-1)
            cumulative = sorted_logits.softmax(-1).cumsum(-1)
            drop = cumulative - sorted_logits.softmax(-1) >= self.top_p  # keep the smallest prefix reaching top_p
            sorted_logits = sorted_logits.masked_fill(drop, float("-inf"))
            logits = torch.full_like(logits, float("-inf")).scatter(-1, sorted_index, sorted_logits)
        probabilities = logits.softmax(-1).cpu()
        return torch.stack(
            [torch.multinomial(row, 1, generator=generator)[0] for row, generator in zip(probabilities, generators,
                                                                                       strict=True)]
        ).to(logits.device)
