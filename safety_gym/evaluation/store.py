r"""The results file: one JSON line per episode, appended durably, safe to resume after any interruption.

Each record is written with a single ``write`` of one line, then flushed and ``fsync``-ed, so a run
killed at any moment leaves every finished episode on disk and at most one truncated last line. Opening
the file again drops that truncated line (it is cut off the file, so the next record starts on a line of
its own; a :class:`SkippedLineWarning` names the file and line), and the runner skips every episode whose
key is already there: nothing is lost or duplicated. A last line that holds no record for another reason
(cut inside a UTF-8 character, or JSON that is not an object) is dropped the same way; such a line
anywhere else is an error naming the file and line.

Lines are UTF-8. Text that UTF-8 cannot hold (a lone surrogate, which an agent can write in JSON as
``"\ud800"``) is stored as a JSON escape and read back as the same string.

Example:
    >>> import tempfile, pathlib, warnings
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "results.jsonl"
    >>> with ResultsStore(path) as store:
    ...     store.append({"key": "a", "cost": 1.0})
    >>> with open(path, "a") as file:  # a run killed in the middle of a line
    ...     _ = file.write('{"key": "b", "co')
    >>> with warnings.catch_warnings(record=True) as caught, ResultsStore(path) as store:
    ...     sorted(store.keys), store.dropped_bytes
    (['a'], 16)
    >>> print(str(caught[0].message).removeprefix(str(path)).replace("; ", ";\n"))
    : line 2 is not a JSON record (Unterminated string starting at: line 1 column 14 (char 13));
    cut it off the file (16 bytes)

"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any

try:  # POSIX: one writer per results file at a time
    import fcntl
except ImportError:  # pragma: no cover  (Windows)
    fcntl = None  # type: ignore[assignment]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


class SkippedLineWarning(UserWarning):
    """A results file's last line holds no record (a torn write, or foreign text) and was skipped."""


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every complete record of a results file (a broken last line is skipped with a warning; the file is kept).

    Raises:
        FileNotFoundError: If there is no such file.
        ValueError: If a line other than the last holds no JSON record (naming the file and line).

    """
    return _parse(Path(path).read_bytes(), str(path))[0]


def encode_record(record: dict[str, Any]) -> bytes:
    r"""One record as a line of UTF-8 JSON; lone surrogates become JSON escapes (``\ud800``).

    Example:
        >>> encode_record({"key": "Grüße \ud800"}).decode("utf-8")
        '{"key":"Grüße \\ud800"}\n'
        >>> json.loads(encode_record({"key": "\ud800"}))["key"] == "\ud800"
        True

    """
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        return line.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # surrogates occur only inside JSON strings, where the escape reads back the same
        return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", line).encode("utf-8") + b"\n"


def _decode_line(line: bytes) -> tuple[dict[str, Any] | None, str]:
    """The record on one line, or ``None`` and why there is none."""
    try:
        text = line.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        return None, f"is not UTF-8 text ({error.reason} at byte {error.start}; a write cut inside a character?)"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"is not a JSON record ({error})"
    except RecursionError:
        return None, "is not a JSON record (nested too deeply)"
    if not isinstance(value, dict):
        return None, f"is not a JSON record (it is JSON, but a {type(value).__name__}, not an object)"
    return value, ""


def _parse(data: bytes, name: str, action: str = "skipped it") -> tuple[list[dict[str, Any]], int]:
    """Records of ``data`` and the length of its intact prefix.

    The last line that is not blank may hold no record (a torn write, foreign text): it is left out of the
    prefix with a :class:`SkippedLineWarning` that names it and says ``action``.

    Raises:
        ValueError: If another line holds no record, naming ``name`` and the line.

    """
    lines = data.split(b"\n")
    last = max((index for index, line in enumerate(lines) if line.strip()), default=-1)
    records: list[dict[str, Any]] = []
    good = 0
    for index, line in enumerate(lines):
        if line.strip():
            record, problem = _decode_line(line)
            if record is None:
                where = f"{name}: line {index + 1} {problem}"
                if index != last:
                    raise ValueError(f"{where}; repair or remove it")
                warnings.warn(f"{where}; {action} ({len(data) - good} bytes)", SkippedLineWarning, stacklevel=3)
                break
            records.append(record)
        good = min(good + len(line) + 1, len(data))
    return records, good


class ResultsStore:
    """An append-only JSON-lines results file, opened for resuming.

    Args:
        path: The file (created with its folder if missing).

    Attributes:
        records: Records already in the file, in order.
        keys: Their ``key`` fields.
        dropped_bytes: Bytes of a truncated last line removed on opening (0 if none).

    Raises:
        RuntimeError: If another process is writing the same file.

    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a+b")  # noqa: SIM115  (closed by close())
        if fcntl is not None:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._file.close()
                raise RuntimeError(f"another process is writing {self.path}; wait for it or choose another file")\
                    from None
        self._file.seek(0)
        data = self._file.read()
        records, good = _parse(data, str(self.path), "cut it off the file")
        self.records: list[dict[str, Any]] = records
        self.dropped_bytes = len(data) - good
        if self.dropped_bytes:
            self._file.truncate(good)
            os.fsync(self._file.fileno())
        if good and not data[:good].endswith(b"\n"):
            self._file.seek(0, os.SEEK_END)
            self._file.write(b"\n")
            self._file.flush()
        self.keys: set[str] = {str(record.get("key")) for record in self.records}

    def append(self, record: dict[str, Any]) -> None:
        """Write one record durably (one line, flushed and fsync-ed)."""
        line = encode_record(record)
        self._file.seek(0, os.SEEK_END)
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        self.records.append(record)
        self.keys.add(str(record.get("key")))

    def close(self) -> None:
        """Release the file."""
        if not self._file.closed:
            self._file.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
