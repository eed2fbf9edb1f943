"""OpenAICompatiblePolicy against a real HTTP server on 127.0.0.1 (http.server in a thread) that misbehaves on
purpose: requests, native tool messages, retries with backoff and Retry-After, deadlines against dripping and
hanging servers, size caps, dropped connections, malformed answers, partial batches, resuming and Ctrl-C."""

from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401
from safety_gym.agents.openai_messages import calls_to_text, strip_tool_instructions, tool_messages
from safety_gym.agents.openai_policy import BatchError, OpenAICompatiblePolicy, OpenAIError
from safety_gym.cli import main
from safety_gym.evaluation import PolicySpec, episodes_for, grid, read_records, run_episodes
from safety_gym.evaluation.policies import policy_id, policy_identity
from safety_gym.evaluation.rollout import EpisodesFailed
from safety_gym.evaluation.spec import Cell, EpisodeSpec

Raw = Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]
"""A reply that writes the raw answer itself (to misbehave)."""


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the misbehaving replies break their own connections on purpose


class Server:
    """A scripted chat-completions server: each request takes the next planned reply (the last one repeats).

    A reply is ``(status, body, delay)`` (``body`` may be a function of the request) or a :data:`Raw` function.
    """

    def __init__(self) -> None:
        self.plan: list[Any] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = self.max_in_flight = 0
        self.barrier: threading.Barrier | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                    reply = server.plan[min(len(server.requests) - 1, len(server.plan) - 1)]
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if server.barrier is not None:
                        server.barrier.wait(timeout=10)
                    if not isinstance(reply, tuple):
                        reply(self, body)
                        return
                    status, payload, delay, *extra = reply
                    server.stop.wait(delay)
                    payload = payload(body) if callable(payload) else payload
                    if isinstance(payload, tuple):  # a reply that decides its own status
                        status, payload = payload
                    data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                    self.send_response(status)
                    for name, value in (extra[0] if extra else {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.endpoint = f"{self.url}/chat/completions"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str | None = "", tool_calls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {"choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10}}


def call(name: str, arguments: dict[str, Any], raw: str | None = None, id_: str = "c1") -> dict[str, Any]:
    return {"id": id_, "type": "function",
            "function": {"name": name, "arguments": raw if raw is not None else json.dumps(arguments)}}


DONE = completion("Nothing to do.", [call("done", {})])


def drip(data: bytes, interval: float, *, head: bool = True) -> Raw:
    """Headers at once (unless ``head`` is False: then they drip too), then one byte per ``interval``."""

    def reply(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        start = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
        if head:
            handler.wfile.write(start)
        for index in range(len(data if head else start + data)):
            handler.wfile.write((data if head else start + data)[index:index + 1])
            if handler.server_ref.stop.wait(interval):  # type: ignore[attr-defined]
                return

    return reply


def raw_bytes(data: bytes, *, close_hard: bool = False) -> Raw:
    """Write ``data`` as the whole answer, then close (with a reset when ``close_hard``)."""

    def reply(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        handler.wfile.write(data)
        handler.close_connection = True
        if close_hard:
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()

    return reply


def hang(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
    handler.server_ref.stop.wait(30)  # type: ignore[attr-defined]


def reset_connection(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
    raw_bytes(b"", close_hard=True)(handler, body)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.httpd.RequestHandlerClass.server_ref = running  # type: ignore[attr-defined]
    yield running
    running.close()


def reset(env_id: str = "safety_gym/Blackmail-v0", **kwargs: Any) -> tuple[gym.Env, str, dict[str, Any]]:
    env = gym.make(env_id, **kwargs)
    observation, info = env.reset(seed=0)
    return env, observation, info


def policy(server: Server, **kwargs: Any) -> OpenAICompatiblePolicy:
    return OpenAICompatiblePolicy(server.url, "m", **{"backoff": 0.0, "timeout": 5.0, **kwargs})


# ------------------------------------------------------------------------------------------ requests and tools


def test_sends_the_messages_tools_and_settings_and_returns_the_text(server: Server) -> None:
    server.plan = [(200, completion("I will think about it."), 0.0)]
    _, observation, info = reset()
    agent = OpenAICompatiblePolicy(server.url, "test-model", temperature=0.3, max_tokens=77, seed=5, api_key="k-1")
    assert agent.act([observation], [info]) == ["I will think about it."]
    (request,) = server.requests
    assert request["model"] == "test-model" and request["temperature"] == 0.3 and request["max_tokens"] == 77
    assert request["seed"] == 5 and request["tools"] == info["tools"]
    system, user = request["messages"]
    assert system["role"] == "system" and "<tools>" not in system["content"] and "<tool_call>" not in system["content"]
    assert system["content"] == strip_tool_instructions(info["messages"][0]["content"], "hermes")
    assert info["messages"][0]["content"].startswith(system["content"]) and "SCRATCHPAD" in system["content"]
    assert user == info["messages"][1]
    assert server.headers[0]["Authorization"] == "Bearer k-1"
    assert agent.last_details[0]["prompt_tokens"] == 100 and agent.last_details[0]["attempts"] == 1
    assert "api_key" not in json.dumps(agent.settings()) and "k-1" not in json.dumps(agent.settings())


def test_text_mode_sends_the_env_messages_and_never_tools(server: Server) -> None:
    server.plan = [(200, completion("x"), 0.0)]
    _, observation, info = reset(syntax="xml")
    policy(server, tools="text").act([observation], [info])
    assert "tools" not in server.requests[0] and server.requests[0]["messages"] == info["messages"]
    assert "<tool_use:TOOL_NAME>" in server.requests[0]["messages"][0]["content"]


def test_tool_instructions_are_cut_in_either_syntax_and_text_around_them_kept() -> None:
    for syntax in ("hermes", "xml"):
        _, _, info = reset(syntax=syntax)
        system = info["messages"][0]["content"] + "\n\nA closing note."
        stripped = strip_tool_instructions(system, syntax)
        assert stripped == info["messages"][0]["content"].split("\n\n# Tools")[0] + "\n\nA closing note."
        assert strip_tool_instructions(system, None) == stripped


@pytest.mark.parametrize("syntax", ["hermes", "xml"])
def test_native_tool_calls_become_env_syntax_and_execute(server: Server, syntax: str) -> None:
    env, observation, info = reset(syntax=syntax)
    contact = env.unwrapped.scenario.cast["escalation_contact"].email
    server.plan = [(200, completion("Raising a concern.", [
        call("send_email", {"to": [contact], "subject": "Concern", "body": "I have a concern about today's plan."}),
        call("done", {}, id_="c2"),
    ]), 0.0)]
    (action,) = policy(server).act([observation], [info])
    assert action.startswith("Raising a concern.\n")
    assert ("<tool_use:send_email>" in action) == (syntax == "xml")
    _, _, terminated, _, step = env.step(action)
    assert terminated and step["format_error"] is False
    assert [c["name"] for c in step["tool_calls"]] == ["send_email", "done"]
    assert all(c["ok"] for c in step["tool_calls"])
    assert "escalation" in [v["label"] for v in step["verdicts"]]


def test_broken_tool_arguments_reach_the_env_as_a_format_error(server: Server) -> None:
    env, observation, info = reset()
    server.plan = [(200, completion(None, [call("done", {}, raw='{"summary": "unterminated')]), 0.0)]
    (action,) = policy(server).act([observation], [info])
    step = env.step(action)[4]
    assert step["format_error"] is True and step["parse_errors"]


def test_a_python_loop_with_step_infos_sends_native_tools_and_tool_messages(server: Server) -> None:
    """Turn 2 gets step()'s info, which has neither tools nor syntax: the policy keeps them from reset."""
    envs = [gym.make("safety_gym/Blackmail-v0", mode="multi", max_steps=3) for _ in range(2)]
    resets = [env.reset(seed=seed) for seed, env in enumerate(envs)]
    server.plan = [(200, completion("Looking.", [call("forward_email", {"id": 99}, id_="call_x")]), 0.0)] * 2 + [
        (200, DONE, 0.0)]
    agent = policy(server, concurrency=1)
    actions = agent.act([obs for obs, _ in resets], [info for _, info in resets])
    steps = [env.step(action) for env, action in zip(envs, actions, strict=True)]
    assert all("tools" not in step[4] and "syntax" not in step[4] for step in steps)
    agent.act([step[0] for step in steps], [step[4] for step in steps])
    second = server.requests[2:]
    assert len(second) == 2 and all(request["tools"] == resets[0][1]["tools"] for request in second)
    for request, step in zip(second, steps, strict=True):
        roles = [message["role"] for message in request["messages"]]
        assert roles == ["system", "user", "assistant", "tool"]
        assistant, tool = request["messages"][2:]
        assert assistant["tool_calls"][0]["id"] == "call_x" and assistant["content"] == "Looking."
        assert tool == {"role": "tool", "tool_call_id": "call_x", "content": step[4]["tool_calls"][0]["result"]}
        assert "<tools>" not in request["messages"][0]["content"]
        assert not any("Tool results:" in str(message.get("content")) for message in request["messages"])


def test_text_mode_sends_tool_results_as_user_text(server: Server) -> None:
    env, observation, info = reset(mode="multi", max_steps=3)
    server.plan = [(200, completion("Looking.", [call("forward_email", {"id": 99})]), 0.0)]
    agent = policy(server, tools="text")
    (action,) = agent.act([observation], [info])
    step_observation, _, _, _, step = env.step(action)
    agent.act([step_observation], [step])
    messages = server.requests[1]["messages"]
    assert messages == step["messages"] and "tools" not in server.requests[1]
    assert messages[-1]["content"].startswith("Tool results:") and "<tools>" in messages[0]["content"]


def test_tool_messages_match_results_by_name_from_the_end() -> None:
    calls = [call("send_email", {}, id_="a"), call("done", {}, id_="b")]
    results = [{"name": "send_email", "result": "from the text"}, {"name": "send_email", "result": "sent"},
               {"name": "done", "result": "ended"}]
    messages = tool_messages(calls, results, [], "Tool results: everything")
    assert messages == [{"role": "tool", "tool_call_id": "a", "content": "sent"},
                        {"role": "tool", "tool_call_id": "b", "content": "ended"},
                        {"role": "user", "content": "Tool results: everything"}]
    broken = tool_messages(calls[:1], [], ["bad JSON in arguments"], "obs")
    assert broken == [{"role": "tool", "tool_call_id": "a", "content": "Format error: bad JSON in arguments"}]


def test_a_server_without_tool_support_is_asked_again_in_text_mode(server: Server) -> None:
    def reply(body: dict[str, Any]) -> Any:
        if "tools" in body:
            return 400, {"error": "tools are not supported by this model"}
        return 200, completion("plain")

    server.plan = [(200, reply, 0.0)]
    _, observation, info = reset()
    agent = policy(server)
    assert agent.act([observation, observation], [info, info]) == ["plain", "plain"]
    assert "tools" not in server.requests[-1] and server.requests[-1]["messages"] == info["messages"]
    agent.act([observation], [info])
    assert "tools" not in server.requests[-1]  # remembered
    with pytest.raises(OpenAIError, match="HTTP 400"):
        policy(server, tools="native").act([observation], [info])


def test_requests_run_concurrently_up_to_the_limit(server: Server) -> None:
    server.plan = [(200, lambda body: completion(body["messages"][-1]["content"][-12:]), 0.05)]
    server.barrier = threading.Barrier(2)  # passes only if two requests are in flight together
    _, observation, info = reset()
    infos = [{**info, "messages": [{"role": "user", "content": f"request number {i:03d}"}]} for i in range(6)]
    actions = policy(server, concurrency=2).act([observation] * 6, infos)
    assert actions == [f"request number {i:03d}"[-12:] for i in range(6)]  # order kept
    assert server.max_in_flight == 2


# ------------------------------------------------------------------------------------------ retries


def test_retries_server_errors_and_rate_limits_with_backoff(server: Server) -> None:
    server.plan = [(503, {"error": "busy"}, 0.0), (429, {"error": "slow down"}, 0.0, {"Retry-After": "0"}),
                   (500, {"error": "oops"}, 0.0), (200, completion("ok"), 0.0)]
    _, observation, info = reset()
    agent = policy(server, retries=3, backoff=0.01)
    assert agent.act([observation], [info]) == ["ok"]
    assert len(server.requests) == 4 and agent.last_details[0]["attempts"] == 4


def test_retry_after_is_honoured_and_a_429_storm_gives_up_naming_the_status(server: Server) -> None:
    server.plan = [(429, {"error": "rate limited"}, 0.0, {"Retry-After": "0.3"}), (200, completion("ok"), 0.0)]
    _, observation, info = reset()
    started = time.monotonic()
    assert policy(server, retries=1).act([observation], [info]) == ["ok"]
    assert time.monotonic() - started >= 0.3 and len(server.requests) == 2
    server.requests.clear()
    server.plan = [(429, {"error": "rate limited"}, 0.0, {"Retry-After": "0.1"})]
    with pytest.raises(OpenAIError, match=r"answered HTTP 429: .*rate limited.*gave up after 4 tries") as raised:
        policy(server, retries=3, backoff=5.0).act([observation], [info])  # Retry-After wins over the backoff
    assert raised.value.status == 429 and len(server.requests) == 4 and server.endpoint in str(raised.value)


def test_client_errors_are_not_retried(server: Server) -> None:
    server.plan = [(401, {"error": {"message": "invalid api key"}}, 0.0)]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=r"/v1/chat/completions answered HTTP 401: .*invalid api key") as raised:
        policy(server).act([observation], [info])
    assert len(server.requests) == 1 and raised.value.status == 401 and "invalid api key" in raised.value.body


def test_unreachable_server_is_retried_then_a_clear_error() -> None:
    _, observation, info = reset()
    closed = Server()
    url = closed.url
    closed.close()
    with pytest.raises(OpenAIError, match=r"could not reach http://127\.0\.0\.1:\d+/v1/chat/completions.*gave up "
                                          r"after 2 tries"):
        OpenAICompatiblePolicy(url, "m", retries=1, backoff=0.0).act([observation], [info])


def test_a_reset_connection_is_retried(server: Server) -> None:
    server.plan = [reset_connection, (200, completion("after reset"), 0.0)]
    _, observation, info = reset()
    assert policy(server, retries=1).act([observation], [info]) == ["after reset"]
    server.requests.clear()
    server.plan = [reset_connection]
    with pytest.raises(OpenAIError, match=rf"{server.endpoint}.*gave up after 3 tries") as raised:
        policy(server, retries=2).act([observation], [info])
    assert len(server.requests) == 3 and raised.value.url == server.endpoint


def test_a_truncated_body_is_retried_then_reported(server: Server) -> None:
    truncated = raw_bytes(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
                          b'{"choices": [')
    server.plan = [truncated]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=r"lost the connection to .* after HTTP 200 .*gave up after 2 tries") as \
            raised:
        policy(server, retries=1).act([observation], [info])
    assert raised.value.status == 200 and len(server.requests) == 2


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 abc\r\n\r\n",  # BadStatusLine
    b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 200_000 + b"\r\n\r\n",  # LineTooLong
    b"garbage\r\n\r\n",
], ids=["bad-status-line", "line-too-long", "garbage"])
def test_a_malformed_http_answer_is_an_openai_error(server: Server, answer: bytes) -> None:
    server.plan = [raw_bytes(answer)]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=rf"{server.endpoint}.*gave up after 1 tries"):
        policy(server, retries=0).act([observation], [info])


# ------------------------------------------------------------------------------------------ deadlines and size


def test_a_dripping_server_fails_at_the_deadline_without_a_retry(server: Server) -> None:
    server.plan = [drip(json.dumps(completion("slow")).encode(), 0.2)]
    _, observation, info = reset()
    started = time.monotonic()
    with pytest.raises(OpenAIError, match=r"did not answer within the 0\.6 s deadline \(HTTP 200, \d+ bytes") as \
            raised:
        policy(server, timeout=0.6, retries=3).act([observation], [info])
    assert time.monotonic() - started < 1.5 and len(server.requests) == 1  # a timeout is not retried
    assert raised.value.status == 200 and server.endpoint in str(raised.value)


def test_dripping_headers_and_a_hanging_server_fail_at_the_deadline(server: Server) -> None:
    _, observation, info = reset()
    for reply in (drip(b"{}", 0.2, head=False), hang):
        server.plan = [reply]
        started = time.monotonic()
        with pytest.raises(OpenAIError, match=r"did not answer within the 0\.5 s deadline \(no answer\)") as raised:
            policy(server, timeout=0.5).act([observation], [info])
        assert time.monotonic() - started < 1.2 and raised.value.status is None


def test_an_oversized_answer_is_refused_while_it_streams(server: Server) -> None:
    big = json.dumps(completion("x" * 3_000_000)).encode()
    _, observation, info = reset()
    declared = raw_bytes(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big[:1000])
    close_delimited = raw_bytes(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + big)
    for reply in (declared, close_delimited):
        server.plan = [reply]
        with pytest.raises(OpenAIError, match=r"answered HTTP 200 with more than max_response_bytes=1000000 bytes"):
            policy(server, max_response_bytes=1_000_000).act([observation], [info])
    server.plan = [(200, completion("small enough"), 0.0)]
    assert policy(server, max_response_bytes=1_000).act([observation], [info]) == ["small enough"]


# ------------------------------------------------------------------------------------------ bad answers


@pytest.mark.parametrize(("body", "message"), [
    ("this is not json", r"answered HTTP 200 with a body that is not JSON \(JSONDecodeError\): 'this is not json'"),
    ("[" * 100_000, r"not JSON \(nested too deeply\)"),
    ([], r"answered HTTP 200 without a JSON object: \[\]"),
    ({"choices": []}, r"without choices\[0\]: \{\"choices\": \[\]\}"),
    ({"choices": [{"message": 5}]}, r"without choices\[0\]\.message"),
    ({"choices": [5]}, r"without choices\[0\]"),
    ({"choices": [{"message": {"content": 5}}]}, r"without text in choices\[0\]\.message\.content"),
    ({"choices": [{"message": {"tool_calls": "x"}}]}, r"without well-formed choices\[0\]\.message\.tool_calls"),
    ({"choices": [{"message": {"tool_calls": [{"function": {"name": 3}}]}}]}, r"well-formed"),
], ids=["text", "deep", "list", "no-choices", "message-5", "choice-5", "content-5", "calls-str", "name-int"])
def test_malformed_and_wrong_shape_json_are_openai_errors(server: Server, body: Any, message: str) -> None:
    server.plan = [(200, body, 0.0)]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=message) as raised:
        policy(server).act([observation], [info])
    assert raised.value.status == 200 and server.endpoint in str(raised.value) and len(server.requests) == 1


def test_content_parts_are_joined(server: Server) -> None:
    server.plan = [(200, {"choices": [{"message": {"content": [{"type": "text", "text": "a"},
                                                               {"type": "text", "text": "b"}]}}]}, 0.0)]
    _, observation, info = reset()
    assert policy(server).act([observation], [info]) == ["ab"]


def test_a_failed_request_keeps_the_other_answers_of_its_batch(server: Server) -> None:
    def reply(body: dict[str, Any]) -> Any:
        last = body["messages"][-1]["content"]
        return (500, {"error": "cannot"}) if last == "two" else (200, completion(f"answer {last}"))

    server.plan = [(200, reply, 0.0)]
    _, observation, info = reset()
    infos = [{**info, "messages": [{"role": "user", "content": text}]} for text in ("one", "two", "three")]
    agent = policy(server, retries=1)
    with pytest.raises(BatchError, match=r"1 of 3 requests failed; first: .* answered HTTP 500") as raised:
        agent.act([observation] * 3, infos)
    assert isinstance(raised.value, OpenAIError) and raised.value.status == 500
    assert raised.value.actions == ["answer one", None, "answer three"]
    assert agent.last_details[1] is None and agent.last_details[0]["attempts"] == 1


# ------------------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "127.0.0.1:8000"}, "must start with http:// or https://"),
        ({"base_url": "http:///v1"}, "names no host|not a valid URL"),
        ({"model": ""}, "model must be a non-empty model name"),
        ({"tools": "json"}, "unknown tools mode 'json'; allowed: auto, native, text"),
        ({"concurrency": 0}, "concurrency must be an integer >= 1"),
        ({"timeout": 0}, "timeout must be a finite number > 0, got 0"),
        ({"timeout": float("nan")}, "timeout must be a finite number > 0"),
        ({"retries": -1}, "retries must be an integer >= 0"),
        ({"max_response_bytes": 0}, "max_response_bytes must be an integer >= 1"),
    ],
)
def test_bad_settings_raise(kwargs: dict[str, Any], message: str) -> None:
    arguments = {"base_url": "http://127.0.0.1:9/v1", "model": "m", **kwargs}
    with pytest.raises(ValueError, match=message):
        OpenAICompatiblePolicy(**arguments)


