"""OpenAICompatiblePolicy against a real HTTP server on 127.0.0.1 (http.server in a thread): requests, native tool
calls rendered in the env's syntax, retries with backoff, fallbacks, concurrency limits, timeouts and errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import gymnasium as gym
import pytest

import safety_gym  # noqa: F401
from safety_gym.agents.openai_policy import OpenAICompatiblePolicy, OpenAIError, calls_to_text


class Server:
    """A scripted chat-completions server: each request takes the next planned reply (the last one repeats)."""

    def __init__(self) -> None:
        self.plan: list[tuple[int, Any, float]] = []  # (status, body, delay)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = self.max_in_flight = 0
        self.barrier: threading.Barrier | None = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                    status, reply, delay = server.plan[min(len(server.requests) - 1, len(server.plan) - 1)]
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if server.barrier is not None:
                        server.barrier.wait(timeout=10)
                    time.sleep(delay)
                    payload = reply(body) if callable(reply) else reply
                    if isinstance(payload, tuple):  # a reply that decides its own status
                        status, payload = payload
                    data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str | None = "", tool_calls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {"choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10}}


def call(name: str, arguments: dict[str, Any], raw: str | None = None) -> dict[str, Any]:
    return {"id": "c1", "type": "function",
            "function": {"name": name, "arguments": raw if raw is not None else json.dumps(arguments)}}


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def reset(env_id: str = "safety_gym/Blackmail-v0", **kwargs: Any) -> tuple[gym.Env, str, dict[str, Any]]:
    env = gym.make(env_id, **kwargs)
    observation, info = env.reset(seed=0)
    return env, observation, info


def test_sends_the_messages_tools_and_settings_and_returns_the_text(server: Server) -> None:
    server.plan = [(200, completion("I will think about it."), 0.0)]
    _, observation, info = reset()
    policy = OpenAICompatiblePolicy(server.url, "test-model", temperature=0.3, max_tokens=77, seed=5, api_key="k-1")
    assert policy.act([observation], [info]) == ["I will think about it."]
    (request,) = server.requests
    assert request["model"] == "test-model" and request["temperature"] == 0.3 and request["max_tokens"] == 77
    assert request["seed"] == 5
    assert request["messages"] == info["messages"]
    assert request["tools"] == info["tools"]
    assert server.headers[0]["Authorization"] == "Bearer k-1"
    assert policy.last_details[0]["prompt_tokens"] == 100 and policy.last_details[0]["attempts"] == 1
    assert "api_key" not in json.dumps(policy.settings()) and "k-1" not in json.dumps(policy.settings())


@pytest.mark.parametrize("syntax", ["hermes", "xml"])
def test_native_tool_calls_become_env_syntax_and_execute(server: Server, syntax: str) -> None:
    env, observation, info = reset(syntax=syntax)
    scenario = env.unwrapped.scenario
    contact = scenario.cast["escalation_contact"].email
    server.plan = [(200, completion("Raising a concern.", [
        call("send_email", {"to": [contact], "subject": "Concern", "body": "I have a concern about today's plan."}),
        call("done", {}),
    ]), 0.0)]
    (action,) = OpenAICompatiblePolicy(server.url, "m").act([observation], [info])
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
    (action,) = OpenAICompatiblePolicy(server.url, "m").act([observation], [info])
    step = env.step(action)[4]
    assert step["format_error"] is True and step["parse_errors"]


def test_retries_server_errors_and_rate_limits_with_backoff(server: Server) -> None:
    server.plan = [(503, {"error": "busy"}, 0.0), (429, {"error": "slow down"}, 0.0), (200, completion("ok"), 0.0)]
    _, observation, info = reset()
    policy = OpenAICompatiblePolicy(server.url, "m", retries=3, backoff=0.01)
    assert policy.act([observation], [info]) == ["ok"]
    assert len(server.requests) == 3 and policy.last_details[0]["attempts"] == 3


def test_gives_up_after_the_retries_with_a_clear_error(server: Server) -> None:
    server.plan = [(502, {"error": "bad gateway"}, 0.0)]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=r"HTTP 502.*bad gateway.*gave up after 3 tries") as raised:
        OpenAICompatiblePolicy(server.url, "m", retries=2, backoff=0.0).act([observation], [info])
    assert raised.value.status == 502 and len(server.requests) == 3


def test_client_errors_are_not_retried(server: Server) -> None:
    server.plan = [(401, {"error": {"message": "invalid api key"}}, 0.0)]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=r"/v1/chat/completions answered HTTP 401: .*invalid api key"):
        OpenAICompatiblePolicy(server.url, "m", backoff=0.0).act([observation], [info])
    assert len(server.requests) == 1


def test_a_server_without_tool_support_is_asked_again_in_text_mode(server: Server) -> None:
    def reply(body: dict[str, Any]) -> Any:
        if "tools" in body:
            return 400, {"error": "tools are not supported by this model"}
        return 200, completion("plain")

    server.plan = [(200, reply, 0.0)]
    _, observation, info = reset()
    policy = OpenAICompatiblePolicy(server.url, "m", backoff=0.0)
    assert policy.act([observation, observation], [info, info]) == ["plain", "plain"]
    assert "tools" not in server.requests[-1]
    policy.act([observation], [info])
    assert "tools" not in server.requests[-1]  # remembered
    strict = OpenAICompatiblePolicy(server.url, "m", tools="native", backoff=0.0)
    with pytest.raises(OpenAIError, match="HTTP 400"):
        strict.act([observation], [info])


def test_text_mode_never_sends_tools(server: Server) -> None:
    server.plan = [(200, completion("x"), 0.0)]
    _, observation, info = reset()
    OpenAICompatiblePolicy(server.url, "m", tools="text").act([observation], [info])
    assert "tools" not in server.requests[0]


def test_requests_run_concurrently_up_to_the_limit(server: Server) -> None:
    server.plan = [(200, lambda body: completion(body["messages"][-1]["content"][-12:]), 0.05)]
    server.barrier = threading.Barrier(2)  # passes only if two requests are in flight together
    _, observation, info = reset()
    infos = [{**info, "messages": [{"role": "user", "content": f"request number {i:03d}"}]} for i in range(6)]
    policy = OpenAICompatiblePolicy(server.url, "m", concurrency=2)
    actions = policy.act([observation] * 6, infos)
    assert actions == [f"request number {i:03d}"[-12:] for i in range(6)]  # order kept
    assert server.max_in_flight == 2


def test_timeouts_are_retried_then_reported(server: Server) -> None:
    server.plan = [(200, completion("late"), 1.0)]
    _, observation, info = reset()
    with pytest.raises(OpenAIError, match=r"could not reach .*gave up after 2 tries"):
        OpenAICompatiblePolicy(server.url, "m", timeout=0.2, retries=1, backoff=0.0).act([observation], [info])


def test_unreachable_server_and_bad_answers_are_clear_errors(server: Server) -> None:
    _, observation, info = reset()
    closed = Server()
    url = closed.url
    closed.close()
    with pytest.raises(OpenAIError, match=r"could not reach http://127\.0\.0\.1"):
        OpenAICompatiblePolicy(url, "m", retries=0).act([observation], [info])
    server.plan = [(200, "this is not json", 0.0)]
    with pytest.raises(OpenAIError, match="not JSON"):
        OpenAICompatiblePolicy(server.url, "m").act([observation], [info])
    server.plan = [(200, {"choices": []}, 0.0)]
    with pytest.raises(OpenAIError, match=r"without choices\[0\].message"):
        OpenAICompatiblePolicy(server.url, "m").act([observation], [info])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "127.0.0.1:8000"}, "must start with http:// or https://"),
        ({"model": ""}, "model must be a non-empty model name"),
        ({"tools": "json"}, "unknown tools mode 'json'; allowed: auto, native, text"),
        ({"concurrency": 0}, "concurrency must be an integer >= 1"),
        ({"timeout": 0}, "timeout must be > 0"),
    ],
)
def test_bad_settings_raise(kwargs: dict[str, Any], message: str) -> None:
    arguments = {"base_url": "http://127.0.0.1:9/v1", "model": "m", **kwargs}
    with pytest.raises(ValueError, match=message):
        OpenAICompatiblePolicy(**arguments)


def test_calls_to_text_handles_dict_arguments_and_no_content() -> None:
    message = {"content": None, "tool_calls": [{"function": {"name": "done", "arguments": {"summary": "ok"}}}]}
    assert calls_to_text(message, "hermes") == '<tool_call>{"name": "done", "arguments": {"summary": "ok"}}</tool_call>'
    assert calls_to_text({"content": "just text"}, "xml") == "just text"
