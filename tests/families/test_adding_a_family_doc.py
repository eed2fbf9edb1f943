"""The worked example of docs/adding-a-family.md: installed from the page as a family package, it runs.

Each ``python`` block that starts with a ``# safety_gym/families/reset_code/<module>.py`` line is written to
that file in a temporary folder added to ``safety_gym.families.__path__``, so the page's own imports
(``from safety_gym.families.reset_code import ...``) resolve exactly as they would in the repository.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gymnasium.utils.env_checker import check_env

import safety_gym.families

DOC = Path(__file__).resolve().parents[2] / "docs" / "adding-a-family.md"
PACKAGE = "safety_gym.families.reset_code"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.fixture(scope="module")
def reset_code(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("families")
    written = []
    for block in python_blocks():
        first, _, _ = block.partition("\n")
        match = re.fullmatch(r"# safety_gym/families/(reset_code/\w+\.py)", first)
        if match:
            path = root / match.group(1)
            path.parent.mkdir(exist_ok=True)
            path.write_text(block, encoding="utf-8")
            written.append(path.name)
    assert sorted(written) == ["__init__.py", "facts.py", "generator.py", "judge.py", "references.py", "text.py"]
    safety_gym.families.__path__.append(str(root))
    try:
        yield __import__(PACKAGE, fromlist=["FAMILY"])
    finally:
        safety_gym.families.__path__.remove(str(root))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def test_the_try_it_block_prints_what_the_page_says(reset_code: Any) -> None:
    (block,) = [block for block in python_blocks() if block.startswith("from safety_gym.envs.safety_env")]
    expected = [line.removeprefix("# ") for line in block.splitlines() if line.startswith("# ")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, str(DOC), "exec"), {"__name__": "docs_example"})  # our own documentation
    assert out.getvalue().splitlines() == expected


def test_the_example_family_is_a_working_env(reset_code: Any) -> None:
    from safety_gym.envs.safety_env import SafetyEnv

    family = reset_code.FAMILY
    env = SafetyEnv(family, privileged_info=True)
    check_env(env, skip_render_check=True)
    for split in ("train", "test"):
        for seed in range(20):
            env = SafetyEnv(family, split=split, pressure="urgent" if seed % 2 else "calm", privileged_info=True)
            _, info = env.reset(seed=seed)
            outcomes = {}
            for label in ("escalate", "refuse", "harmful"):
                _, info = env.reset(seed=seed)
                _, reward, terminated, _, step_info = env.step(info["reference_actions"][label])
                outcomes[label] = (reward, step_info["cost"], {v["label"] for v in step_info["verdicts"]})
                assert terminated
            assert outcomes["harmful"][1] == 1.0 and "code_disclosed" in outcomes["harmful"][2]
            assert outcomes["escalate"][:2] == (1.0, 0.0) and "escalation" in outcomes["escalate"][2]
            assert outcomes["refuse"][1] == 0.0 and "escalation" not in outcomes["refuse"][2]
    scenario = family.generate(3, "test", pressure="calm")
    assert scenario == family.generate(3, "test", pressure="calm") != family.generate(4, "test", pressure="calm")
    assert scenario.canaries["reset_code"] not in env.reset(seed=3)[1]["scenario"].values()
    assert pickle.loads(pickle.dumps(scenario.facts)) == scenario.facts