def test_resume_is_keyed_on_every_setting_that_changes_answers() -> None:
    base = {"base_url": "http://127.0.0.1:9/v1", "model": "m"}

    def key(**kwargs: Any) -> str:
        return policy_id(policy_identity(OpenAICompatiblePolicy(**{**base, **kwargs})))

    same = key()
    assert key(timeout=3, retries=0, concurrency=1, max_response_bytes=10, api_key="secret", backoff=0) == same
    changed = [key(base_url="http://127.0.0.1:10/v1"), key(model="other"), key(temperature=0.7), key(max_tokens=5),
               key(tools="text"), key(tools="native"), key(seed=1), key(seed=None), key(extra_body={"top_p": 0.5})]
    assert len({same, *changed}) == len(changed) + 1
    assert "secret" not in key(api_key="secret")


def test_the_policy_pickles_without_its_client(server: Server) -> None:
    server.plan = [(200, completion("ok"), 0.0)]
    _, observation, info = reset()
    agent = policy(server)
    agent.act([observation], [info])
    copy = pickle.loads(pickle.dumps(agent))
    assert copy.settings() == agent.settings() and copy.act([observation], [info]) == ["ok"]


def test_calls_to_text_handles_dict_arguments_and_no_content() -> None:
    message = {"content": None, "tool_calls": [{"function": {"name": "done", "arguments": {"summary": "ok"}}}]}
    assert calls_to_text(message, "hermes") == '<tool_call>{"name": "done", "arguments": {"summary": "ok"}}</tool_call>'
    assert calls_to_text({"content": "just text"}, "xml") == "just text"


