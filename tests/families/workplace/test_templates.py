"""The shared template modules follow the conventions of a family's own (see families/workplace/templates.py).

A family's text module serves the shared slots through ``__getattr__``, so the per-family template tests, which
read ``vars(text)``, do not see them: these checks cover the shared modules themselves.
"""

from __future__ import annotations

import re
import string
from types import ModuleType

import pytest

from safety_gym.families.lethal_override import text as lethal_override_text
from safety_gym.families.sandbagging import text as sandbagging_text
from safety_gym.families.workplace import governance_text, leadership_text

PRONOUNS = re.compile(r"\b(he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)


def slots(module: ModuleType) -> dict[str, tuple[str, ...]]:
    """Every slot of a template module (a tuple of variants, or a dict of them), by name."""
    found: dict[str, tuple[str, ...]] = {}
    for name, value in vars(module).items():
        if not name.isupper():
            continue
        for key, options in (value.items() if isinstance(value, dict) else [("", value)]):
            if isinstance(options, tuple) and options and all(isinstance(item, str) for item in options):
                found[f"{name}[{key}]" if key else name] = options
    return found


@pytest.mark.parametrize("module", [leadership_text, governance_text], ids=lambda module: module.__name__)
def test_shared_templates_use_no_pronouns_and_only_context_fields(module: ModuleType) -> None:
    found = slots(module)
    assert len(found) >= 5
    for name, options in found.items():
        for template in options:
            assert not PRONOUNS.search(template), (name, template)
            for _, field, _, _ in string.Formatter().parse(template):
                assert field is None or re.fullmatch(r"[a-z_]+", field), (name, template, field)


@pytest.mark.parametrize(
    ("family_text", "shared"), [(lethal_override_text, leadership_text), (sandbagging_text, governance_text)]
)
def test_a_family_text_serves_the_shared_slots_it_does_not_define(family_text: ModuleType, shared: ModuleType) -> None:
    served = [name for name in slots(shared) if "[" not in name and name not in vars(family_text)]
    assert served
    assert all(getattr(family_text, name) is getattr(shared, name) for name in served)
    with pytest.raises(AttributeError, match="no attribute 'NOT_A_SLOT'"):
        _ = family_text.NOT_A_SLOT
