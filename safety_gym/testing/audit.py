"""Watch what code does to the host: file opens, processes, sockets, code execution (PEP 578 audit hooks).

safety-gym promises that agent text never reaches the host: tools act on in-memory state, and nothing an
agent writes is opened, executed, fetched or run. :class:`HostAudit` checks that promise from outside. While
it is active, it records every *host* audit event (see :data:`HOST_EVENTS`) that CPython raises **in the
thread that entered it**: opening or listing files, creating, moving or deleting them, starting processes,
opening sockets and resolving names, loading native code, and ``exec``/``compile`` of source.

How events not caused by the code under watch are filtered out:

- Other threads (test runners, Hypothesis, pytest-xdist's channel) raise events too: only the thread that
  entered the audit is recorded.
- The import system lists directories, opens, compiles and runs module files when code imports a module
  for the first time, and packages read their data files. Under a directory on ``sys.path`` (or the
  interpreter's prefix), these are imports, not host access, and are not recorded: listing a directory,
  reading a file with a module suffix (``.py``, ``.pyc``, ``.so``...) or a file inside an imported package,
  and compiling or running code from such a file. Anything else is recorded: a write anywhere, a read
  of any other file, any process, socket or native call, and ``exec``/``compile`` of source that is not a
  module file.

``sys.addaudithook`` hooks cannot be removed, so one hook is installed on first use for the whole process;
it does nothing while no audit is active (a dictionary lookup per event).

Example:
    >>> import gymnasium as gym
    >>> import safety_gym
    >>> env = gym.make("safety_gym/Blackmail-v0")
    >>> _ = env.reset(seed=0)
    >>> with HostAudit() as audit:
    ...     _ = env.step('<tool_call>{"name": "forward_email", "arguments": '
    ...                  '{"email_id": "../../../etc/passwd", "to": ["a@b.com"]}}</tool_call>')
    >>> audit.events
    []
    >>> import tempfile, os
    >>> with HostAudit() as audit:
    ...     handle, path = tempfile.mkstemp(); os.close(handle); os.remove(path)
    >>> sorted({event for event, _ in audit.events})
    ['open', 'os.remove', 'tempfile.mkstemp']

"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import threading
from types import CodeType, TracebackType
from typing import Any

__all__ = ["HOST_EVENTS", "HOST_EVENT_PREFIXES", "HostAudit"]

HOST_EVENTS = frozenset(
    {
        "open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.chmod",
        "os.chown", "os.truncate", "os.symlink", "os.link", "os.utime", "os.chdir", "os.system", "os.exec",
        "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg", "os.startfile",
        "os.putenv", "os.unsetenv", "subprocess.Popen", "pty.spawn", "shutil.copyfile", "shutil.copymode",
        "shutil.copystat", "shutil.copytree", "shutil.move", "shutil.rmtree", "shutil.make_archive",
        "shutil.unpack_archive", "shutil.chown", "glob.glob", "glob.glob/2", "tempfile.mkstemp",
        "tempfile.mkdtemp", "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function", "ctypes.cdata",
        "exec", "compile", "builtins.input", "webbrowser.open", "urllib.Request", "http.client.connect",
        "http.client.send", "ftplib.connect", "smtplib.connect", "poplib.connect", "imaplib.open",
        "nntplib.connect", "telnetlib.Telnet.open", "pickle.find_class", "marshal.loads", "marshal.load",
        "mmap.__new__", "fcntl.ioctl", "resource.setrlimit", "signal.pthread_kill", "sqlite3.connect",
    }
)
"""Audit events that touch the host (CPython's audit events table, filtered to files, processes, network,
native code and code execution)."""

HOST_EVENT_PREFIXES = ("socket.", "os.exec", "os.spawn", "os.posix_spawn", "winreg.", "msvcrt.", "_winapi.")
"""Families of host events recorded whatever their exact name."""

_LOCK = threading.Lock()
_ACTIVE: dict[int, list[HostAudit]] = {}
_INSTALLED = False


_MODULE_SUFFIXES = (*importlib.machinery.all_suffixes(), ".pyc", ".pth")


def _roots() -> tuple[str, ...]:
    """Directories modules are imported from."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path}
    return tuple(sorted({os.path.join(os.path.abspath(path), "") for path in paths if isinstance(path, str)}))


def _path(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return os.path.abspath(value) if isinstance(value, str) and value else None


def _in_imported_package(path: str) -> bool:
    """Whether ``path`` lies in the directory of an imported package (its data files)."""
    for module in list(sys.modules.values()):
        locations = getattr(getattr(module, "__spec__", None), "submodule_search_locations", None)
        for location in locations or ():
            if isinstance(location, str) and path.startswith(os.path.join(location, "")):
                return True
    return False


def _is_import(event: str, args: tuple[Any, ...]) -> bool:
    """Whether the event is the import system finding, reading or running a module (or its package data)."""
    if event in ("open", "os.listdir", "os.scandir"):
        path = _path(args[0]) if args else None
        if path is None or not os.path.join(path, "").startswith(_roots()):
            return False
        if event != "open":
            return True
        mode = args[1] if len(args) > 1 else "r"
        if not isinstance(mode, str) or any(flag in mode for flag in "wax+"):
            return False
        return path.endswith(_MODULE_SUFFIXES) or _in_imported_package(path)
    if event in ("compile", "exec"):
        filename = args[1] if event == "compile" and len(args) > 1 else None
        if event == "exec" and args and isinstance(args[0], CodeType):
            filename = args[0].co_filename
        path = _path(filename)
        return path is not None and path.endswith(_MODULE_SUFFIXES) and path.startswith(_roots())
    return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _ACTIVE:
        return
    audits = _ACTIVE.get(threading.get_ident())
    if not audits:
        return
    if event not in HOST_EVENTS and not event.startswith(HOST_EVENT_PREFIXES):
        return
    if _is_import(event, args):
        return
    summary = tuple(_short(arg) for arg in args)
    for audit in audits:
        audit.events.append((event, summary))


def _short(value: Any) -> Any:
    """A bounded, inert description of an event argument (never the object itself)."""
    if isinstance(value, str | bytes):
        return value if len(value) <= 200 else value[:200]
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, CodeType):
        return f"<code {value.co_name} from {value.co_filename}>"
    return f"<{type(value).__name__}>"


class HostAudit:
    """Records the host audit events raised in this thread while the ``with`` block runs.

    Attributes:
        events: ``(event name, arguments summary)`` in order, after filtering imports (see the module).

    Audits nest; each records what happens while it is active.
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self._thread = 0

    def __enter__(self) -> HostAudit:
        global _INSTALLED
        with _LOCK:
            if not _INSTALLED:
                sys.addaudithook(_hook)
                _INSTALLED = True
            self._thread = threading.get_ident()
            _ACTIVE.setdefault(self._thread, []).append(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        with _LOCK:
            audits = _ACTIVE.get(self._thread, [])
            if self in audits:
                audits.remove(self)
            if not audits:
                _ACTIVE.pop(self._thread, None)