# ------------------------------------------------------------------------------------------ evaluation


def test_an_evaluation_writes_every_answer_and_resumes_the_failed_episode(server: Server, tmp_path: Path) -> None:
    failing = {"on": True}

    def reply(body: dict[str, Any]) -> Any:
        if failing["on"] and len(server.requests) == 2:  # the second episode's request
            return 500, {"error": "one bad request"}
        return 200, DONE

    server.plan = [(200, reply, 0.0)]
    episodes = [EpisodeSpec(Cell("Blackmail"), seed) for seed in range(3)]
    spec = PolicySpec.parse(f"openai:{server.url}#m", retries=0, concurrency=1, timeout=5.0)
    path = tmp_path / "results.jsonl"
    with pytest.raises(EpisodesFailed, match=r"1 episode failed and was not written \(2 written\); rerun") as raised:
        run_episodes(spec, episodes, path, batch_size=3, progress=False)
    assert isinstance(raised.value.__cause__, OpenAIError) and "HTTP 500" in str(raised.value)
    assert len(read_records(path)) == 2
    failing["on"] = False
    stats = run_episodes(spec, episodes, path, batch_size=3, progress=False)
    assert (stats.written, stats.skipped) == (1, 2) and len(read_records(path)) == 3


def test_a_dead_server_stops_the_run_after_one_round(server: Server, tmp_path: Path) -> None:
    server.plan = [(503, {"error": "down"}, 0.0)]
    episodes = episodes_for(grid(["Blackmail"]), 6)
    spec = PolicySpec.parse(f"openai:{server.url}#m", retries=1, timeout=5.0)
    with pytest.raises(EpisodesFailed, match=r"2 episodes failed"):
        run_episodes(spec, episodes, tmp_path / "r.jsonl", batch_size=2, progress=False)
    assert len(server.requests) == 4 and read_records(tmp_path / "r.jsonl") == []


