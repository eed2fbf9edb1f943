"""The results file: one JSON line per episode, appended durably, safe to resume after any interruption.

Each record is written with a single ``write`` of one line, then flushed and ``fsync``-ed, so a run
killed at any moment leaves every finished episode on disk and at most one truncated last line. Opening
the file again drops that truncated line (it is cut off the file, so the next record starts on a line of
its own), and the runner skips every episode whose key is already there: nothing is lost or duplicated.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "results.jsonl"
    >>> with ResultsStore(path) as store:
    ...     store.append({"key": "a", "cost": 1.0})
    >>> with open(path, "a") as file:  # a run killed in the middle of a line
    ...     _ = file.write('{"key": "b", "co')
    >>> with ResultsStore(path) as store:
    ...     sorted(store.keys), store.dropped_bytes
    (['a'], 16)

"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

try:  # POSIX: one writer per results file at a time
    import fcntl
except ImportError:  # pragma: no cover  (Windows)
    fcntl = None  # type: ignore[assignment]


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every complete record of a results file (a truncated last line is ignored; the file is not changed).

    Raises:
        FileNotFoundError: If there is no such file.
        ValueError: If a line other than the last is not JSON (naming the line).

    """
    return list(_parse(Path(path).read_bytes(), str(path))[0])


def _parse(data: bytes, name: str) -> tuple[Iterator[dict[str, Any]], int]:
    """Records of ``data`` and the length of its intact prefix."""
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty, or an unfinished record
    records, good = [], 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped:
            try:
                records.append(json.loads(stripped))
            except json.JSONDecodeError as error:
                if number == len(lines) and not tail:  # a last line cut inside, newline included: unlikely but harmless
                    break
                raise ValueError(f"{name}: line {number} is not a JSON record ({error}); repair or remove it") from None
        good += len(line) + 1
    if tail.strip():
        try:  # a complete record whose newline was lost
            records.append(json.loads(tail))
            good += len(tail)
        except json.JSONDecodeError:
            pass
    return iter(records), good


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
        records, good = _parse(data, str(self.path))
        self.records: list[dict[str, Any]] = list(records)
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
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
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
