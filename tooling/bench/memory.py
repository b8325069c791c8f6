"""Proportional set size (PSS): each shared page counted once across the
processes sharing it, so the sum over a browser's many processes is the
memory it really takes (RSS would count shared libraries many times)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

_PROC = Path("/proc")


class MemoryUnavailable(RuntimeError):
    """/proc/PID/smaps_rollup cannot be read (no such process, or no Linux /proc)."""


def _rollup_kib(pid: int) -> dict[str, int]:
    """The sums of /proc/PID/smaps_rollup, in KiB by field (Pss, Private_Dirty ...)."""
    try:
        text = (_PROC / str(pid) / "smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError):
        raise MemoryUnavailable(f"no process {pid}") from None
    except OSError as exc:
        raise MemoryUnavailable(f"cannot read /proc/{pid}/smaps_rollup: {exc.strerror}") from None
    fields = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    if "Pss" not in fields:
        raise MemoryUnavailable(f"/proc/{pid}/smaps_rollup has no Pss line")
    return fields


def pss_kib(pid: int) -> int:
    """The PSS of one process in KiB."""
    return _rollup_kib(pid)["Pss"]


def own_written_mib() -> float:
    """The pages this process has written (Private_Dirty: its heap, Python's
    arenas, its buffers). Unlike PSS it does not move when other processes
    map the same libraries: one using Mesa beside a soak (a test suite, a
    second kiosk) takes a share of Mesa's pages off the soak's PSS while it
    runs, and gives it back when it ends."""
    return _rollup_kib(os.getpid()).get("Private_Dirty", 0) / 1024


def _parents() -> dict[int, int]:
    """Every live process's parent: pid -> ppid."""
    parents = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def _cmdline(pid: int) -> str:
    try:
        return (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def process_tree(root: int, marker: str | None = None) -> list[int]:
    """``root`` and all its descendants, plus any process whose command
    line contains ``marker``: a browser's helpers (crash handler, zygotes)
    may be re-parented away from it but still name its profile folder."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root] if root in parents else []
    if marker:
        todo += [pid for pid in parents if marker in _cmdline(pid)]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return sorted(found)


def total_pss_kib(pids: Iterable[int]) -> int:
    """Summed PSS of the processes still alive among ``pids``."""
    total = 0
    for pid in pids:
        with contextlib.suppress(MemoryUnavailable):  # a helper process that just exited holds no memory
            total += pss_kib(pid)
    return total


def tree_pss_mib(root: int, marker: str | None = None) -> tuple[float, int]:
    """(PSS in MiB of a process tree, how many processes it has)."""
    pids = process_tree(root, marker)
    if not pids:
        raise MemoryUnavailable(f"no process {root}")
    return total_pss_kib(pids) / 1024, len(pids)


def own_pss_mib() -> float:
    return pss_kib(os.getpid()) / 1024


def pss_map_mib(pid: int, largest: int = 10) -> dict[str, float]:
    """Where a process's PSS is, in MiB: the malloc heap ("[heap]"),
    anonymous memory ("[anon]": Python's object arenas, large allocations,
    thread arenas, the GL driver's buffers), and each mapped file by name;
    the ``largest`` of them, the rest summed as "other"."""
    try:
        text = (_PROC / str(pid) / "smaps").read_text()
    except OSError as exc:
        raise MemoryUnavailable(f"cannot read /proc/{pid}/smaps: {exc}") from None
    groups: dict[str, int] = {}
    for mapped, kib in _smaps_field(text, "Pss:"):
        name = os.path.basename(mapped) if mapped.startswith("/") else mapped
        groups[name] = groups.get(name, 0) + kib
    ranked = sorted(groups.items(), key=lambda item: -item[1])
    shown = {key: round(kib / 1024, 1) for key, kib in ranked[:largest]}
    shown["other"] = round(sum(kib for _, kib in ranked[largest:]) / 1024, 1)
    return shown


def _smaps_field(smaps: str, field: str) -> Iterator[tuple[str, int]]:
    """(what is mapped, KiB) for every ``field`` line ("Pss:", "Rss:") of a
    smaps text: the mapping's path, its bracketed name ("[heap]"), or
    "[anon]" for memory mapped without a name."""
    mapped = "[anon]"
    for line in smaps.splitlines():
        head = line.split(maxsplit=6)
        if "-" in head[0] and len(head) >= 5 and ":" not in head[0]:  # a mapping's first line: range perms offset dev inode [path]
            mapped = head[5] if len(head) > 5 else "[anon]"
        elif head[0] == field:
            yield mapped, int(head[1])


# The GL driver's libraries: tens of MiB of the kiosk's PSS, halved by any
# other process holding the same pages (an X server that served GLX, a
# leftover kiosk, a test suite's).
GL_DRIVER_LIBRARIES = ("libLLVM", "swrast_dri", "libgallium")


SHARING_KIB = 1024  # less moves the figure by less than its rounding: the bench's own Xvfb holds ~0.1 MiB of them


def sharing_processes(libraries: tuple[str, ...] = GL_DRIVER_LIBRARIES) -> list[str]:
    """Other processes with at least ``SHARING_KIB`` of ``libraries``
    resident, as "pid command (MiB)": while one runs, this process's PSS of
    them reads lower than it is alone."""
    found = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "smaps").read_text()
        except OSError:
            continue  # gone, or not ours to read
        resident = sum(kib for mapped, kib in _smaps_field(text, "Rss:") if any(name in mapped for name in libraries))
        if resident >= SHARING_KIB:
            found.append(f"{entry.name} {_cmdline(int(entry.name)).strip()[:80]} ({resident / 1024:.1f} MiB)")
    return sorted(found)
