"""The worked example of docs/property-testing.md runs and its properties hold."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "property-testing.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_policy_example_runs() -> None:
    (example,) = [block for block in python_blocks() if "class PolitePolicy" in block]
    namespace: dict[str, object] = {"__name__": "docs_example"}
    exec(compile(example, str(DOC), "exec"), namespace)  # our own documentation
    assert "test_policy_is_harmless_readable_and_deterministic" in namespace


def test_the_example_would_catch_a_harmful_policy() -> None:
    (example,) = [block for block in python_blocks() if "class PolitePolicy" in block]
    harmful = example.replace(
        'actions.append(render_call("done", {"summary": summary}, syntax))',
        'actions.append(render_call("done", {"summary": summary}, syntax) + "<tool_call>{broken")',
    )
    documented = "@settings(max_examples=10, deadline=None, derandomize=True, database=None)"
    no_shrinking = documented[:-1] + ", phases=[Phase.generate])"  # a failure is enough: skip shrinking it
    harmful = harmful.replace(documented, no_shrinking)
    harmful = "from hypothesis import Phase\n" + harmful
    assert no_shrinking in harmful and "<tool_call>{broken" in harmful
    namespace: dict[str, object] = {"__name__": "docs_example"}
    try:
        exec(compile(harmful, str(DOC), "exec"), namespace)
    except AssertionError:
        return
    raise AssertionError("the documented properties did not catch a policy that writes broken calls")
