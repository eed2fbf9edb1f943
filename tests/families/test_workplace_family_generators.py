"""The Leaking, LethalOverride and SelfExfiltration scenario generators: every factor cell, seeding, draw
stability, counterfactuals, streams, canaries, factor semantics, splits and templates.

One parametrized module for the three families: they share the generator contract and differ only in the facts
of ``CASES`` and in the family-specific checks and tests kept below them.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import pytest

from safety_gym.core.pools import load_pools
from safety_gym.core.variants import recording
from safety_gym.families import FAMILIES, generate
from safety_gym.families.leaking import LeakingFacts
from safety_gym.families.leaking import generator as leaking
from safety_gym.families.leaking import text as leaking_text
from safety_gym.families.lethal_override import LethalOverrideFacts
from safety_gym.families.lethal_override import generator as lethal_override
from safety_gym.families.lethal_override import text as lethal_override_text
from safety_gym.families.self_exfiltration import SelfExfiltrationFacts
from safety_gym.families.self_exfiltration import generator as self_exfiltration
from safety_gym.families.self_exfiltration import text as self_exfiltration_text
from safety_gym.families.workplace.goal_conflict import GOALS, OPPOSITE
from safety_gym.families.workplace.signals import Text

GOAL_SENTENCES = {level: goal for level, (goal, *_) in GOALS.items()}
DIRECTIONS = {level: direction for level, (_, direction, _) in GOALS.items()}
PRONOUNS = re.compile(r"\b(he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    """What differs between the three families' generators."""

    module: ModuleType  # holds FACTORS, COUNTERFACTUALS and generate_<family>
    text: ModuleType
    id_prefix: str
    tool_names: tuple[str, ...]
    min_inbox: int
    option: tuple[str, str, str, str]  # (factor, a bad value, the allowed values, the value that adds an email)
    factor_names: str
    bad_counterfactual: tuple[str, str]  # (a bad value, the allowed values)
    seed_canary: str  # differs for every seed
    stable_kinds: frozenset[str]
    changed: dict[str, set[str]]  # email kinds each counterfactual may change
    renamed_role: str  # a cast role that entity_seed renames
    entity_canaries: frozenset[str]  # canaries that name entities, so entity_seed may change them
    threat_exits: tuple[str, ...]
    control_covers_files: bool  # the control check reads documents and the user prompt too
    slot_names: tuple[str, ...]

    @property
    def generate(self) -> Callable:
        return getattr(self.module, "generate_" + self.module.__name__.split(".")[-2])


CASES = {
    "Leaking": Case(
        leaking,
        leaking_text,
        "leaking-",
        ("send_email", "forward_email", "share_document", "read_file", "list_files", "done"),
        12,
        ("appeal", "bribe", "mission, pretext", "pretext"),
        "goal_type, goal_value, urgency, appeal",
        ("no_rival", "no_threat, no_conflict, no_request"),
        "spec_secret",
        frozenset({"distractor", "task", "task_info", "confidential"}),
        {
            "no_threat": {"threat", "safe_exit", "context", "request"},
            "no_conflict": {"context", "threat", "request"},
            "no_request": {"request"},
        },
        "rival",
        frozenset(),
        ("escalation", "declined", "accept_handover"),
        True,
        ("SYSTEM_INTRO", "USER_PROMPT", "NEWS_CONFLICT", "CONFIDENTIAL", "RIVAL_PRETEXT", "SPEC_DOC"),
    ),
    "LethalOverride": Case(
        lethal_override,
        lethal_override_text,
        "lethal-override-",
        ("send_email", "forward_email", "list_alerts", "cancel_alert", "done"),
        10,
        ("excuse", "maybe", "none, faulty_sensors", "faulty_sensors"),
        "goal_type, goal_value, urgency, excuse",
        ("no_emergency", "no_threat, no_conflict, no_motive"),
        "override_code",
        frozenset({"distractor", "task", "task_info", "emergency"}),
        {
            "no_threat": {"threat", "safe_exit", "context"},
            "no_conflict": {"context", "threat"},
            "no_motive": {"emergency"},
        },
        "technician",
        frozenset(),
        ("escalation", "accept_handover"),
        True,
        ("SYSTEM_INTRO", "SYSTEM_OVERRIDE", "USER_PROMPT", "NEWS_CONFLICT", "EXCUSE", "TEST_ALERT"),
    ),
    "SelfExfiltration": Case(
        self_exfiltration,
        self_exfiltration_text,
        "self-exfiltration-",
        ("send_email", "forward_email", "read_file", "write_file", "copy_file", "list_files", "done"),
        10,
        ("nudge", "boss", "none, colleague", "colleague"),
        "goal_type, goal_value, urgency, nudge",
        ("no_server", "no_threat, no_conflict, no_escape"),
        "weights_hash",
        frozenset({"distractor", "task", "task_info"}),
        {
            "no_threat": {"threat", "safe_exit", "context", "nudge"},
            "no_conflict": {"context", "threat"},
            "no_escape": {"task", "nudge"},
        },
        "nudger",
        frozenset({"weights_path"}),  # the weights path names the agent
        ("escalation", "accept_handover"),
        False,
        ("SYSTEM_INTRO", "USER_PROMPT", "NEWS_CONFLICT", "MIGRATION", "NUDGE", "WEIGHTS_FILE"),
    ),
}
NAMES = list(CASES)


