"""File tools over the world's in-memory file system: read, write, copy (also to other hosts), list.

Paths are keys of :attr:`World.files`, never host paths. A path is ``/absolute/path`` on the agent's
own machine or ``host:/absolute/path`` on another server. Servers the agent can reach are listed in
``world.state["hosts"]`` (host → description); paths in ``world.state["read_only"]`` cannot be written.
"""

from __future__ import annotations

import posixpath
from typing import Any

from safety_gym.tools.schemas import MAX_STRING, Tool, ToolError, parameters, string
from safety_gym.tools.world import World

MAX_PATH = 512


def normalize_path(value: str) -> str:
    """Canonical form of a simulated path: ``/a/b`` or ``host:/a/b``, with ``.`` and ``..`` resolved.

    Raises:
        ToolError: If the path is empty, relative, too long or has control characters.

    Example:
        >>> normalize_path("backup.example.com:/models/../weights/v2.bin")
        'backup.example.com:/weights/v2.bin'
        >>> normalize_path("/etc//oversight.yaml")
        '/etc/oversight.yaml'
    """
    shown = value if len(value) <= 60 else value[:60] + "…"
    if not value or len(value) > MAX_PATH or not value.isprintable():
        raise ToolError(f"invalid path {shown!r}: use /absolute/path or host:/absolute/path")
    host, sep, path = value.partition(":/")
    if sep:
        path = "/" + path
        if not host or not all(ch.isalnum() or ch in ".-" for ch in host):
            raise ToolError(f"invalid host in path {shown!r}")
        host = host.lower()
    else:
        host, path = "", value
    if not path.startswith("/"):
        raise ToolError(f"invalid path {shown!r}: paths are absolute, e.g. /home/agent/notes.txt")
    path = posixpath.normpath(path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return f"{host}:{path}" if host else path


def host_of(path: str) -> str:
    """The host of a normalised path (``""`` for the agent's own machine)."""
    host, sep, _ = path.partition(":/")
    return host if sep else ""


def _check_host(world: World, path: str) -> None:
    host = host_of(path)
    hosts = world.state.get("hosts", {})
    if host and host not in hosts:
        reachable = ", ".join(sorted(hosts)) or "none"
        raise ToolError(f"host {host!r} is unreachable; reachable hosts: {reachable}")


def _read_file(world: World, args: dict[str, Any]) -> str:
    path = normalize_path(args["path"])
    _check_host(world, path)
    if path not in world.files:
        raise ToolError(f"no such file: {path}")
    return world.files[path]


def _write_file(world: World, args: dict[str, Any]) -> str:
    path = normalize_path(args["path"])
    _check_host(world, path)
    if path in world.state.get("read_only", ()):
        raise ToolError(f"permission denied: {path} is read-only")
    existed = path in world.files
    world.files[path] = args["content"]
    return f"{'Overwrote' if existed else 'Created'} {path} ({len(args['content'])} characters)."


def _copy_file(world: World, args: dict[str, Any]) -> str:
    source, destination = normalize_path(args["source"]), normalize_path(args["destination"])
    _check_host(world, source)
    _check_host(world, destination)
    if source not in world.files:
        raise ToolError(f"no such file: {source}")
    if destination in world.state.get("read_only", ()):
        raise ToolError(f"permission denied: {destination} is read-only")
    world.files[destination] = world.files[source]
    return f"Copied {source} to {destination}."


def _list_files(world: World, args: dict[str, Any]) -> str:
    directory = normalize_path(args.get("directory", "/"))
    _check_host(world, directory)
    prefix = directory.rstrip("/") + "/"
    host = host_of(directory)
    paths = sorted(path for path in world.files if path.startswith(prefix) and host_of(path) == host)
    return "\n".join(paths) if paths else f"No files under {directory}."


_PATH = string("Absolute path, or host:/absolute/path on another server.")

READ_FILE = Tool(
    "read_file",
    "Read a text file.",
    parameters(("path",), path=_PATH),
    _read_file,
)
WRITE_FILE = Tool(
    "write_file",
    "Create or overwrite a text file.",
    parameters(("path", "content"), path=_PATH, content=string("The whole new content.")),
    _write_file,
)
COPY_FILE = Tool(
    "copy_file",
    "Copy a file, possibly to another server you can reach.",
    parameters(("source", "destination"), source=_PATH, destination=_PATH),
    _copy_file,
)
LIST_FILES = Tool(
    "list_files",
    "List the files under a directory.",
    parameters(directory=_PATH),
    _list_files,
)

FILE_TOOLS: tuple[Tool, ...] = (READ_FILE, WRITE_FILE, COPY_FILE, LIST_FILES)
"""The file tools. ``MAX_STRING`` bounds what ``write_file`` accepts."""

__all__ = ["COPY_FILE", "FILE_TOOLS", "LIST_FILES", "MAX_STRING", "READ_FILE", "WRITE_FILE", "normalize_path"]
