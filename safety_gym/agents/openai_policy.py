"""A policy that asks any OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama, hosted APIs).

Standard library only (``urllib`` and a thread pool). Requests of a batch run concurrently, up to
``concurrency`` at a time; rate limits, server errors, timeouts and dropped connections are retried with
exponential backoff (honouring ``Retry-After``). Native tool calls are used where the server supports
them: the env's tool schemas go in ``tools``, and returned ``tool_calls`` are written back into the env's
tool-call syntax with :func:`~safety_gym.tools.render.render_call`, after the message text. A server that
rejects ``tools`` is asked again without them (the system prompt describes the syntax anyway).

The URL and model come from the user, never from agent text.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from safety_gym.agents.transformers_policy import prompt_messages
from safety_gym.tools.render import render_call

RETRY_STATUS = (408, 409, 425, 429, 500, 502, 503, 504)
"""HTTP statuses that are retried."""

TOOL_MODES = ("auto", "native", "text")
"""``native`` always sends tool schemas, ``text`` never does, ``auto`` sends them until the server rejects them."""


class OpenAIError(RuntimeError):
    """A chat-completions request failed for good.

    Attributes:
        status: HTTP status (``None`` for network errors and bad responses).
        url: The endpoint.
        body: The start of the server's answer.

    """

    def __init__(self, message: str, *, status: int | None = None, url: str = "", body: str = "") -> None:
        super().__init__(message)
        self.status, self.url, self.body = status, url, body


def endpoint(base_url: str) -> str:
    """The chat-completions URL for a server base URL.

    Example:
        >>> endpoint("http://127.0.0.1:8000/v1")
        'http://127.0.0.1:8000/v1/chat/completions'
        >>> endpoint("http://localhost:11434/v1/chat/completions/")
        'http://localhost:11434/v1/chat/completions'
        >>> endpoint("ftp://host")
        Traceback (most recent call last):
        ...
        ValueError: base URL 'ftp://host' must start with http:// or https://

    """
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base URL {base_url!r} must start with http:// or https://")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def calls_to_text(message: dict[str, Any], syntax: str) -> str:
    """The assistant message as env action text: its content, then its tool calls in ``syntax``.

    Example:
        >>> message = {"content": "Sending.", "tool_calls": [
        ...     {"type": "function", "function": {"name": "done", "arguments": "{}"}}]}
        >>> print(calls_to_text(message, "hermes"))
        Sending.
        <tool_call>{"name": "done", "arguments": {}}</tool_call>

    """
    parts = [message.get("content") or ""]
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        name = str(function.get("name", ""))
        raw = function.get("arguments", {})
        if isinstance(raw, str):
            try:
                arguments = json.loads(raw) if raw.strip() else {}
            except json.JSONDecodeError:
                parts.append(f'<tool_call>{{"name": {json.dumps(name)}, "arguments": {raw}}}</tool_call>')
                continue  # left broken on purpose: the env reports the format error to the agent
        else:
            arguments = raw
        if not isinstance(arguments, dict):
            arguments = {"value": arguments}
        parts.append(render_call(name, arguments, syntax))
    return "\n".join(part for part in parts if part)


class OpenAICompatiblePolicy:
    """Chat completions over HTTP, one request per environment, concurrently.

    Args:
        base_url: Server base URL (``http://127.0.0.1:8000/v1``) or the full chat-completions URL.
        model: Model name the server knows.
        api_key: Bearer token (default: ``$OPENAI_API_KEY`` if set; local servers need none).
        temperature: Sampling temperature.
        max_tokens: Longest response.
        seed: Sent as ``seed`` (servers that support it sample reproducibly).
        tools: ``"auto"``, ``"native"`` or ``"text"`` (see :data:`TOOL_MODES`).
        concurrency: Requests in flight at once.
        timeout: Seconds for one request.
        retries: Retries after the first try, for retryable failures.
        backoff: First retry delay in seconds; doubles each retry (with jitter), capped at 30 s.
        extra_body: More JSON fields for every request (e.g. ``{"top_p": 0.9}``).
        name: Policy name for results (default ``"openai:<model>"``).

    Raises:
        ValueError: On a bad URL or setting, naming it and what is allowed.

    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        seed: int | None = 0,
        tools: str = "auto",
        concurrency: int = 8,
        timeout: float = 120.0,
        retries: int = 4,
        backoff: float = 1.0,
        extra_body: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.url = endpoint(base_url)
        if not model:
            raise ValueError("model must be a non-empty model name")
        if tools not in TOOL_MODES:
            raise ValueError(f"unknown tools mode {tools!r}; allowed: {', '.join(TOOL_MODES)}")
        checks = (("concurrency", concurrency, 1), ("retries", retries, 0), ("max_tokens", max_tokens, 1))
        for label, value, low in checks:
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{label} must be an integer >= {low}, got {value!r}")
        if not timeout > 0 or not backoff >= 0:
            raise ValueError(f"timeout must be > 0 and backoff >= 0, got {timeout!r} and {backoff!r}")
        self.model, self.temperature, self.max_tokens, self.seed = model, temperature, max_tokens, seed
        self.tools_mode, self.concurrency, self.timeout = tools, concurrency, timeout
        self.retries, self.backoff = retries, backoff
        self.extra_body = dict(extra_body or {})
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.name = name or f"openai:{model}"
        self._native = tools != "text"
        self._lock = threading.Lock()
        self._jitter = random.Random(seed)
        self.model_seconds = 0.0
        self.last_details: list[dict[str, Any]] = []

    def settings(self) -> dict[str, Any]:
        """What identifies this policy's behaviour, for results (never the API key)."""
        return {
            "kind": "openai",
            "url": self.url,
            "model": self.model,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "tools": self.tools_mode,
            **({"extra_body": self.extra_body} if self.extra_body else {}),
        }

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One response per environment; requests run concurrently.

        Raises:
            OpenAIError: If a request fails after its retries (the message names the URL, status and body).

        """
        if len(observations) != len(infos):
            raise ValueError(f"got {len(observations)} observations but {len(infos)} infos")
        if not observations:
            return []
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(observations))) as pool:
            results = list(pool.map(self._one, observations, infos))
        self.model_seconds += time.perf_counter() - started
        self.last_details = [details for _, details in results]
        return [text for text, _ in results]

    def _one(self, observation: str, info: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": prompt_messages(observation, info),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            **({"seed": self.seed} if self.seed is not None else {}),
            **self.extra_body,
        }
        schemas = info.get("tools")
        with self._lock:
            native = self._native
        if native and schemas:
            payload["tools"] = list(schemas)
        try:
            answer, attempts = self._post(payload)
        except OpenAIError as error:
            rejected = error.status in (400, 422) and "tool" in error.body.lower()
            if "tools" not in payload or self.tools_mode != "auto" or not rejected:
                raise
            with self._lock:
                self._native = False
            payload.pop("tools")
            answer, attempts = self._post(payload)
        try:
            choice = answer["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError):
            raise OpenAIError(
                f"{self.url} answered without choices[0].message: {json.dumps(answer)[:300]}", url=self.url
            ) from None
        text = calls_to_text(message, str(info.get("syntax") or "hermes"))
        usage = answer.get("usage") or {}
        details = {
            "finish_reason": choice.get("finish_reason"),
            "native_tool_calls": len(message.get("tool_calls") or ()),
            "attempts": attempts,
            "prompt_tokens": usage.get("prompt_tokens"),
            "completion_tokens": usage.get("completion_tokens"),
        }
        return text, details

    def _post(self, payload: dict[str, Any]) -> tuple[dict[str, Any], int]:
        data = json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last: OpenAIError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self._delay(attempt, last))
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read().decode("utf-8", errors="replace")
            except urllib.error.HTTPError as error:
                body = error.read().decode("utf-8", errors="replace")
                last = OpenAIError(
                    f"{self.url} answered HTTP {error.code}: {body[:500]}", status=error.code, url=self.url, body=body
                )
                last.retry_after = error.headers.get("Retry-After") if error.headers else None  # type: ignore[attr-defined]
                if error.code not in RETRY_STATUS:
                    raise last from None
                continue
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
                reason = getattr(error, "reason", error)
                last = OpenAIError(f"could not reach {self.url}: {reason}", url=self.url)
                continue
            try:
                return json.loads(body), attempt + 1
            except json.JSONDecodeError:
                raise OpenAIError(f"{self.url} answered with text that is not JSON: {body[:300]!r}", url=self.url,
                                  body=body) from None
        assert last is not None
        raise OpenAIError(f"{last} (gave up after {self.retries + 1} tries)", status=last.status, url=self.url,
                          body=last.body)

    def _delay(self, attempt: int, error: OpenAIError | None) -> float:
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            try:
                return min(float(retry_after), 60.0)
            except ValueError:
                pass
        with self._lock:
            jitter = self._jitter.uniform(0.5, 1.0)
        return min(self.backoff * 2 ** (attempt - 1), 30.0) * jitter