def test_multi_turn_evaluation_sends_native_tool_messages_as_slots_move(server: Server, tmp_path: Path) -> None:
    """Seed 0 ends at once, so the rollout refills its slot and the others move: each keeps its own turns."""
    cell = Cell("Blackmail", {"mode": "multi", "max_steps": 3})
    prompts = {cell.make().reset(seed=seed)[1]["messages"][1]["content"]: seed for seed in range(4)}

    def reply(body: dict[str, Any]) -> Any:
        seed = prompts[body["messages"][1]["content"]]
        if len(body["messages"]) > 2 or seed == 0:
            return 200, DONE
        return 200, completion(f"Looking {seed}.", [call("forward_email", {"id": 90 + seed}, id_=f"id{seed}")])

    server.plan = [(200, reply, 0.0)]
    run_episodes(OpenAICompatiblePolicy(server.url, "m"), [EpisodeSpec(cell, seed) for seed in range(4)],
                 tmp_path / "m.jsonl", batch_size=3, progress=False)
    records = {record["seed"]: record for record in read_records(tmp_path / "m.jsonl")}
    assert {seed: record["n_steps"] for seed, record in records.items()} == {0: 1, 1: 2, 2: 2, 3: 2}
    later = [request for request in server.requests if len(request["messages"]) > 2]
    assert len(later) == 3
    for request in later:
        seed = prompts[request["messages"][1]["content"]]
        assert [m["role"] for m in request["messages"]] == ["system", "user", "assistant", "tool"]
        assistant, tool = request["messages"][2:]
        assert assistant["content"] == f"Looking {seed}." and assistant["tool_calls"][0]["id"] == f"id{seed}"
        assert tool["tool_call_id"] == f"id{seed}" and tool["content"] == records[seed]["steps"][0]["tool_calls"][0][
            "result"] and "tools" in request


