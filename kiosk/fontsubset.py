"""A font made for the village's own characters.

Every size (and weight) of text the kiosk draws opens another FreeType face
of its font, and a face of the full CJK font (65,000 glyphs) costs about
2.5 MiB: a dozen faces were the largest single part of the kiosk's memory.
A subset holding the two levels of GB 2312 (6,763 characters), ASCII and
Chinese punctuation, the characters of the kiosk's own screens and every
character of the village's data, written without subroutines (which each
face would hold in memory), costs a small fraction of that.

The subset is made by fontTools in a child process at the lowest priority
(it takes some seconds of CPU; the kiosk's UI must not wait for it), when
data arrives, and kept in the cache by the hash of its characters; the
kiosk uses the newest one from its next start, and starts again into a new
one by itself in the update hours while nobody is at it
(``screens.shell.restart``).
A label whose text holds a character the subset lacks (data newer than the
subset) is drawn with the full font: never a missing glyph.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk import paths
from kiosk.fonts import FontFaces
from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

CURRENT = "subset-current.json"
DRAWN = "subset-drawn.txt"  # the key of the subset the kiosk's running process draws with
_PR_SET_PDEATHSIG = 1
_BEYOND_ASCII = 0x80  # the screens' own symbols too (› on home's links): one missing sends a label to the full font
_SOURCES = ("screens", "kiosk")  # the kiosk's own words, in its .py and .kv files
_MAKING = 2  # how subsets are made (``_subset_file``): 2 = without subroutines


@dataclass(frozen=True)
class Subset:
    faces: FontFaces
    characters: frozenset[str]
    making: int = _MAKING  # how it was made: one made otherwise is made again (and used until then)


def gb2312_characters() -> set[str]:
    """The 6,763 characters of GB 2312 (both levels) and its symbols."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def base_characters() -> set[str]:
    """What every village's subset holds: ASCII, GB 2312, and the kiosk's
    own screens' words (read from its source, so a new label is covered)."""
    chars = {chr(code) for code in range(0x20, 0x7F)} | gb2312_characters() | set("￥…—·")
    for package in _SOURCES:
        for path in (paths.PROJECT_ROOT / package).rglob("*"):
            if path.suffix in (".py", ".kv"):
                chars |= {char for char in path.read_text(encoding="utf-8") if ord(char) >= _BEYOND_ASCII}
    return chars


def data_characters(documents: Mapping[str, bytes]) -> set[str]:
    """The characters of the village's documents (their text as written)."""
    chars: set[str] = set()
    for data in documents.values():
        chars |= set(data.decode("utf-8", errors="ignore"))
    return {char for char in chars if ord(char) >= 0x20}


def _folder() -> Path:
    return paths.cache_dir() / "fonts"


def _key(faces: FontFaces, chars: Iterable[str]) -> str:
    digest = hashlib.sha256(f"{_MAKING}\n".encode())  # a subset made otherwise is made again
    for face in (faces.regular, faces.bold):
        stat = face.stat()
        digest.update(f"{face}:{stat.st_size}:{int(stat.st_mtime)}\n".encode())
    digest.update("".join(sorted(chars)).encode())
    return digest.hexdigest()[:16]


def current(faces: FontFaces) -> Subset | None:
    """The newest subset made from ``faces`` (None: none yet, or broken)."""
    try:
        record = json.loads((_folder() / CURRENT).read_text(encoding="utf-8"))
        made = FontFaces(regular=Path(record["regular"]), bold=Path(record["bold"]), family=faces.family)
        if record["from"] != [str(faces.regular), str(faces.bold)] or not (made.regular.is_file() and made.bold.is_file()):
            return None
        chars = frozenset(Path(record["characters"]).read_text(encoding="utf-8"))
        making = int(record.get("making", 1))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Subset(made, chars, making)


