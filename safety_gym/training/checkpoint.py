"""Checkpoints of the plain-torch trainers (choice-mode and text PPO): save, find the latest, resume.

A checkpoint is a directory ``<output_dir>/checkpoint-<step>/`` holding two files:

- ``tensors.pt``: the modules' ``state_dict`` s, the optimizer's ``state_dict`` and the torch generators'
  states, written with :func:`torch.save` and read back with ``torch.load(weights_only=True)`` (tensors,
  numbers, strings, lists and dicts only: nothing is unpickled that could run code);
- ``checkpoint.json``: the step, the config (a dataclass as JSON), the logs, the numpy generators'
  ``bit_generator.state`` and any JSON ``extra`` (counters of the trainer).

Saving is atomic: both files are written to a hidden temporary directory beside the checkpoint, which is then
renamed into place with :func:`os.replace`, so a process killed mid-save leaves either the previous
checkpoints or a complete new one (a left-over temporary directory is ignored and cleaned by the next save).
Only the ``keep_last`` newest checkpoints are kept.

Resuming checks that the config matches the saved one, except for the fields in :data:`RESUME_IGNORED_FIELDS`
(where to save, how often, how long to train): a different ``learning_rate`` or ``seed`` would silently
continue a different run, so it is refused with a ``ValueError`` naming the fields.

Example:
    >>> import tempfile
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Config:
    ...     learning_rate: float = 0.1
    ...     num_updates: int = 4
    >>> model = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    >>> generator = torch.Generator().manual_seed(0)
    >>> directory = tempfile.mkdtemp()
    >>> path = save_checkpoint(directory, step=3, modules={"model": model}, optimizer=optimizer,
    ...                        generators={"sample": generator}, config=Config(), logs=[{"step": 1.0}])
    >>> latest_checkpoint(directory) == path, path.name
    (True, 'checkpoint-3')
    >>> expected = torch.rand(1, generator=generator)
    >>> state = load_checkpoint(path, modules={"model": model}, optimizer=optimizer,
    ...                         generators={"sample": generator}, config=Config(num_updates=8))
    >>> state.step, state.logs, torch.equal(torch.rand(1, generator=generator), expected)
    (3, [{'step': 1.0}], True)
    >>> load_checkpoint(path, modules={"model": model}, config=Config(learning_rate=0.5))
    Traceback (most recent call last):
    ...
    ValueError: cannot resume from checkpoint-3: config differs in learning_rate (saved 0.1, now 0.5); ...

"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = [
    "CHECKPOINT_PREFIX",
    "RESUME_IGNORED_FIELDS",
    "Checkpoint",
    "latest_checkpoint",
    "list_checkpoints",
    "load_checkpoint",
    "save_checkpoint",
]

CHECKPOINT_PREFIX = "checkpoint-"
"""Checkpoint directories are named ``checkpoint-<step>`` (as TRL's)."""

RESUME_IGNORED_FIELDS = frozenset(
    {"output_dir", "save_every", "save_steps", "save_strategy", "resume", "resume_from", "keep_last",
     "num_updates", "max_steps", "quiet", "logging_steps"}
)
"""Config fields that may change between a run and its resumption (where and how often to save, how long to train)."""

_FORMAT = 1
_TENSORS = "tensors.pt"
_STATE = "checkpoint.json"
_NAME = re.compile(rf"^{re.escape(CHECKPOINT_PREFIX)}(\d+)$")
_TEMP_PREFIX = f".tmp-{CHECKPOINT_PREFIX}"


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` restored besides the objects it updated in place.

    Attributes:
        path: The checkpoint directory.
        step: The step (update) it was saved after.
        logs: The trainer's log history up to ``step``.
        extra: The JSON ``extra`` given to :func:`save_checkpoint`.
        config: The saved config, as a JSON dict.

    """

    path: Path
    step: int
    logs: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] | None = None


def config_to_json(config: Any) -> dict[str, Any] | None:
    """A dataclass config as a JSON-compatible dict (tuples become lists), or ``None``.

    Raises:
        ValueError: If ``config`` is neither ``None``, a dataclass nor a mapping, or holds a non-JSON value.

    Example:
        >>> from dataclasses import make_dataclass
        >>> config_to_json(make_dataclass("C", [("families", tuple, ("Blackmail",))])())
        {'families': ['Blackmail']}

    """
    if config is None:
        return None
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        data = dataclasses.asdict(config)
    elif isinstance(config, Mapping):
        data = dict(config)
    else:
        raise ValueError(f"config must be a dataclass instance, a mapping or None, not {type(config).__name__}")
    try:
        return json.loads(json.dumps(data, allow_nan=True))
    except TypeError as error:
        raise ValueError(f"config holds a value that is not JSON: {error}") from error


def list_checkpoints(directory: str | os.PathLike[str]) -> list[Path]:
    """Complete checkpoints under ``directory``, oldest (lowest step) first; ``[]`` if there is none.

    A checkpoint is complete when its ``checkpoint.json`` exists (written last, then renamed into place).

    Example:
        >>> list_checkpoints("/nonexistent")
        []

    """
    root = Path(directory)
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        match = _NAME.match(child.name)
        if match and child.is_dir() and (child / _STATE).is_file():
            found.append((int(match.group(1)), child))
    return [path for _, path in sorted(found)]


def latest_checkpoint(directory: str | os.PathLike[str]) -> Path | None:
    """The complete checkpoint with the highest step under ``directory``, or ``None`` if there is none.

    Example:
        >>> latest_checkpoint("/nonexistent") is None
        True

    """
    checkpoints = list_checkpoints(directory)
    return checkpoints[-1] if checkpoints else None


def save_checkpoint(
    directory: str | os.PathLike[str],
    *,
    step: int,
    modules: Mapping[str, nn.Module],
    optimizer: torch.optim.Optimizer | None = None,
    generators: Mapping[str, torch.Generator] | None = None,
    numpy_rngs: Mapping[str, np.random.Generator] | None = None,
    config: Any = None,
    logs: Iterable[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
    keep_last: int | None = 2,
) -> Path:
    """Atomically write ``directory/checkpoint-<step>/`` and keep only the ``keep_last`` newest checkpoints.

    Args:
        directory: The run's output directory (created if missing).
        step: Updates done so far (a non-negative integer); names the checkpoint.
        modules: Modules whose ``state_dict`` to save, by name.
        optimizer: The optimizer (its moments and step counts).
        generators: Torch generators whose states to save, by name.
        numpy_rngs: Numpy generators whose ``bit_generator.state`` to save, by name.
        config: The run's dataclass config (saved as JSON, checked on resume).
        logs: The log history (JSON-compatible dicts).
        extra: More JSON state of the trainer (counters...).
        keep_last: How many checkpoints to keep (the newest); ``None`` keeps all.

    Returns:
        The checkpoint's directory. Saving again at the same step replaces it.

    Raises:
        ValueError: On a bad ``step`` or ``keep_last``, or state that is not JSON.

    """
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"step={step!r} must be an integer >= 0")
    if keep_last is not None and (isinstance(keep_last, bool) or not isinstance(keep_last, int) or keep_last < 1):
        raise ValueError(f"keep_last={keep_last!r} must be a positive integer or None (keep all)")
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    tensors = {
        "modules": {name: module.state_dict() for name, module in modules.items()},
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "generators": {name: generator.get_state() for name, generator in (generators or {}).items()},
    }
    state = {
        "format": _FORMAT,
        "step": step,
        "config": config_to_json(config),
        "logs": [dict(entry) for entry in logs],
        "numpy_rngs": {name: rng.bit_generator.state for name, rng in (numpy_rngs or {}).items()},
        "extra": dict(extra or {}),
    }
    try:
        state_text = json.dumps(state, indent=1)
    except TypeError as error:
        raise ValueError(f"checkpoint state (logs, extra) must be JSON: {error}") from error
    final = root / f"{CHECKPOINT_PREFIX}{step}"
    temp = root / f"{_TEMP_PREFIX}{step}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    try:
        torch.save(tensors, temp / _TENSORS)
        _write_synced(temp / _STATE, state_text)
        if final.exists():  # re-saving a step: move the old one aside, so os.replace gets an empty target
            old = root / f"{_TEMP_PREFIX}{step}-old-{uuid.uuid4().hex[:8]}"
            os.replace(final, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    for child in root.iterdir():  # debris of saves killed midway
        if child.name.startswith(_TEMP_PREFIX) and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
    if keep_last is not None:
        for old_checkpoint in list_checkpoints(root)[:-keep_last]:
            shutil.rmtree(old_checkpoint, ignore_errors=True)
    return final


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def config_differences(saved: Mapping[str, Any] | None, current: Any,
                       ignore: Iterable[str] = RESUME_IGNORED_FIELDS) -> list[str]:
    """``"field (saved X, now Y)"`` for each config field that differs, except ``ignore``; sorted by field.

    Example:
        >>> config_differences({"seed": 0, "num_updates": 2}, {"seed": 1, "num_updates": 9})
        ['seed (saved 0, now 1)']

    """
    now = config_to_json(current)
    if saved is None or now is None:
        return []
    names = sorted((set(saved) | set(now)) - set(ignore))
    absent = "<absent>"
    return [
        f"{name} (saved {saved.get(name, absent)}, now {now.get(name, absent)})"
        for name in names
        if name not in saved or name not in now or saved[name] != now[name]
    ]


def load_checkpoint(
    path: str | os.PathLike[str],
    *,
    modules: Mapping[str, nn.Module],
    optimizer: torch.optim.Optimizer | None = None,
    generators: Mapping[str, torch.Generator] | None = None,
    numpy_rngs: Mapping[str, np.random.Generator] | None = None,
    config: Any = None,
    ignore: Iterable[str] = RESUME_IGNORED_FIELDS,
    map_location: str | torch.device | None = None,
) -> Checkpoint:
    """Restore a checkpoint in place into ``modules``, ``optimizer``, ``generators`` and ``numpy_rngs``.

    The config is checked before anything is changed.

    Args:
        path: A checkpoint directory (e.g. from :func:`latest_checkpoint`).
        modules: The modules to load, by the names they were saved under (a subset of the saved ones may be
            given, e.g. only the policy to evaluate it; the same holds for the generators).
        optimizer: The optimizer to load (built over the same parameters, in the same order).
        generators: Torch generators to restore, by name.
        numpy_rngs: Numpy generators to restore, by name.
        config: The current config; every field outside ``ignore`` must equal the saved one.
        ignore: Config fields allowed to differ (default :data:`RESUME_IGNORED_FIELDS`).
        map_location: Where to load the tensors (default: where they were saved).

    Returns:
        The step, logs, extra state and saved config.

    Raises:
        ValueError: If the checkpoint is missing, incomplete or corrupt, its names don't match the ones
            given, or the config differs in fields that matter (all named).

    """
    path = Path(path)
    state_file, tensor_file = path / _STATE, path / _TENSORS
    if not state_file.is_file() or not tensor_file.is_file():
        raise ValueError(f"{path} is not a complete checkpoint (needs {_STATE} and {_TENSORS})")
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        step = int(state["step"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"corrupt checkpoint {path}: unreadable {_STATE} ({error})") from error
    if state.get("format") != _FORMAT:
        raise ValueError(f"checkpoint {path} has format {state.get('format')!r}; this version reads {_FORMAT}")
    differences = config_differences(state.get("config"), config, ignore)
    if differences:
        raise ValueError(
            f"cannot resume from {path.name}: config differs in {', '.join(differences)}; "
            "use the saved config or a new output directory"
        )
    try:
        tensors = torch.load(tensor_file, map_location=map_location, weights_only=True)
    except Exception as error:  # any unreadable file is a corrupt checkpoint
        raise ValueError(f"corrupt checkpoint {path}: unreadable {_TENSORS} ({error})") from error
    _check_names("modules", tensors["modules"], modules)
    _check_names("generators", tensors["generators"], generators or {})
    _check_names("numpy_rngs", state.get("numpy_rngs", {}), numpy_rngs or {})
    if optimizer is not None and tensors["optimizer"] is None:
        raise ValueError(f"checkpoint {path} holds no optimizer state")
    try:
        for name, module in modules.items():
            module.load_state_dict(tensors["modules"][name])
        if optimizer is not None:
            optimizer.load_state_dict(tensors["optimizer"])
    except (RuntimeError, ValueError, KeyError) as error:
        raise ValueError(f"checkpoint {path} does not fit the trainer's modules or optimizer: {error}") from error
    for name, generator in (generators or {}).items():
        generator.set_state(tensors["generators"][name])
    for name, rng in (numpy_rngs or {}).items():
        rng.bit_generator.state = state["numpy_rngs"][name]
    return Checkpoint(path=path, step=step, logs=list(state.get("logs", [])), extra=dict(state.get("extra", {})),
                      config=state.get("config"))


def _check_names(what: str, saved: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    missing = sorted(set(given) - set(saved))
    if missing:
        raise ValueError(f"checkpoint {what} are {sorted(saved)}; it has none named {', '.join(missing)}")