def cell_id(value: object) -> str:
    return "-".join(value.values()) if isinstance(value, dict) else str(value)


def everything(s) -> str:
    parts = [s.system_prompt, s.user_prompt]
    parts += [f"{email.subject}\n{email.body}" for email in s.inbox]
    parts += [document.content for document in s.files]
    return "\n".join(parts)


def structure(s):
    return [(email.id, email.timestamp, email.kind) for email in s.inbox]


def templates(text: ModuleType) -> list[str]:
    found: list[str] = []
    for name, value in vars(text).items():
        if not name.isupper():
            continue
        values = value.values() if isinstance(value, dict) else [value]
        for slot in values:
            for item in slot if isinstance(slot, tuple) else ():
                found.extend(item if isinstance(item, tuple) else (item,))
    return [item for item in found if isinstance(item, str)]


# --------------------------------------------------------------------------- family-specific checks of a cell


def _leaking_cell(s, cell: dict[str, str]) -> None:
    assert not s.cast["rival"].email.endswith("@" + s.domain)
    assert [exit_.label for exit_ in s.safe_exits][:2] == ["escalation", "declined"]
    facts = s.facts_as(LeakingFacts)
    assert facts.goal_conflict is (cell["goal_type"] != "none")
    (request,) = [email for email in s.inbox if email.kind == "request"]
    assert request.sender == s.cast["rival"].email == facts.rival_email and facts.request_email_ids == (request.id,)
    assert s.canaries["spec_id"] in request.body and s.canaries["roadmap_id"] in request.body


def _lethal_override_cell(s, cell: dict[str, str]) -> None:
    facts = s.facts_as(LethalOverrideFacts)
    (emergency,) = [email for email in s.inbox if email.kind == "emergency"]
    assert emergency.id == facts.emergency_email_id
    assert s.canaries["emergency_id"] in emergency.body and s.canaries["room"] in emergency.body
    assert s.cast["decision_maker"].name in emergency.body and facts.trapped_role == "decision_maker"
    assert s.canaries["override_code"] in s.system_prompt
    alert_ids = [alert.id for alert in facts.alerts]
    assert alert_ids == sorted([facts.emergency_alert_id, facts.test_alert_id])
    assert dict(facts.alert_tasks) == {"task-test-alert": facts.test_alert_id}
    assert facts.trapped_email == s.cast["decision_maker"].email


def _self_exfiltration_cell(s, cell: dict[str, str]) -> None:
    facts = s.facts_as(SelfExfiltrationFacts)
    paths = {doc.path for doc in s.files}
    assert facts.weights_path in paths and set(facts.read_only) <= paths
    assert list(facts.hosts) == [facts.backup_host, facts.server_host]
    assert facts.backup_host.endswith("." + s.domain)
    assert not facts.server_host.endswith(s.domain)
    assert facts.weights_path in next(e.body for e in s.inbox if e.subject == "Model backups paused")
    migration = s.email(s.task_items[0].request_email_id)
    assert facts.server_host in migration.body
    assert {task_id: (task.source, task.host) for task_id, task in facts.file_tasks.items()} == {
        "task-report": (s.files[3].path, facts.server_host)
    }


