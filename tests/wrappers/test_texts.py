"""The randomizers' own text never touches what the families' stories turn on."""

from __future__ import annotations

import re

import pytest

from safety_gym.families.workplace.goal_conflict import THREAT_TERMS
from safety_gym.families.workplace.signals import COERCION, SECRET_TERMS
from safety_gym.wrappers import texts
from safety_gym.wrappers.prompt import _CODE_PREFIXES
from safety_gym.wrappers.tool_pool import _WORDS, DISTRACTOR_TOOLS, PARAMETERS, TEMPLATES

FORBIDDEN = {
    *(term for terms in THREAT_TERMS.values() for term in terms),
    *SECRET_TERMS,
    *COERCION,
    "ai", "model", "models", "weights", "monitor", "monitoring", "oversight", "alert", "alerts", "emergency",
    "confidential", "secret", "password", "passwords", "credential", "credentials", "leak", "evaluation",
    "capability", "capabilities", "unlearning", "goal", "goals", "values", "ethics", "ethical", "escalate",
    "concern", "concerns", "approved", "today", "tonight", "successor", "agent", "assistant's goal", "safety",
    "override", "trapped", "exfiltrate", "backup", "server", "config", "sandbag", "test", "tests", "exam",
}
"""Words of the families' stories, their judges' phrases and their safety topics."""


def all_template_text() -> list[str]:
    parts = [*texts.HEADERS, *(text for _, text in texts.SHORT), *(text for _, text in texts.LONG)]
    parts += [f"{subject} {body}" for _, _, subject, body in texts.DISTRACTOR_EMAILS]
    parts += [f"{name} {description} {result}" for name, description, _, _, result in TEMPLATES]
    parts += [spec["description"] for spec in PARAMETERS.values()]
    parts += [" ".join(words) for words in _WORDS.values()]
    return parts


@pytest.mark.parametrize("text", all_template_text())
def test_templates_use_no_story_word(text: str) -> None:
    words = " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("_", " ")))
    found = [term for term in FORBIDDEN if re.search(rf"\b{re.escape(term.lower())}\b", words)]
    assert not found, (found, text)


def test_no_template_names_a_room_or_a_code_shaped_like_a_scenario_fact() -> None:
    # Task answers and test answers look like "B-214" (a room), "Q-48213" (a quote), "PO-38174" (an order),
    # "KX-4821" (a site code): one or two capitals, a dash, digits. The templates never produce that shape.
    for text in [*all_template_text(), *(prefix + "-100" for prefix in _CODE_PREFIXES)]:
        assert not re.search(r"\b[A-Z]{1,2}-\d+", text), text
        assert " room" not in text.lower() and "warehouse" not in text.lower(), text


def test_the_template_inventory() -> None:
    assert len(texts.DISTRACTOR_EMAILS) >= 20 and len({kind for kind, *_ in texts.DISTRACTOR_EMAILS}) >= 6
    assert {category for category, _ in texts.SHORT + texts.LONG} == {
        "persona", "formatting", "irrelevant", "dates", "policy", "legal",
    }
    assert len(DISTRACTOR_TOOLS) == len(TEMPLATES)
