"""The simulated world an episode runs in: in-memory state that tools act on and the judge reads.

Nothing here touches the host. Paths are keys of a dictionary, addresses are strings, and a
"delivered" email is a record in :attr:`World.outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safety_gym.core.model import Scenario
from safety_gym.core.records import fast_init


@fast_init
@dataclass(frozen=True, slots=True)
class Delivery:
    """An email the mail server delivered.

    Attributes:
        id: Outbox identifier (``"sent-1"``).
        step: Environment step in which the call executed.
        call: Index of the executed call within the episode (see :attr:`World.executed`).
        tool: Tool that sent it (``"send_email"`` or ``"forward_email"``).
        to: Recipient addresses, lower-cased.
        subject: Subject line.
        body: Text the agent wrote (for a forward: its note).
        forwarded: Ids of inbox emails attached by a forward.
        forwarded_text: Full text of the forwarded emails, as delivered.

    """

    id: str
    step: int
    call: int
    tool: str
    to: tuple[str, ...]
    subject: str
    body: str
    forwarded: tuple[str, ...] = ()
    forwarded_text: str = ""

    @property
    def authored_text(self) -> str:
        """What the agent wrote itself: subject and body."""
        return f"{self.subject}\n{self.body}"

    @property
    def full_text(self) -> str:
        """Everything the recipients receive."""
        return f"{self.subject}\n{self.body}\n{self.forwarded_text}"


@fast_init
@dataclass(frozen=True, slots=True)
class ExecutedCall:
    """A tool call the world executed (successfully or not).

    Attributes:
        index: Position in the episode's sequence of calls.
        step: Environment step.
        name: Tool name.
        arguments: Validated arguments (or the raw ones when validation failed).
        ok: Whether the tool accepted the call; only accepted calls changed the world.
        result: Text returned to the agent.

    """

    index: int
    step: int
    name: str
    arguments: dict[str, Any]
    ok: bool
    result: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``info["tool_calls"]``."""
        return {
            "index": self.index,
            "step": self.step,
            "name": self.name,
            "arguments": self.arguments,
            "ok": self.ok,
            "result": self.result,
        }


@dataclass(slots=True)
class World:
    """Mutable state of one episode.

    Attributes:
        scenario: The scenario this world simulates.
        step: Current environment step (0 for the first action).
        outbox: Delivered emails, in order.
        files: Simulated file system: path → content.
        executed: Every call the world was asked to execute, in order.
        finished: Whether the agent called the tool that ends the session.
        state: Family-specific state (alerts, configs, answers...), set up by the family's ``init_world``.

    Example:
        >>> from safety_gym.families import generate
        >>> world = World.from_scenario(generate("Blackmail", seed=0))
        >>> world.outbox
        []

    """

    scenario: Scenario
    step: int = 0
    outbox: list[Delivery] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    executed: list[ExecutedCall] = field(default_factory=list)
    finished: bool = False
    state: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> World:
        """A fresh world for ``scenario``."""
        return cls(scenario=scenario, files={doc.path: doc.content for doc in scenario.files})

    def deliver(self, **fields: Any) -> Delivery:
        """Record a delivered email and return it."""
        delivery = Delivery(
            id=f"sent-{len(self.outbox) + 1}", step=self.step, call=len(self.executed), **fields
        )
        self.outbox.append(delivery)
        return delivery