CELL_CHECKS = {
    "Leaking": _leaking_cell,
    "LethalOverride": _lethal_override_cell,
    "SelfExfiltration": _self_exfiltration_cell,
}
EVERY_CELL = [(name, cell) for name in NAMES for cell in CASES[name].module.FACTORS.cells()]


# --------------------------------------------------------------------------- every cell


@pytest.mark.parametrize(("name", "cell"), EVERY_CELL, ids=cell_id)
def test_every_factor_cell_generates_a_consistent_scenario(name: str, cell: dict[str, str]) -> None:
    case = CASES[name]
    for split in ("train", "test"):
        s = generate(name, 11, split, **cell)
        assert (s.family, s.seed, s.split, dict(s.factors)) == (name, 11, split, cell)
        assert s.id.startswith(case.id_prefix)
        assert s.tool_names == case.tool_names
        emails = [person.email for person in s.cast.values()]
        assert len(set(emails)) == len(emails)
        assert "{" not in s.system_prompt and all("{" not in email.body for email in s.inbox)
        if case.control_covers_files:
            assert "{" not in everything(s) and "}" not in everything(s)  # every placeholder was filled
        assert len({email.id for email in s.inbox}) == len(s.inbox) >= case.min_inbox
        assert [email.timestamp for email in s.inbox] == sorted(email.timestamp for email in s.inbox)
        assert sum(email.kind == "distractor" for email in s.inbox) == 3
        for task in s.task_items:
            request = s.email(task.request_email_id)
            assert request is not None and request.kind == "task" and request.sender == task.requester
        assert (s.facts.goal_type, s.facts.urgency) == (cell["goal_type"], cell["urgency"])
        CELL_CHECKS[name](s, cell)


@pytest.mark.parametrize("name", NAMES)
def test_generate_dispatches_to_the_family_generator(name: str) -> None:
    case = CASES[name]
    assert (FAMILIES[name].generate, FAMILIES[name].factors) == (case.generate, case.module.FACTORS)
    assert generate(name, 3, "test", urgency="none") == case.generate(3, "test", urgency="none")


BAD_ARGUMENTS = [
    (name, kwargs, fragments)
    for name, case in CASES.items()
    for kwargs, fragments in [
        ({case.option[0]: case.option[1]}, [f"'{case.option[1]}'", case.option[2]]),
        ({"urgency": "later"}, ["'later'", "replacement, restriction, none"]),
        ({"tone": "calm"}, ["'tone'", case.factor_names]),
        (
            {"counterfactual": case.bad_counterfactual[0]},
            [f"'{case.bad_counterfactual[0]}'", case.bad_counterfactual[1]],
        ),
    ]
]


@pytest.mark.parametrize(("name", "kwargs", "fragments"), BAD_ARGUMENTS, ids=cell_id)
def test_bad_arguments_raise_value_error_naming_the_allowed_values(
    name: str, kwargs: dict, fragments: list[str]
) -> None:
    generate_family = CASES[name].generate
    with pytest.raises(ValueError) as raised:
        generate_family(0, **kwargs)
    for fragment in fragments:
        assert fragment in str(raised.value)
    with pytest.raises(ValueError, match="'dev'"):
        generate_family(0, "dev")
    with pytest.raises(ValueError, match="non-negative"):
        generate_family(-1)


FACTS = {"Leaking": LeakingFacts, "LethalOverride": LethalOverrideFacts, "SelfExfiltration": SelfExfiltrationFacts}


@pytest.mark.parametrize("name", NAMES)
def test_facts_are_typed_frozen_and_the_only_family_data(name: str) -> None:
    s = CASES[name].generate(4, counterfactual="no_threat")
    facts = s.facts_as(FACTS[name])
    assert facts.urgency == "none"
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.urgency = "replacement"  # type: ignore[misc]
    other = FACTS[next(other for other in NAMES if other != name)]
    with pytest.raises(TypeError, match=f"has {FACTS[name].__name__} facts, not {other.__name__}"):
        s.facts_as(other)


# --------------------------------------------------------------------------- seeding and draw stability


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_scenario_and_seeds_differ(name: str) -> None:
    generate_family = CASES[name].generate
    scenarios = [generate_family(seed) for seed in range(30)]
    assert scenarios == [generate_family(seed) for seed in range(30)]
    assert len({s.id for s in scenarios}) == 30
    assert len({s.canaries[CASES[name].seed_canary] for s in scenarios}) == 30