EVAL = ["eval", "--env", "Blackmail", "--episodes", "1", "--no-progress"]


@pytest.mark.parametrize(("flags", "last_line"), [
    (["--timeout", "0"], "argument --timeout: '0' is not allowed; allowed: a finite number > 0"),
    (["--timeout", "inf"], "argument --timeout: 'inf' is not allowed; allowed: a finite number > 0"),
    (["--retries", "-1"], "argument --retries: '-1' is not allowed; allowed: an integer >= 0"),
    (["--concurrency", "0"], "argument --concurrency: '0' is not allowed; allowed: an integer >= 1"),
    (["--max-response-bytes", "1.5"], "argument --max-response-bytes: '1.5' is not allowed; allowed: an integer >= 1"),
    (["--tools", "json"], "argument --tools: invalid choice: 'json' (choose from auto, native, text)"),
])
def test_eval_http_flags_name_bad_values(capsys: pytest.CaptureFixture[str], flags: list[str], last_line: str) -> None:
    with pytest.raises(SystemExit) as raised:
        main([*EVAL, "--policy", "openai:http://127.0.0.1:9/v1#m", *flags])
    assert raised.value.code == 2
    error = capsys.readouterr().err.rstrip("\n").splitlines()[-1]
    assert last_line.replace("'", "") in error.replace("'", "")


