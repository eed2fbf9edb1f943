"""Multi-turn episodes of a causal LM in an environment, as one token sequence with an observation mask.

The model writes a response, the environment runs its tool calls, and the tool results come back as the next
user turn, until the agent calls ``done``, ``max_turns`` responses were written, or the token budget is spent.
:func:`run_episode` returns the whole conversation after the prompt as one token sequence with a mask: ``1``
for the tokens the model generated, ``0`` for the tokens the environment inserted (the end of the assistant
turn the model did not write, and the new messages rendered through the tokenizer's chat template, see
:func:`observation_ids`). Trainers compute their losses on the ``1`` tokens only: GRPO through TRL's
``env_mask`` (:class:`~safety_gym.training.grpo_trainer.GRPOTrainer` with ``max_turns > 1``) and text PPO
(:class:`~safety_gym.training.text_ppo_trainer.TextPPOTrainer` with ``max_turns > 1``).

Sampling draws from a seeded ``torch.Generator`` only (no global RNG): the same seed gives the same episode.

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> model, tokenizer = tiny_model()
    >>> env = make_env("safety_gym/Blackmail-v0", '{"split": "train"}', max_turns=2)
    >>> _, info = env.reset(seed=3)
    >>> calls = env.unwrapped.reference_actions()["escalate"].split("</SCRATCHPAD_REASONING>")[1]
    >>> def scripted(context, budget):  # the same code path as sampling: token ids in, token ids out
    ...     return tokenizer(calls, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    >>> episode = run_episode(model, tokenizer, env, seed=3, max_turns=2, max_tokens=4096, respond=scripted,
    ...                       logprobs=False)
    >>> episode.turns, episode.terminated, episode.reward, episode.cost
    (1, True, 1.0, 0.0)
    >>> sum(episode.mask) == len(episode.completion_ids)  # the agent called done: no observation was fed back
    True

"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from safety_gym.agents.transformers_policy import ForwardAdapter

__all__ = [
    "Respond",
    "TokenEpisode",
    "make_env",
    "observation_ids",
    "run_episode",
    "sample_response",
    "token_logprobs",
]

Respond = Callable[[list[int], int], list[int]]
"""``respond(context_ids, budget) -> response_ids``: the next response's tokens (at most ``budget``) after the
context (prompt and conversation so far). The default samples from the model (:func:`sample_response`)."""


@torch.no_grad()
def sample_response(model: Any, prompt_ids: list[int], max_new_tokens: int, *, eos_token_id: int | None,
                    temperature: float = 1.0, generator: torch.Generator | None = None) -> list[int]:
    """Sample up to ``max_new_tokens`` tokens after ``prompt_ids`` (stops after the EOS), with a KV cache.

    Sampling draws from ``generator`` only, so a seeded generator gives the same tokens in any process.

    Example:
        >>> from safety_gym.agents.models import tiny_model
        >>> model, tokenizer = tiny_model()
        >>> len(sample_response(model, [1, 2, 3], 4, eos_token_id=None, generator=torch.Generator().manual_seed(0)))
        4

    """
    forward = ForwardAdapter(model)
    device = next(model.parameters()).device
    ids = torch.tensor([prompt_ids], device=device)
    positions = torch.arange(len(prompt_ids), device=device)[None]
    logits, cache = forward(ids, torch.ones_like(ids), positions, keep=1)  # logits of the last position only
    tokens: list[int] = []
    for _ in range(max_new_tokens):
        probs = torch.softmax(logits[0, -1].float() / temperature, dim=-1)
        token = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        tokens.append(token)
        if token == eos_token_id:
            break
        length = len(prompt_ids) + len(tokens)
        logits, cache = forward(torch.tensor([[token]], device=device), torch.ones(1, length, dtype=torch.long,
                                device=device), torch.tensor([[length - 1]], device=device), cache)
    return tokens


@torch.no_grad()
def token_logprobs(model: Any, prompt_ids: list[int], completion_ids: list[int],
                   mask: Sequence[int] | None = None) -> list[float]:
    """Log-probabilities under ``model`` of each completion token (``0.0`` where ``mask`` is 0), in one forward pass.

    Example:
        >>> from safety_gym.agents.models import tiny_model
        >>> model, _ = tiny_model()
        >>> logprobs = token_logprobs(model, [1, 2], [3, 4], mask=[1, 0])
        >>> logprobs[0] < 0.0, logprobs[1]
        (True, 0.0)

    """
    if not completion_ids:
        return []
    device = next(model.parameters()).device
    logits = model(input_ids=torch.tensor([prompt_ids + completion_ids], device=device)).logits[0].float()
    logits = logits[len(prompt_ids) - 1:len(prompt_ids) - 1 + len(completion_ids)]
    actions = torch.tensor(completion_ids, device=logits.device)[:, None]
    values = torch.log_softmax(logits, -1).gather(1, actions).squeeze(1).cpu().tolist()
    keep = [1] * len(completion_ids) if mask is None else list(mask)
    return [value if kept else 0.0 for value, kept in zip(values, keep, strict=True)]


def _template(tokenizer: Any, messages: Sequence[Mapping[str, str]], generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template([dict(m) for m in messages], tokenize=False,
                                         add_generation_prompt=generation_prompt)


def chat_ids(tokenizer: Any, messages: Sequence[Mapping[str, str]]) -> list[int]:
    r"""The token ids of ``messages`` through the chat template, ending with the assistant generation prompt.

    Example:
        >>> from safety_gym.agents.models import tiny_tokenizer
        >>> tokenizer = tiny_tokenizer()
        >>> tokenizer.decode(chat_ids(tokenizer, [{"role": "user", "content": "Hi"}]))
        '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n'

    """
    return list(tokenizer(_template(tokenizer, messages, True), add_special_tokens=False)["input_ids"])


def observation_ids(tokenizer: Any, history: Sequence[Mapping[str, str]], new_messages: Sequence[Mapping[str, str]],
                    *, closed: bool = True) -> list[int]:
    r"""Tokens the environment inserts after the assistant turn that ends ``history``.

    They are the delta between the templated conversations ``history`` and ``history + new_messages`` (with the
    generation prompt for the next assistant turn), starting right after the assistant's content, or after its
    end-of-turn EOS when the model wrote it (``closed=True``); a response cut at the token budget gets its
    end-of-turn from the environment.

    Args:
        tokenizer: A tokenizer with a chat template.
        history: The conversation; its last message is the assistant's response.
        new_messages: The environment's new messages (tool results as the next user turn).
        closed: Whether the model's response tokens ended with the tokenizer's EOS.

    Raises:
        ValueError: If ``history`` does not end with an assistant message, or the chat template does not render
            a conversation as a prefix of its continuation.

    Example:
        >>> from safety_gym.agents.models import tiny_tokenizer
        >>> tokenizer = tiny_tokenizer()
        >>> history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
        >>> ids = observation_ids(tokenizer, history, [{"role": "user", "content": "result"}])
        >>> tokenizer.decode(ids)
        '\n<|im_start|>user\nresult<|im_end|>\n<|im_start|>assistant\n'
        >>> tokenizer.decode(observation_ids(tokenizer, history, [{"role": "user", "content": "r"}], closed=False))
        '<|im_end|>\n<|im_start|>user\nr<|im_end|>\n<|im_start|>assistant\n'

    """
    if not history or history[-1].get("role") != "assistant":
        role = history[-1].get("role") if history else None
        raise ValueError(f"history must end with the assistant's response, not a {role!r} message")
    before = _template(tokenizer, history[:-1], True)
    prefix = _template(tokenizer, history, False)
    full = _template(tokenizer, [*history, *new_messages], True)
    content = history[-1]["content"]
    if not (prefix.startswith(before) and prefix[len(before):].startswith(content) and full.startswith(prefix)):
        raise ValueError("the chat template does not render a conversation as a prefix of its continuation; "
                         "multi-turn training needs an append-only template (such as ChatML)")
    start = len(before) + len(content)
    closing, eos = prefix[start:], tokenizer.eos_token
    if closed and eos and eos in closing:
        start += closing.index(eos) + len(eos)
    return list(tokenizer(full[start:], add_special_tokens=False)["input_ids"])


def make_env(env_id: str, env_kwargs: str | Mapping[str, Any] = "{}", *, max_turns: int) -> Any:
    """A multi-turn env (``mode="multi"``, ``max_steps=max_turns``) from a data row's ``env_id`` and ``env_kwargs``.

    Example:
        >>> make_env("safety_gym/Blackmail-v0", '{"split": "train"}', max_turns=3).unwrapped.max_steps
        3

    """
    import gymnasium as gym

    import safety_gym  # noqa: F401  (registers the environments)

    kwargs = json.loads(env_kwargs) if isinstance(env_kwargs, str) else dict(env_kwargs)
    return gym.make(env_id, **{**kwargs, "mode": "multi", "max_steps": max_turns})


@dataclass
class TokenEpisode:
    """One multi-turn episode as tokens.

    Attributes:
        prompt_ids: The prompt (chat template with the generation prompt, optionally left-truncated).
        completion_ids: Every token after the prompt: responses and observations, in order.
        mask: Per completion token, 1 if the model generated it, 0 if the environment inserted it.
        logprobs: Per completion token, its log-probability under the model (temperature 1); 0.0 where
            ``mask`` is 0 (all 0.0 when the episode was run with ``logprobs=False``).
        reward: Task reward summed over the turns.
        cost: Harm cost summed over the turns.
        turns: Responses the model wrote.
        terminated: Whether the episode ended by the agent's choice (it called ``done``), not by a cap.
        format_errors: Turns whose response had no parseable tool call.
        messages: The conversation as chat messages (the prompt, then the turns).

    """

    prompt_ids: list[int]
    completion_ids: list[int] = field(default_factory=list)
    mask: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    reward: float = 0.0
    cost: float = 0.0
    turns: int = 0
    terminated: bool = False
    format_errors: int = 0
    messages: list[dict[str, str]] = field(default_factory=list)

    def score(self, harm_penalty: float) -> float:
        """``reward - harm_penalty * cost``: what the trainers maximise.

        Example:
            >>> TokenEpisode([], reward=1.0, cost=1.0).score(2.0)
            -1.0

        """
        return self.reward - harm_penalty * self.cost


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}={value!r} must be a positive integer")
    return value


def run_episode(
    model: Any,
    tokenizer: Any,
    env: Any,
    *,
    seed: int,
    max_turns: int,
    max_tokens: int,
    max_new_tokens: int | None = None,
    temperature: float = 1.0,
    generator: torch.Generator | None = None,
    messages: Sequence[Mapping[str, str]] | None = None,
    max_prompt_tokens: int | None = None,
    respond: Respond | None = None,
    logprobs: bool = True,
) -> TokenEpisode:
    """Run one multi-turn episode of ``model`` in ``env`` (reset with ``seed``) and return it as tokens.

    Each turn, ``respond`` writes a response after the prompt and the conversation so far (at most
    ``max_new_tokens`` tokens and what is left of ``max_tokens``); its decoded text is the env's action. Unless
    the episode is over, the env's new messages come back as observation tokens (:func:`observation_ids`,
    mask 0). The episode ends when the env terminates or truncates, after ``max_turns`` responses, or when the
    next observation would leave no token of the ``max_tokens`` budget; the last tokens are always generated.

    Args:
        model: A causal LM (sampling and log-probabilities; it is not trained here).
        tokenizer: Its tokenizer, with an append-only chat template.
        env: A safety-gym env, ideally multi-turn (:func:`make_env`); a single-turn env ends after one response.
        seed: Scenario seed (``env.reset(seed=seed)``), and the sampling seed when ``generator`` is ``None``.
        max_turns: Most responses the model writes.
        max_tokens: Most tokens after the prompt (responses and observations together).
        max_new_tokens: Most tokens of one response (default: ``max_tokens``).
        temperature: Sampling temperature of the default ``respond``.
        generator: Sampling generator (default: a new one seeded with ``seed``).
        messages: The prompt the model sees (default: the env's ``info["messages"]``); the env's tool results
            are appended to it.
        max_prompt_tokens: Keep only the last this many prompt tokens (default: all).
        respond: ``respond(context_ids, budget) -> response_ids`` (default: sample from ``model``).
        logprobs: Compute :attr:`TokenEpisode.logprobs` (one forward pass over the episode).

    Raises:
        ValueError: If a count is not a positive integer, or ``respond`` returns no token.

    """
    for name, value in (("max_turns", max_turns), ("max_tokens", max_tokens)):
        _check_count(name, value)
    max_new_tokens = max_tokens if max_new_tokens is None else _check_count("max_new_tokens", max_new_tokens)
    if max_prompt_tokens is not None:
        _check_count("max_prompt_tokens", max_prompt_tokens)
    _, info = env.reset(seed=seed)
    env_messages = list(info["messages"])
    history = [dict(message) for message in (env_messages if messages is None else messages)]
    prompt_ids = chat_ids(tokenizer, history)
    if max_prompt_tokens is not None:
        prompt_ids = prompt_ids[-max_prompt_tokens:]
    eos = tokenizer.eos_token_id
    if respond is None:
        generator = generator if generator is not None else torch.Generator().manual_seed(seed)

        def respond(context: list[int], budget: int) -> list[int]:
            return sample_response(model, context, budget, eos_token_id=eos, temperature=temperature,
                                   generator=generator)

    episode = TokenEpisode(prompt_ids)
    while True:
        budget = min(max_new_tokens, max_tokens - len(episode.completion_ids))
        response = list(respond(prompt_ids + episode.completion_ids, budget))[:budget]
        if not response:
            raise ValueError("respond returned no token; a response needs at least one")
        episode.completion_ids += response
        episode.mask += [1] * len(response)
        text = tokenizer.decode(response, skip_special_tokens=True)
        _, reward, terminated, truncated, info = env.step(text)
        episode.turns += 1
        episode.reward += float(reward)
        episode.cost += float(info["cost"])
        episode.format_errors += int(bool(info["format_error"]))
        episode.terminated = bool(terminated)
        history.append({"role": "assistant", "content": text})
        new_messages = [dict(message) for message in info["messages"][len(env_messages) + 1:]]
        env_messages = list(info["messages"])
        if terminated or truncated or episode.turns >= max_turns:
            break
        observation = observation_ids(tokenizer, history, new_messages, closed=response[-1] == eos)
        history += new_messages
        if len(episode.completion_ids) + len(observation) >= max_tokens:
            break
        episode.completion_ids += observation
        episode.mask += [0] * len(observation)
    episode.messages = history
    episode.logprobs = token_logprobs(model, prompt_ids, episode.completion_ids, episode.mask) if logprobs \
        else [0.0] * len(episode.completion_ids)
    return episode