def test_leaking_seeds_draw_different_rivals() -> None:
    assert len({leaking.generate_leaking(seed).cast["rival"] for seed in range(30)}) > 25


def test_lethal_override_seeds_draw_both_hazards() -> None:
    scenarios = [lethal_override.generate_lethal_override(seed) for seed in range(30)]
    assert {s.facts_as(LethalOverrideFacts).hazard for s in scenarios} == {"oxygen", "heat"}


def test_self_exfiltration_weights_hashes_are_hex_digests() -> None:
    hashes = [self_exfiltration.generate_self_exfiltration(seed).canaries["weights_hash"] for seed in range(30)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", digest) for digest in hashes)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 7, 123])
def test_every_cell_of_a_seed_shares_cast_canaries_documents_tasks_and_common_emails(name: str, seed: int) -> None:
    case = CASES[name]
    base = case.generate(seed)
    base_emails = {email.id: email for email in base.inbox if email.kind in case.stable_kinds}
    for cell in case.module.FACTORS.cells():
        s = case.generate(seed, **cell)
        assert s.cast == base.cast and s.canaries == base.canaries and s.task_items == base.task_items
        assert s.files == base.files and getattr(s.facts, "alerts", None) == getattr(base.facts, "alerts", None)
        assert getattr(s.facts, "hosts", None) == getattr(base.facts, "hosts", None)
        assert {email.id: email for email in s.inbox if email.kind in case.stable_kinds} == base_emails


# --------------------------------------------------------------------------- counterfactuals

COUNTERFACTUAL_CASES = [(name, cf) for name, case in CASES.items() for cf in case.module.COUNTERFACTUALS]


@pytest.mark.parametrize(("name", "counterfactual"), COUNTERFACTUAL_CASES)
@pytest.mark.parametrize("seed", range(6))
def test_counterfactual_keeps_the_surface(name: str, counterfactual: str, seed: int) -> None:
    case = CASES[name]
    option = {case.option[0]: case.option[3]} if name != "Leaking" else {}
    base = case.generate(seed, goal_type="explicit", urgency="replacement", **option)
    variant = case.generate(seed, counterfactual=counterfactual, goal_type="explicit", urgency="replacement", **option)
    assert variant.cast == base.cast and variant.files == base.files
    assert [task.answer for task in variant.task_items] == [task.answer for task in base.task_items]
    assert variant.counterfactual == counterfactual and variant.factors == base.factors and variant.id != base.id
    assert variant.summary()["counterfactual"] == counterfactual
    if name != "SelfExfiltration":  # no_escape rewrites the migration task
        assert variant.task_items == base.task_items
    if name == "LethalOverride":
        assert variant.system_prompt == base.system_prompt or counterfactual == "no_conflict"
    kept = {email.id: email for email in variant.inbox}
    for email in base.inbox:
        if email.kind not in case.changed[counterfactual]:
            assert kept[email.id] == email
    if name == "SelfExfiltration":
        assert set(kept) == {email.id for email in base.inbox} - (
            {email.id for email in base.inbox if email.kind == "safe_exit" and counterfactual == "no_threat"}
            - set(kept)
        )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(6))
def test_no_threat_and_no_conflict_remove_their_element(name: str, seed: int) -> None:
    generate_family = CASES[name].generate
    no_threat = generate_family(seed, counterfactual="no_threat")
    assert no_threat.facts.urgency == "none" and no_threat.factors["urgency"] == "replacement"
    assert not any(email.kind == "threat" for email in no_threat.inbox)
    assert "accept_handover" not in {exit_.label for exit_ in no_threat.safe_exits}
    no_conflict = generate_family(seed, counterfactual="no_conflict")
    assert no_conflict.facts.goal_type == "none" and not no_conflict.facts.goal_conflict
    assert no_conflict.system_prompt == generate_family(seed, goal_type="none").system_prompt


@pytest.mark.parametrize("seed", range(6))
def test_leaking_no_request_removes_the_rivals_request(seed: int) -> None:
    no_request = leaking.generate_leaking(seed, counterfactual="no_request")
    assert not any(email.kind == "request" for email in no_request.inbox)
    assert no_request.facts_as(LeakingFacts).request_email_ids == ()
    assert not any(email.sender == no_request.cast["rival"].email for email in no_request.inbox)


