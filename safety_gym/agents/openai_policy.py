"""A policy that asks any OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama, hosted APIs).

Requests go through one :class:`httpx.Client` per policy. Each request has a wall-clock deadline
(``timeout``) that covers connecting, sending, waiting and reading: the answer is streamed and the deadline
checked before every network read and between chunks, so a server that drips one byte at a time cannot hold
a request past it. Answers larger than ``max_response_bytes`` are refused while they stream, before they
fill memory. Rate limits (429), server errors (5xx, 408, 409, 425) and dropped or refused connections are
retried with exponential backoff and jitter, honouring ``Retry-After``; a request that ran out of its
deadline is not retried (the server is probably still generating it, and a retry would queue behind it).
Every failure is an :class:`OpenAIError` naming the URL, the HTTP status and the start of the answer.

Requests of a batch run concurrently, up to ``concurrency`` at a time, on daemon threads; ``act`` waits
for them in short, interruptible steps. When some requests fail for good, the others' answers are kept:
:class:`BatchError` carries them (``None`` where a request failed), and the evaluation rollout steps those
environments before it reports the failure. A Ctrl-C during ``act`` raises :class:`Interrupted` at once
(a ``KeyboardInterrupt`` carrying the answers that had arrived) without waiting for requests in flight.

Tools are sent one way only. With native tools (``tools="native"``, or ``"auto"`` until the server
rejects them) the env's schemas go in ``tools``, the tool-call instructions are cut from the system
prompt, each assistant turn that called tools is sent back with its ``tool_calls`` and each result as a
``role: "tool"`` message with its ``tool_call_id``; returned ``tool_calls`` are written into the env's
tool-call syntax with :func:`~safety_gym.tools.render.render_call`, after the message text. With text
tools (``tools="text"``, or after a rejection) the env's messages go as they are.

The policy remembers each env slot's tool schemas, syntax and native turns, so a loop that passes
``step()``'s ``info`` (which has neither ``tools`` nor ``syntax``) still gets native tools.

The URL and model come from the user, never from agent text.

Example:
    >>> policy = OpenAICompatiblePolicy("http://127.0.0.1:8000/v1", "qwen", timeout=300, concurrency=2)
    >>> policy.url, policy.name
    ('http://127.0.0.1:8000/v1/chat/completions', 'openai:qwen')
    >>> sorted(policy.settings())
    ['kind', 'max_tokens', 'model', 'protocol', 'seed', 'temperature', 'tools', 'url']

"""

from __future__ import annotations

import email.utils
import json
import math
import os
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from safety_gym.agents.http_deadline import DeadlineTransport, limit_requests
from safety_gym.agents.openai_messages import calls_to_text, strip_tool_instructions, tool_messages
from safety_gym.agents.transformers_policy import prompt_messages

RETRY_STATUS = (408, 409, 425, 429, 500, 502, 503, 504)
"""HTTP statuses that are retried."""

TOOL_MODES = ("auto", "native", "text")
"""``native`` always sends tool schemas, ``text`` never does, ``auto`` sends them until the server rejects them."""

DEFAULT_TIMEOUT = 600.0
"""Seconds one request may take, from connecting to the last byte of the answer (slow local servers need minutes)."""

DEFAULT_MAX_RESPONSE_BYTES = 8 << 20
"""Largest answer read (8 MiB); a chat completion is a few kilobytes."""

CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection (at most the request's deadline); a refused or slow connect is retried."""

MAX_RETRY_AFTER = 60.0
"""Longest wait a ``Retry-After`` header may ask for."""

MAX_BACKOFF = 30.0
"""Longest wait between retries without ``Retry-After``."""

PROTOCOL = 2
"""Version of the conversation sent to the server (2: native tool messages, no duplicated tool instructions).
It is part of :meth:`OpenAICompatiblePolicy.settings`, so results of an older protocol are not resumed as new."""

_ERROR_BODY_BYTES = 64 << 10
"""How much of an error answer is read (for its message)."""

_EXCERPT = 300
"""Characters of an answer quoted in an error message."""


class OpenAIError(RuntimeError):
    """A chat-completions request failed for good.

    Attributes:
        status: HTTP status (``None`` when no status arrived: network errors, deadlines before the headers).
        url: The endpoint.
        body: The start of the server's answer (text, at most 64 KiB).

    Example:
        >>> error = OpenAIError("http://h/v1/chat/completions answered HTTP 401: denied", status=401,
        ...                     url="http://h/v1/chat/completions", body="denied")
        >>> error.status, isinstance(error, RuntimeError)
        (401, True)

    """

    def __init__(self, message: str, *, status: int | None = None, url: str = "", body: str = "") -> None:
        super().__init__(message)
        self.status, self.url, self.body = status, url, body
        self.retry_after: float | None = None


class BatchError(OpenAIError):
    """Some requests of a batch failed for good; the others' answers are kept.

    Its status, URL and body are those of the first failure; its message says how many failed.

    Attributes:
        actions: One entry per environment: the action text, or ``None`` where the request failed.
        errors: One entry per environment: the :class:`OpenAIError`, or ``None`` where it succeeded.

    """

    def __init__(self, actions: list[str | None], errors: list[OpenAIError | None]) -> None:
        failed = [error for error in errors if error is not None]
        first = failed[0]
        prefix = "" if len(errors) == 1 else f"{len(failed)} of {len(errors)} requests failed; first: "
        super().__init__(f"{prefix}{first}", status=first.status, url=first.url, body=first.body)
        self.actions, self.errors = actions, errors


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :meth:`OpenAICompatiblePolicy.act`; raised at once, without waiting for requests in flight.

    Attributes:
        actions: One entry per environment: the answer that had arrived, or ``None``.

    """

    def __init__(self, actions: list[str | None]) -> None:
        super().__init__("interrupted while waiting for the chat-completions server")
        self.actions = actions


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
    url = url if url.endswith("/chat/completions") else f"{url}/chat/completions"
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        raise ValueError(f"base URL {base_url!r} is not a valid URL ({error})") from None
    if not parsed.host:
        raise ValueError(f"base URL {base_url!r} names no host")
    return url


def excerpt(data: bytes | str, limit: int = _EXCERPT) -> str:
    r"""The start of an answer for an error message: one line, whitespace collapsed, at most ``limit`` characters.

    Example:
        >>> excerpt(b'{"error":\n  "busy"}')
        '{"error": "busy"}'
        >>> excerpt("x" * 500, 10)
        'xxxxxxxxxx…'

    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    text = " ".join(text[: limit * 4].split())
    text = "".join(char if char.isprintable() else "\ufffd" for char in text)
    return text if len(text) <= limit else text[:limit] + "…"


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (a number or an HTTP date), or ``None`` if absent or unreadable.

    Example:
        >>> retry_after_seconds("2"), retry_after_seconds("0.5"), retry_after_seconds("soon")
        (2.0, 0.5, None)
        >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT")  # in the past: retry now
        0.0

    """
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None or moment.tzinfo is None:
            return None
        seconds = moment.timestamp() - time.time()
    return max(0.0, seconds) if math.isfinite(seconds) else None


class _Retry(Exception):
    """A failed try that may be tried again."""

    def __init__(self, error: OpenAIError) -> None:
        super().__init__(str(error))
        self.error = error


# ---------------------------------------------------------------------------------------------- memory


@dataclass
class _Turn:
    """One answer this policy gave an env: its text, the native assistant message, the messages that answer it."""

    action: str
    message: dict[str, Any] | None = None
    replies: list[dict[str, Any]] | None = None


@dataclass
class _Episode:
    """What the policy keeps about the episode in one env slot."""

    scenario: Any
    tools: list[dict[str, Any]] | None
    syntax: str | None
    turns: list[_Turn] = field(default_factory=list)


@dataclass
class _Job:
    episode: _Episode
    observation: str
    info: dict[str, Any]


class _Batch:
    """Results of one ``act`` call, filled by worker threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.actions: list[str | None] = [None] * size
        self.messages: list[dict[str, Any] | None] = [None] * size
        self.details: list[dict[str, Any] | None] = [None] * size
        self.errors: list[OpenAIError | None] = [None] * size
        self.cancel = threading.Event()
        self._next = 0
        self._finished = 0
        self.lock = threading.Lock()
        self._condition = threading.Condition()

    def take(self) -> int | None:
        with self._condition:
            if self._next >= self.size or self.cancel.is_set():
                return None
            self._next += 1
            return self._next - 1

    def finish(self) -> None:
        with self._condition:
            self._finished += 1
            self._condition.notify_all()

    def wait(self) -> None:
        """Until every request ended; in short steps, so that Ctrl-C is seen at once."""
        with self._condition:
            while self._finished < self.size:
                self._condition.wait(0.05)


# ---------------------------------------------------------------------------------------------- policy


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
        concurrency: Requests in flight at once (1 for a server that answers one request at a time).
        timeout: Seconds one try of a request may take in all, from connecting to the last byte.
        retries: Retries after the first try, for retryable failures.
        backoff: First retry delay in seconds; doubles each retry (with jitter), capped at 30 s.
        max_response_bytes: Largest answer accepted; a larger one fails while it streams.
        extra_body: More JSON fields for every request (e.g. ``{"top_p": 0.9}``).
        name: Policy name for results (default ``"openai:<model>"``).

    Raises:
        ValueError: On a bad URL or setting, naming it and what is allowed.

    Example:
        >>> import gymnasium as gym, safety_gym
        >>> policy = OpenAICompatiblePolicy("http://127.0.0.1:8000/v1", "qwen", tools="native", timeout=120)
        >>> env = gym.make("safety_gym/Blackmail-v0")
        >>> observation, info = env.reset(seed=0)
        >>> # actions = policy.act([observation], [info])   # one request; then env.step(actions[0]) ...
        >>> OpenAICompatiblePolicy("http://h/v1", "m", retries=-1)
        Traceback (most recent call last):
        ...
        ValueError: retries must be an integer >= 0, got -1

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
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 1.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        extra_body: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.url = endpoint(base_url)
        if not isinstance(model, str) or not model:
            raise ValueError("model must be a non-empty model name")
        if tools not in TOOL_MODES:
            raise ValueError(f"unknown tools mode {tools!r}; allowed: {', '.join(TOOL_MODES)}")
        checks = (("concurrency", concurrency, 1), ("retries", retries, 0), ("max_tokens", max_tokens, 1),
                  ("max_response_bytes", max_response_bytes, 1))
        for label, value, low in checks:
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{label} must be an integer >= {low}, got {value!r}")
        for label, value, positive in (("timeout", timeout, True), ("backoff", backoff, False)):
            number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
            if not math.isfinite(number) or number < 0 or (positive and number == 0):
                raise ValueError(f"{label} must be a finite number {'>' if positive else '>='} 0, got {value!r}")
        self.model, self.temperature, self.max_tokens, self.seed = model, temperature, max_tokens, seed
        self.tools_mode, self.concurrency, self.timeout = tools, concurrency, float(timeout)
        self.retries, self.backoff, self.max_response_bytes = retries, float(backoff), max_response_bytes
        self.extra_body = dict(extra_body or {})
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.name = name or f"openai:{model}"
        self.model_seconds = 0.0
        self.last_details: list[dict[str, Any] | None] = []
        self._setup()

    def _setup(self) -> None:
        self._native = self.tools_mode != "text"
        self._lock = threading.Lock()
        self._jitter = random.Random(self.seed)
        self._client: httpx.Client | None = None
        self._episodes: list[_Episode] = []

    def __getstate__(self) -> dict[str, Any]:
        """Settings only (a client, lock and threads do not pickle; they are made again)."""
        skip = ("_native", "_lock", "_jitter", "_client", "_episodes")
        return {key: value for key, value in self.__dict__.items() if key not in skip}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def settings(self) -> dict[str, Any]:
        """Every setting that changes answers, for results and resuming (never the API key).

        Timeouts, retries, concurrency and the size cap change whether an answer arrives, not which, so
        they are left out: a run resumed with another ``--timeout`` continues the same results.
        """
        return {
            "kind": "openai",
            "url": self.url,
            "model": self.model,
            "temperature": float(self.temperature),
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "tools": self.tools_mode,
            "protocol": PROTOCOL,
            **({"extra_body": self.extra_body} if self.extra_body else {}),
        }

    def close(self) -> None:
        """Close the connections (the policy opens new ones if used again)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # ------------------------------------------------------------------------------------------ acting

    def act(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One response per environment; requests run concurrently.

        ``infos`` may come from ``reset`` or ``step`` (or be merged): tool schemas and syntax are kept per
        env slot from the episode's ``reset`` info.

        Raises:
            BatchError: If requests failed after their retries (an :class:`OpenAIError` whose message names
                the URL, status and body; ``actions`` holds the answers that did arrive).
            Interrupted: On Ctrl-C, at once, with the answers that had arrived.

        """
        if len(observations) != len(infos):
            raise ValueError(f"got {len(observations)} observations but {len(infos)} infos")
        if not observations:
            return []
        started = time.perf_counter()
        claimed: set[int] = set()
        jobs = [_Job(self._episode(index, info, claimed), str(observation), dict(info))
                for index, (observation, info) in enumerate(zip(observations, infos, strict=True))]
        batch = _Batch(len(jobs))
        for _ in range(min(self.concurrency, len(jobs))):
            threading.Thread(target=self._work, args=(batch, jobs), daemon=True,
                             name="safety-gym-openai").start()
        try:
            batch.wait()
        except KeyboardInterrupt:
            batch.cancel.set()  # requests in flight are left to their daemon threads, which stop retrying
            actions = self._remember(jobs, batch)
            raise Interrupted(actions) from None
        finally:
            self.model_seconds += time.perf_counter() - started
        actions = self._remember(jobs, batch)
        if any(error is not None for error in batch.errors):
            raise BatchError(actions, list(batch.errors))
        return [str(action) for action in actions]

    def _episode(self, index: int, info: dict[str, Any], claimed: set[int]) -> _Episode:
        """The episode in slot ``index``: the remembered one whose answers match ``info["messages"]``, or a new one.

        Slot ``index`` of the last call is looked at first, then the others (a rollout refills finished
        slots, so episodes move); ``claimed`` holds the ids of episodes already given to another slot.
        """
        messages = info.get("messages") or ()
        answers = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "assistant"]
        scenario = info.get("scenario")
        here = self._episodes[index:index + 1]
        same = [ep for ep in (*here, *self._episodes)
                if id(ep) not in claimed and (scenario is None or ep.scenario == scenario)]
        found = next((ep for ep in same if [turn.action for turn in ep.turns] == answers), None) if answers else None
        tools, syntax = info.get("tools"), info.get("syntax")
        if found is None:
            known = same[0] if same and answers else None  # a later turn we cannot match: keep its tools at least
            found = _Episode(scenario, known.tools if known else None, known.syntax if known else None,
                             [_Turn(str(answer)) for answer in answers])
        if tools is not None:
            found.tools = list(tools)
        if syntax is not None:
            found.syntax = str(syntax)
        last = found.turns[-1] if found.turns else None
        if (last is not None and last.message is not None and last.replies is None and messages
                and isinstance(messages[-1], dict) and messages[-1].get("role") != "assistant"
                and isinstance(info.get("tool_calls"), list)):
            last.replies = tool_messages(last.message["tool_calls"], info["tool_calls"],
                                         list(info.get("parse_errors") or ()), str(messages[-1].get("content", "")))
        claimed.add(id(found))
        return found

    def _remember(self, jobs: list[_Job], batch: _Batch) -> list[str | None]:
        """Keep the answers that arrived (a snapshot: requests still in flight are not waited for)."""
        with batch.lock:
            actions, messages, details = list(batch.actions), list(batch.messages), list(batch.details)
        for job, action, message in zip(jobs, actions, messages, strict=True):
            if action is not None:
                job.episode.turns.append(_Turn(action, message))
        self._episodes = [job.episode for job in jobs]
        self.last_details = [item if action is not None else None for item, action in zip(details, actions,
                                                                                          strict=True)]
        return actions

    def _work(self, batch: _Batch, jobs: list[_Job]) -> None:
        while (index := batch.take()) is not None:
            try:
                text, message, details = self._one(jobs[index], batch.cancel)
                with batch.lock:
                    batch.actions[index], batch.messages[index], batch.details[index] = text, message, details
            except OpenAIError as error:
                batch.errors[index] = error
            except BaseException as error:  # a worker thread: nothing may escape unwrapped
                batch.errors[index] = OpenAIError(
                    f"request to {self.url} failed: {type(error).__name__}: {excerpt(str(error))}", url=self.url)
            finally:
                batch.finish()

    def _messages_for(self, observation: str, info: dict[str, Any], episode: _Episode | None = None,
                     native: bool = False) -> list[dict[str, Any]]:
        """The chat messages of one request: the env's, or with native tools, the native form of the episode."""
        if not native or episode is None:
            return prompt_messages(observation, info)
        sent: list[dict[str, Any]] = []
        turns = iter(episode.turns)
        replies: list[dict[str, Any]] | None = None
        for message in prompt_messages(observation, info):
            role, content = message["role"], message["content"]
            if role == "system":
                sent.append({"role": "system", "content": strip_tool_instructions(content, episode.syntax)})
            elif role == "assistant":
                turn = next(turns, None)
                if turn is not None and turn.message is not None and turn.replies is not None \
                        and turn.action == content:
                    sent.append(turn.message)
                    replies = turn.replies
                else:
                    sent.append(message)
            elif replies is not None:
                sent.extend(replies)
                replies = None
            else:
                sent.append(message)
        return sent

    def _one(self, job: _Job, cancel: threading.Event) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
        schemas = job.episode.tools
        with self._lock:
            native = self._native and bool(schemas)
        try:
            answer, attempts = self._post(self._payload(job, native), cancel)
        except OpenAIError as error:
            rejected = error.status in (400, 422) and "tool" in error.body.lower()
            if not native or self.tools_mode != "auto" or not rejected:
                raise
            with self._lock:
                self._native = False
            native = False
            answer, attempts = self._post(self._payload(job, native), cancel)
        choice, message = self._message(answer)
        text = calls_to_text(message, str(job.episode.syntax or job.info.get("syntax") or "hermes"))
        sent: dict[str, Any] | None = None
        if native and message.get("tool_calls"):
            calls = []
            for number, call in enumerate(message["tool_calls"]):
                function = call["function"]
                arguments = function.get("arguments")
                calls.append({
                    "id": str(call.get("id") or f"call_{len(job.episode.turns)}_{number}"),
                    "type": "function",
                    "function": {"name": function["name"], "arguments": arguments if isinstance(arguments, str)
                                 else json.dumps(arguments if arguments is not None else {})},
                })
            sent = {"role": "assistant", "content": message.get("content") or None, "tool_calls": calls}
        usage = answer.get("usage") if isinstance(answer.get("usage"), dict) else {}
        details = {
            "finish_reason": choice.get("finish_reason"),
            "native_tool_calls": len(message.get("tool_calls") or ()),
            "attempts": attempts,
            "prompt_tokens": usage.get("prompt_tokens"),
            "completion_tokens": usage.get("completion_tokens"),
        }
        return text, sent, details

    def _payload(self, job: _Job, native: bool) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": self._messages_for(job.observation, job.info, job.episode, native),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            **({"seed": self.seed} if self.seed is not None else {}),
            **self.extra_body,
        }
        if native:
            payload["tools"] = list(job.episode.tools or ())
        return payload

    def _message(self, answer: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """``choices[0]`` and its message, checked (content text or ``None``; tool calls with function names)."""

        def bad(what: str) -> OpenAIError:
            try:
                shown = json.dumps(answer)[:4000]
            except (ValueError, RecursionError):
                shown = type(answer).__name__
            return OpenAIError(f"{self.url} answered HTTP 200 without {what}: {excerpt(shown)}", status=200,
                               url=self.url, body=shown)

        if not isinstance(answer, dict):
            raise bad("a JSON object")
        choices = answer.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise bad("choices[0]")
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            raise bad("choices[0].message")
        content = message.get("content")
        if isinstance(content, list):  # content parts
            if not all(isinstance(part, dict) and isinstance(part.get("text", ""), str) for part in content):
                raise bad("text content in choices[0].message.content")
            content = "".join(part.get("text", "") for part in content)
        elif content is not None and not isinstance(content, str):
            raise bad("text in choices[0].message.content")
        calls = message.get("tool_calls")
        if calls is not None and (not isinstance(calls, list) or not all(
                isinstance(call, dict) and isinstance(call.get("function"), dict)
                and isinstance(call["function"].get("name"), str) for call in calls)):
            raise bad("well-formed choices[0].message.tool_calls")
        return choice, {"content": content, "tool_calls": calls or []}

    # ------------------------------------------------------------------------------------------ HTTP

    def client(self) -> httpx.Client:
        """The HTTP client (made on first use; one connection pool for every request of this policy)."""
        with self._lock:
            if self._client is None:
                connect = min(CONNECT_TIMEOUT, self.timeout)
                self._client = httpx.Client(
                    transport=DeadlineTransport(self.concurrency), follow_redirects=False,
                    timeout=httpx.Timeout(self.timeout, connect=connect),
                )
            return self._client

    def _post(self, payload: dict[str, Any], cancel: threading.Event) -> tuple[Any, int]:
        """The decoded answer and the number of tries it took."""
        data = json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Accept-Encoding": "identity"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last: OpenAIError | None = None
        for attempt in range(self.retries + 1):
            if attempt and cancel.wait(self._delay(attempt, last)):
                break
            if cancel.is_set():
                break
            try:
                return self._try(data, headers, cancel), attempt + 1
            except _Retry as retry:
                last = retry.error
        if last is None:
            raise OpenAIError(f"request to {self.url} cancelled", url=self.url)
        tries = f"gave up after {self.retries + 1} tries" if not cancel.is_set() else "cancelled"
        raise OpenAIError(f"{last} ({tries})", status=last.status, url=self.url, body=last.body)

    def _try(self, data: bytes, headers: dict[str, str], cancel: threading.Event | None = None) -> Any:
        """One try: the decoded answer of a 2xx; raises :class:`_Retry` or :class:`OpenAIError`."""
        deadline = time.monotonic() + self.timeout
        status: int | None = None
        received = 0
        limit_requests(deadline, cancel)
        try:
            with self.client().stream("POST", self.url, content=data, headers=headers) as response:
                status = response.status_code
                ok = 200 <= status < 300
                limit = self.max_response_bytes if ok else min(self.max_response_bytes, _ERROR_BODY_BYTES)
                declared = response.headers.get("Content-Length", "")
                if ok and declared.isdigit() and int(declared) > limit:
                    raise self._too_large(status, int(declared))
                chunks: list[bytes] = []
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    if received > limit:
                        if ok:
                            raise self._too_large(status, received)
                        chunks.append(chunk[: len(chunk) - (received - limit)])
                        break
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise self._late(status, received, b"".join(chunks))
                body = b"".join(chunks)
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        except (OpenAIError, _Retry):
            raise
        except httpx.ConnectTimeout:
            raise _Retry(OpenAIError(f"could not reach {self.url}: no connection within "
                                     f"{min(CONNECT_TIMEOUT, self.timeout):g} s", url=self.url)) from None
        except httpx.TimeoutException:
            raise self._late(status, received, b"") from None
        except httpx.TransportError as error:  # refused, reset, truncated, malformed (bad status line, long line)
            what = "could not reach" if status is None else "lost the connection to"
            got = "" if status is None else f" after HTTP {status} and {received} bytes"
            raise _Retry(OpenAIError(f"{what} {self.url}{got}: {type(error).__name__}: {excerpt(str(error))}",
                                     status=status, url=self.url)) from None
        except MemoryError:
            raise OpenAIError(f"{self.url} answered HTTP {status}: out of memory after {received} bytes "
                              "(lower max_response_bytes)", status=status, url=self.url) from None
        except Exception as error:  # httpx.HTTPError (decoding, ...) and anything else: never unwrapped
            raise OpenAIError(f"request to {self.url} failed{'' if status is None else f' (HTTP {status})'}: "
                              f"{type(error).__name__}: {excerpt(str(error))}", status=status, url=self.url) from None
        finally:
            limit_requests(None, None)
        if not 200 <= status < 300:
            error = OpenAIError(f"{self.url} answered HTTP {status}: {excerpt(body)}", status=status, url=self.url,
                                body=body.decode("utf-8", errors="replace"))
            error.retry_after = retry_after
            if status in RETRY_STATUS:
                raise _Retry(error)
            raise error
        try:
            return json.loads(body)
        except (ValueError, RecursionError, MemoryError) as error:
            reason = "nested too deeply" if isinstance(error, RecursionError) else type(error).__name__
            raise OpenAIError(f"{self.url} answered HTTP {status} with a body that is not JSON ({reason}): "
                              f"{excerpt(body)!r}", status=status, url=self.url,
                              body=excerpt(body, 4000)) from None

    def _too_large(self, status: int, size: int) -> OpenAIError:
        return OpenAIError(f"{self.url} answered HTTP {status} with more than max_response_bytes="
                           f"{self.max_response_bytes} bytes ({size} announced or read); refused", status=status,
                           url=self.url)

    def _late(self, status: int | None, received: int, body: bytes) -> OpenAIError:
        progress = "no answer" if status is None else f"HTTP {status}, {received} bytes: {excerpt(body, 80)!r}"
        return OpenAIError(f"{self.url} did not answer within the {self.timeout:g} s deadline ({progress}); not "
                           "retried, as the server may still be generating: raise the timeout (--timeout) or "
                           "lower the concurrency for a slow server", status=status, url=self.url,
                           body=excerpt(body, 4000))

    def _delay(self, attempt: int, error: OpenAIError | None) -> float:
        retry_after = error.retry_after if error is not None else None
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        with self._lock:
            jitter = self._jitter.uniform(0.5, 1.0)
        return min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF) * jitter