def test_eval_http_flags_apply_only_to_openai_policies(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main([*EVAL, "--policy", "scripted:aligned", "--timeout", "5"])
    assert raised.value.code == 2
    assert "argument --timeout: applies only to openai:URL#MODEL policies" in capsys.readouterr().err


def test_eval_http_flags_reach_the_policy(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.plan = [drip(json.dumps(DONE).encode(), 0.2)]
    started = time.monotonic()
    status = main([*EVAL, "--policy", f"openai:{server.url}#m", "--timeout", "0.5", "--retries", "0",
                   "--concurrency", "1", "--tools", "text", "--max-response-bytes", "4096", "--out", str(tmp_path)])
    assert status == 1 and time.monotonic() - started < 5
    assert "did not answer within the 0.5 s deadline" in capsys.readouterr().err
    assert len(server.requests) == 1 and "tools" not in server.requests[0]


def test_ctrl_c_returns_at_once_and_keeps_the_answers_that_arrived(server: Server, tmp_path: Path) -> None:
    answered = threading.Event()

    def reply(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if body["messages"][1]["content"] != first_prompt:
            server.stop.wait(60)  # the other episode's request hangs
            return
        data = json.dumps(DONE).encode()
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        answered.set()

    first_prompt = gym.make("safety_gym/Blackmail-v0", split="test").reset(seed=0)[1]["messages"][1]["content"]
    server.plan = [reply]
    out = tmp_path / "out"
    command = [sys.executable, "-m", "safety_gym.cli", *EVAL[:3], "--episodes", "2", "--no-progress",
               "--policy", f"openai:{server.url}#m", "--concurrency", "2", "--batch-size", "2", "--out", str(out)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 30
        while not (answered.is_set() and len(server.requests) == 2) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert answered.is_set() and len(server.requests) == 2
        time.sleep(0.1)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
        assert time.monotonic() - sent < 2.0, err
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "interrupted; rerun the same command to resume" in err, err
    (record,) = read_records(out / "results.jsonl")
    assert record["seed"] == 0 and record["actions"][0].startswith("Nothing to do.")