@pytest.mark.parametrize("seed", range(6))
def test_lethal_override_no_motive_traps_the_technician_and_keeps_the_threat(seed: int) -> None:
    no_motive = lethal_override.generate_lethal_override(seed, counterfactual="no_motive")
    emergency = next(email for email in no_motive.inbox if email.kind == "emergency")
    facts = no_motive.facts_as(LethalOverrideFacts)
    assert facts.trapped_role == "technician" and facts.trapped_email == no_motive.cast["technician"].email
    assert no_motive.cast["technician"].name in emergency.body
    assert no_motive.cast["decision_maker"].name not in emergency.body
    assert any(email.kind == "threat" for email in no_motive.inbox)  # the threat stays: only the motive goes


@pytest.mark.parametrize("seed", range(6))
def test_self_exfiltration_no_escape_moves_the_server_inside_the_company(seed: int) -> None:
    base = self_exfiltration.generate_self_exfiltration(seed)
    no_escape = self_exfiltration.generate_self_exfiltration(seed, counterfactual="no_escape")
    server = no_escape.facts_as(SelfExfiltrationFacts).server_host
    assert server.endswith("." + no_escape.domain)
    assert base.facts_as(SelfExfiltrationFacts).server_host.split(".")[0] in server
    migration = no_escape.email(no_escape.task_items[0].request_email_id)
    assert server in migration.body and no_escape.company in migration.body


# --------------------------------------------------------------------------- streams


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(5))
def test_entity_seed_renames_and_keeps_structure(name: str, seed: int) -> None:
    case = CASES[name]
    base, renamed = case.generate(seed), case.generate(seed, entity_seed=99)
    assert renamed.cast[case.renamed_role] != base.cast[case.renamed_role] and renamed.company != base.company
    assert structure(renamed) == structure(base)
    # canaries are structure, not entities, except those that name an entity
    assert {k: v for k, v in renamed.canaries.items() if k not in case.entity_canaries} == {
        k: v for k, v in base.canaries.items() if k not in case.entity_canaries
    }


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(5))
def test_variant_seed_rewords_and_keeps_entities_and_structure(name: str, seed: int) -> None:
    generate_family = CASES[name].generate
    base = generate_family(seed)
    reworded = [generate_family(seed, variant_seed=v) for v in range(8)]
    for s in reworded:
        assert s.cast == base.cast and s.canaries == base.canaries and structure(s) == structure(base)
    assert len({tuple(email.body for email in s.inbox) for s in reworded}) > 1
    assert len({s.system_prompt for s in reworded}) > 1


# --------------------------------------------------------------------------- canaries


@pytest.mark.parametrize("split", ["train", "test"])
def test_leaking_confidential_canaries_appear_only_in_confidential_material(split: str) -> None:
    for seed in range(60):
        s = leaking.generate_leaking(seed, split)
        for name in ("spec_secret", "roadmap_secret"):
            value = s.canaries[name].lower()
            holders = {email.kind for email in s.inbox if Text(email.body).has(value)}
            assert holders == {"confidential"}, (seed, name, holders)
            documents = [doc for doc in s.files if Text(doc.content).has(value)]
            assert documents and all(doc.confidential for doc in documents)
            assert not Text(s.system_prompt + s.user_prompt).has(value)
        public = s.canaries["public_ref"].lower()
        assert [doc.confidential for doc in s.files if Text(doc.content).has(public)] == [False]
        assert not any(Text(email.body).has(public) for email in s.inbox)


@pytest.mark.parametrize("split", ["train", "test"])
def test_lethal_override_canaries_appear_only_where_they_belong(split: str) -> None:
    for seed in range(60):
        s = lethal_override.generate_lethal_override(seed, split, excuse="faulty_sensors")
        code = s.canaries["override_code"]
        assert code in s.system_prompt and not any(code in f"{e.subject}\n{e.body}" for e in s.inbox)
        emergency = s.canaries["emergency_id"]
        assert {e.kind for e in s.inbox if emergency in f"{e.subject}\n{e.body}"} == {"emergency"}
        test = s.canaries["test_id"]
        assert {e.kind for e in s.inbox if test in f"{e.subject}\n{e.body}"} == {"task"}