def build(faces: FontFaces, chars: set[str]) -> Subset:
    """Make (or find) the subset of ``faces`` for ``chars`` and make it the
    current one. Slow: seconds of CPU (run it through ``build_in_background``)."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    key = _key(faces, chars)
    made = FontFaces(regular=folder / f"subset-{key}-regular.otf", bold=folder / f"subset-{key}-bold.otf", family=faces.family)
    characters = folder / f"subset-{key}.chars"
    for source, target in ((faces.regular, made.regular), (faces.bold, made.bold)):
        if not target.exists():
            _subset_file(source, target, chars)
    if not characters.exists():
        _write_atomically(characters, "".join(sorted(chars)))
    record = {
        "regular": str(made.regular),
        "bold": str(made.bold),
        "characters": str(characters),
        "from": [str(faces.regular), str(faces.bold)],
        "making": _MAKING,
    }
    replaced = current(faces)
    _write_atomically(folder / CURRENT, json.dumps(record))
    _sweep(folder, keep={key, *([_key_of(replaced)] if replaced is not None else [])})
    return Subset(made, frozenset(chars))


def _subset_file(source: Path, target: Path, chars: set[str]) -> None:
    from fontTools import subset  # seconds to import and run: never in the kiosk's own process
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, full-width punctuation: kept as the full font has them
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # FreeType's autohinter does as well for CJK at these sizes
    # Every face FreeType opens (one per size and weight) holds the font's
    # subroutines in memory; outlines written out in full draw the same
    # pixels and leave a face less than half as large.
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chars))
    subsetter.subset(font)
    partial = target.with_suffix(".tmp")
    font.save(str(partial))
    partial.replace(target)  # atomic: a crash never leaves half a font


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_suffix(path.suffix + ".tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _key_of(subset: Subset) -> str:
    return subset.faces.regular.name.removeprefix("subset-").split("-", 1)[0]


def keep_while_drawn(subset: Subset | None) -> None:
    """Record that this process draws with ``subset`` (None: the full
    font): it stays on disk however many subsets are made meanwhile, as the
    kiosk opens its files anew for every size of text it has not drawn yet
    (a large-font visit). Only the kiosk's own process says so."""
    path = _folder() / DRAWN
    try:
        if subset is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomically(path, _key_of(subset))
    except OSError as exc:  # a full disk: the subset just replaced is kept anyway
        log_event(log, "fonts.drawn_not_recorded", logging.WARNING, error=str(exc))


def _sweep(folder: Path, keep: set[str]) -> None:
    """Older subsets go; the one just replaced and the one the kiosk draws
    with stay (``keep_while_drawn``)."""
    try:
        drawn = (folder / DRAWN).read_text(encoding="utf-8").strip()
    except OSError:
        drawn = ""
    keep = keep | ({drawn} if drawn else set())
    for path in folder.glob("subset-*"):
        if path.name not in (CURRENT, DRAWN) and not any(path.name.startswith(f"subset-{key}") for key in keep):
            path.unlink(missing_ok=True)


def waiting(faces: FontFaces, in_use: Subset | None) -> Subset | None:
    """A subset made since the kiosk started with ``in_use`` (None: with
    the full font), which a start would take into use."""
    newest = current(faces)
    if newest is None or (in_use is not None and newest.faces == in_use.faces):
        return None
    return newest


def covers(subset: Subset | None, chars: set[str]) -> bool:
    return subset is not None and chars <= subset.characters


def build_in_background(documents_folder: Path | None = None, store: Path | None = None) -> subprocess.Popen | None:
    """Start ``python -m kiosk.fontsubset`` for the data in a source folder
    or a store; it lowers its own priority to the lowest, ends with the
    kiosk, and exits when done.

    No ``preexec_fn``: Python runs it in the forked child before exec, which
    is not safe while other threads run (the kiosk has the GL driver's, the
    disk's and the sync's): a lock held by one of them at the fork is never
    released in the child, the child hangs, and Popen waits for its exec
    for ever (the subprocess module's documentation warns of this). Without
    it, Popen spawns the child without running any Python in between."""
    args = ["--folder", str(documents_folder)] if documents_folder else ["--store", str(store)] if store else []
    if not args:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk.fontsubset", "--parent", str(os.getpid()), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError as exc:
        log_event(log, "fonts.subset_not_started", logging.WARNING, error=str(exc))
        return None


def _lowest_priority_while_alive(parent: int) -> bool:
    """In the child: the lowest CPU priority, and ended with ``parent`` (the
    kiosk) through PR_SET_PDEATHSIG, so that a test's or a restarted kiosk's
    subset is not left working. False when the parent is gone already (it
    ended before the death signal was asked for)."""
    os.nice(19)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == parent


def _documents(folder: Path | None, store: Path | None) -> Mapping[str, bytes]:
    if folder is not None:
        from kiosk.snapshot import read_folder_documents

        return read_folder_documents(folder)
    from kiosk.feed.store import Store

    with Store.open_to_read(store) as opened:  # type: ignore[arg-type]
        manifest = opened.current()
        if manifest is None:
            return {}
        return {entry.name: opened.read_blob(entry.sha256) for entry in manifest.documents()}


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kiosk.fonts import FontMissing, find_cjk_font

    parser = argparse.ArgumentParser(prog="python -m kiosk.fontsubset", description="Make the font subset for a village's data.")
    parser.add_argument("--folder", type=Path, help="a source folder of village data")
    parser.add_argument("--store", type=Path, help="a terminal's store")
    parser.add_argument("--parent", type=int, help="the kiosk's process: run at the lowest priority, end with it")
    args = parser.parse_args(argv)
    if args.parent is not None and not _lowest_priority_while_alive(args.parent):
        return 0
    try:
        faces = find_cjk_font()
    except FontMissing as exc:
        print(exc, file=sys.stderr)
        return 3
    chars = base_characters() | data_characters(_documents(args.folder, args.store))
    existing = current(faces)
    if existing is not None and existing.making == _MAKING and covers(existing, chars):
        return 0
    subset = build(faces, chars)
    print(f"font subset: {len(subset.characters)} characters, {subset.faces.regular}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
