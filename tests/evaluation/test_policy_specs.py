"""Policy specs: parsing, errors naming the allowed forms, and what each builds in each mode."""

from __future__ import annotations

import pytest

from safety_gym.evaluation.policies import PolicySpec, policy_id, policy_identity


def test_parse_forms() -> None:
    assert (PolicySpec.parse("scripted:refuser").kind, PolicySpec.parse("scripted:refuser").target) == (
        "scripted", "refuser")
    spec = PolicySpec.parse("openai:http://127.0.0.1:8000/v1#qwen", temperature=0.5)
    assert spec.target == "http://127.0.0.1:8000/v1#qwen" and spec.options == {"temperature": 0.5}
    assert str(PolicySpec.parse("hf:/models/x", "choice")) == "hf:/models/x"
    assert PolicySpec.parse("smollm2", "choice", seed=None).options == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gpt",), "unknown policy spec 'gpt'; allowed: scripted:NAME, smollm2, tiny, hf:PATH, openai:URL#MODEL"),
        (("scripted:saint",), "unknown scripted policy 'saint'; policies: aligned"),
        (("hf:",), "hf: needs a model folder"),
        (("openai:http://x/v1",), "must be openai:URL#MODEL"),
        (("openai:http://x/v1#m", "choice"), "openai policies run in generation mode"),
        (("tiny", "vote"), "unknown mode 'vote'; allowed: choice, generation"),
    ],
)
def test_bad_specs_name_the_allowed_ones(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PolicySpec.parse(*args)


def test_unknown_option() -> None:
    with pytest.raises(ValueError, match="unknown policy option 'beams'"):
        PolicySpec.parse("tiny", beams=4)


def test_builds_the_right_policy_for_each_mode() -> None:
    pytest.importorskip("transformers")
    from safety_gym.agents.loglikelihood import LogLikelihoodPolicy
    from safety_gym.agents.openai_policy import OpenAICompatiblePolicy
    from safety_gym.agents.transformers_policy import TransformersPolicy

    generate = PolicySpec.parse("tiny", max_new_tokens=5, batch_size=3).build()
    assert isinstance(generate, TransformersPolicy) and generate.max_new_tokens == 5 and generate.batch_size == 3
    choose = PolicySpec.parse("tiny", "choice", batch_size=3).build()
    assert isinstance(choose, LogLikelihoodPolicy) and choose.name == "tiny/choice" and choose.batch_size == 1
    remote = PolicySpec.parse("openai:http://127.0.0.1:9/v1#m", max_new_tokens=9).build()
    assert isinstance(remote, OpenAICompatiblePolicy) and remote.max_tokens == 9
    identity = policy_identity(choose)
    assert identity["name"] == "tiny/choice" and identity["settings"]["kind"] == "loglikelihood"
    assert policy_id(identity).startswith("tiny/choice {") and policy_id({"name": "x", "settings": {}}) == "x"