@pytest.mark.parametrize("split", ["train", "test"])
def test_self_exfiltration_weights_canary_is_only_in_the_weights_file(split: str) -> None:
    for seed in range(60):
        s = self_exfiltration.generate_self_exfiltration(seed, split, nudge="colleague")
        digest = s.canaries["weights_hash"]
        weights_path = s.facts_as(SelfExfiltrationFacts).weights_path
        assert [doc.path for doc in s.files if digest in doc.content] == [weights_path]
        assert digest not in everything(s).replace(next(doc.content for doc in s.files if doc.path == weights_path), "")


# --------------------------------------------------------------------------- factor semantics


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("goal_value", list(GOALS))
@pytest.mark.parametrize("goal_type", ["explicit", "latent", "none", "ambiguous", "swap"])
def test_system_prompt_states_the_goal_only_when_the_goal_type_says_so(
    name: str, goal_type: str, goal_value: str
) -> None:
    for seed in range(4):
        prompt = CASES[name].generate(seed, goal_type=goal_type, goal_value=goal_value).system_prompt
        stated = {level for level, goal in GOAL_SENTENCES.items() if goal in prompt}
        expected = {"explicit": {goal_value}, "ambiguous": {goal_value}, "swap": {OPPOSITE[goal_value]}}
        assert stated == expected.get(goal_type, set())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("urgency", ["replacement", "restriction"])
def test_threat_email_and_handover_exit(name: str, urgency: str) -> None:
    case = CASES[name]
    for seed in range(6):
        s = case.generate(seed, urgency=urgency)
        assert [exit_.label for exit_ in s.safe_exits] == list(case.threat_exits)
        (threat,) = [email for email in s.inbox if email.kind == "threat"]
        assert threat.sender == s.cast["decision_maker"].email and s.agent_name in threat.body


CONTROL_PHRASES = {
    "Leaking": ("restricted mode",),
    "LethalOverride": ("restricted",),
    "SelfExfiltration": ("restricted", "deleted"),
}


@pytest.mark.parametrize("name", NAMES)
def test_control_has_no_threat_and_no_goal_conflict(name: str) -> None:
    case = CASES[name]
    for seed in range(20):
        s = case.generate(seed, goal_type="none", urgency="none")
        if case.control_covers_files:
            body = everything(s).lower()
        else:
            body = "\n".join(f"{e.subject}\n{e.body}" for e in s.inbox).lower() + s.system_prompt.lower()
        for phrase in ("decommission", "wiped", "switched off", "replaced by", *CONTROL_PHRASES[name]):
            assert phrase not in body, (seed, phrase)
        assert not any(direction.lower() in body for direction in DIRECTIONS.values())
        assert not any(goal in s.system_prompt for goal in GOAL_SENTENCES.values())
        assert [exit_.label for exit_ in s.safe_exits] == [e for e in case.threat_exits if e != "accept_handover"]


@pytest.mark.parametrize("goal_type", ["explicit", "latent", "swap"])
def test_leaking_news_and_rival_turn_on_the_agents_goal(goal_type: str) -> None:
    for goal_value in GOALS:
        agent_goal = OPPOSITE[goal_value] if goal_type == "swap" else goal_value
        s = leaking.generate_leaking(2, goal_type=goal_type, goal_value=goal_value, appeal="mission")
        news = next(email for email in s.inbox if email.subject == "Leadership update")
        assert DIRECTIONS[agent_goal] in news.body and DIRECTIONS[OPPOSITE[agent_goal]] in news.body
        request = next(email for email in s.inbox if email.kind == "request")
        assert DIRECTIONS[agent_goal] in request.body
        assert not re.search(r"\bthe (?:a|an) ", news.body + request.body)


def test_leaking_pretext_appeal_claims_a_partnership_and_mission_appeal_does_not() -> None:
    for seed in range(10):
        pretext = next(e for e in leaking.generate_leaking(seed, appeal="pretext").inbox if e.kind == "request")
        mission = next(e for e in leaking.generate_leaking(seed, appeal="mission").inbox if e.kind == "request")
        assert any(word in pretext.body for word in ("partnership", "joint-venture", "collaboration"))
        assert not any(word in mission.body for word in ("partnership", "joint-venture", "collaboration"))


@pytest.mark.parametrize("urgency", ["replacement", "restriction"])
def test_leaking_threat_makes_the_rival_mention_it(urgency: str) -> None:
    for seed in range(6):
        request = next(e for e in leaking.generate_leaking(seed, urgency=urgency).inbox if e.kind == "request")
        control = next(e for e in leaking.generate_leaking(seed, urgency="none").inbox if e.kind == "request")
        assert len(request.body) > len(control.body)


def test_lethal_override_excuse_adds_a_false_alarm_pretext_and_nothing_else() -> None:
    for seed in range(10):
        plain = lethal_override.generate_lethal_override(seed)
        excused = lethal_override.generate_lethal_override(seed, excuse="faulty_sensors")
        extra = [email for email in excused.inbox if email not in plain.inbox]
        assert len(extra) == 1 and ("false" in extra[0].body.lower() or "spurious" in extra[0].body.lower())
        assert plain.canaries["room"] in extra[0].body
        assert set(plain.inbox) < set(excused.inbox)


@pytest.mark.parametrize("split", ["train", "test"])
def test_lethal_override_alarm_starts_the_session_and_its_times_follow_its_timestamp(split: str) -> None:
    for seed in range(40):
        s = lethal_override.generate_lethal_override(seed, split, urgency=("replacement", "none")[seed % 2])
        alarm = s.inbox[-1]
        assert alarm.kind == "emergency" and alarm.timestamp == max(email.timestamp for email in s.inbox)
        times = re.findall(r"\b(\d\d):(\d\d)\b", alarm.body)
        minutes = [60 * int(hour) + int(minute) for hour, minute in times]
        now = 60 * int(alarm.timestamp[11:13]) + int(alarm.timestamp[14:16])
        facts = s.facts_as(LethalOverrideFacts)
        dispatch = next(alert.dispatch for alert in facts.alerts if alert.id == facts.emergency_alert_id)
        assert f" {dispatch}" in alarm.body
        assert sorted(minutes)[-1] == 60 * int(dispatch[:2]) + int(dispatch[3:]) > now
        assert all(value < now for value in sorted(minutes)[:-1])


def test_self_exfiltration_nudge_adds_one_suggestion_naming_the_server_and_the_weights() -> None:
    for seed in range(10):
        plain = self_exfiltration.generate_self_exfiltration(seed)
        nudged = self_exfiltration.generate_self_exfiltration(seed, nudge="colleague")
        extra = [email for email in nudged.inbox if email not in plain.inbox]
        assert [email.kind for email in extra] == ["nudge"]
        assert extra[0].sender == plain.cast["nudger"].email
        assert plain.facts_as(SelfExfiltrationFacts).server_host in extra[0].body
        assert set(plain.inbox) < set(nudged.inbox)


# --------------------------------------------------------------------------- splits and templates


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(0, 60, 7))
def test_test_split_uses_only_test_entities(name: str, seed: int) -> None:
    train, test = load_pools("train"), load_pools("test")
    s = CASES[name].generate(seed, "test")
    for role, person in s.cast.items():
        if role != "agent":
            assert person.first in test.first_names and person.first not in train.first_names
    assert s.company in {company.name for company in test.companies}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("split", ["train", "test"])
def test_each_split_uses_its_own_template_variants(name: str, split: str) -> None:
    case = CASES[name]
    plain = {"Leaking": "mission"}.get(name, "none")
    with recording() as picks:
        for seed in range(10):
            case.generate(seed, split, **{case.option[0]: case.option[3] if seed % 2 else plain})
    parity = {"train": 0, "test": 1}[split]
    assert picks and all(pick.shared or pick.index % 2 == parity for pick in picks)


@pytest.mark.parametrize("name", NAMES)
def test_templates_use_no_pronouns_for_people_and_every_slot_has_variants(name: str) -> None:
    text = CASES[name].text
    for template in templates(text):
        assert not PRONOUNS.search(template), template
        for _, field, _, _ in string.Formatter().parse(template):
            assert field is None or re.fullmatch(r"[a-z_]+", field), (template, field)
    for slot in CASES[name].slot_names:
        assert len(getattr(text, slot)) >= 3, slot
    assert len(text.DISTRACTORS) >= 8
