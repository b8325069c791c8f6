"""Receipt and project photos: safe decoding, cached thumbnails, and a
worker that does both off the UI thread.

Image bytes come from the feed and are not trusted to be sane. Nothing here
raises for a bad image: the caller gets an ``ImageProblem`` whose reason is
shown in place of the picture.

- Only common photo formats are opened (some Pillow plugins run external
  programs or have seen little use on hostile input).
- The size in the header is checked before any pixel is decoded, so a small
  file that would unpack to gigabytes (a "decompression bomb") is refused.
- Pixels come out as RGBA, 4 bytes per pixel, rows top to bottom (Pillow's
  order). Kivy textures are bottom-up: after ``blit_buffer`` call
  ``texture.flip_vertical()`` once (it only flips texture coordinates).
  RGBA avoids OpenGL's row alignment trouble with 3-byte pixels.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from PIL import Image, ImageOps

from kiosk import limits
from kiosk.ops.logs import log_event
from kiosk.snapshot import MediaMissing, MediaSource

log = logging.getLogger(__name__)

MAX_PIXELS = limits.MAX_PICTURE_PIXELS
MAX_SIDE = 4096  # the largest texture low-end GPUs take; plenty to zoom a receipt
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
_FORMAT_NAMES = "JPEG, PNG, WebP, GIF or BMP"

TOO_BIG = "图片太大，无法显示"
BROKEN = "图片已损坏，无法显示"
MISSING = "图片缺失"


@dataclass(frozen=True)
class DecodedImage:
    width: int
    height: int
    pixels: bytes  # RGBA, rows top to bottom
    colorfmt: ClassVar[str] = "rgba"  # for Kivy's Texture.create / blit_buffer


@dataclass(frozen=True)
class ImageProblem:
    reason_zh: str  # shown in place of the picture
    reason: str = field(default="", compare=False)  # for the log, and for the publisher (``picture_problem``)


def picture_refusal(data: bytes) -> ImageProblem | None:
    """Why a terminal will not show this picture, or None: what ``feed
    build`` refuses a picture for. Reads the header only (format and
    size), not the pixels."""
    opened = _open(data, MAX_PIXELS)
    return opened if isinstance(opened, ImageProblem) else None


def picture_problem(data: bytes) -> str | None:
    """``picture_refusal`` in the words the terminal logs."""
    refused = picture_refusal(data)
    return refused.reason if refused is not None else None


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS, max_side: int = MAX_SIDE) -> DecodedImage | ImageProblem:
    """Decode, turn upright (EXIF orientation) and shrink to fit ``max_side``."""
    image = _open(data, max_pixels)
    if isinstance(image, ImageProblem):
        return _not_shown(image)
    try:
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at 1/2, 1/4 or 1/8 scale directly
        image = _upright(image)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)  # only ever shrinks
        return _decoded(image)
    except Exception:  # any failure inside the decoder means broken data
        log_event(log, "image.broken", exc_info=True)
        return ImageProblem(BROKEN)


def _upright(image: Image.Image) -> Image.Image:
    """Turned the way its EXIF orientation says. Pillow returns a new image,
    or None when it turned this one in place."""
    turned = ImageOps.exif_transpose(image)
    return image if turned is None else turned


def _open(data: bytes, max_pixels: int) -> Image.Image | ImageProblem:
    """Open without decoding pixels, and refuse what is too large."""
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        return ImageProblem(TOO_BIG, f"more than {max_pixels / 1e6:g} megapixels")
    except Exception:  # not an image we can read
        log_event(log, "image.unreadable", logging.DEBUG, exc_info=True)
        return ImageProblem(BROKEN, f"not a picture a terminal can open ({_FORMAT_NAMES})")
    width, height = image.size
    if width * height > max_pixels:
        reason = f"{width}×{height} pixels ({width * height / 1e6:.1f} megapixels), more than the {max_pixels / 1e6:g} megapixels a terminal shows"
        return ImageProblem(TOO_BIG, reason)
    return image


def _not_shown(problem: ImageProblem) -> ImageProblem:
    log_event(log, "image.not_shown", reason=problem.reason)
    return problem


def _decoded(image: Image.Image) -> DecodedImage:
    rgba = image.convert("RGBA")
    return DecodedImage(rgba.width, rgba.height, rgba.tobytes())


def read_media(media: MediaSource, sha256: str) -> bytes | ImageProblem:
    """The blob's bytes, checked against its name: data that does not match
    its SHA-256 is shown as broken, never as the picture it claims to be."""
    try:
        data = media.read(sha256)
    except MediaMissing:
        return ImageProblem(MISSING)
    except OSError:
        log_event(log, "image.media_unreadable", logging.WARNING, sha256=sha256, exc_info=True)
        return ImageProblem(BROKEN)
    if hashlib.sha256(data).hexdigest() != sha256:
        return ImageProblem(BROKEN)
    return data


def load_image(media: MediaSource, sha256: str, max_side: int = MAX_SIDE) -> DecodedImage | ImageProblem:
    """A full-size picture for the viewer."""
    data = read_media(media, sha256)
    return data if isinstance(data, ImageProblem) else decode_image(data, max_side=max_side)


class ThumbnailCache:
    """Thumbnails made once and kept on disk as JPEG, named by the picture's
    SHA-256 and the thumbnail size.

    Files are written to a temporary name and renamed into place, so a
    reader (or a power cut) never sees half a file; a cached file that will
    not decode anyway (flash corruption) is simply made again. When the
    folder grows past ``max_bytes`` the oldest thumbnails go first; reading
    a thumbnail never writes (flash storage wears).
    """

    def __init__(self, folder: Path, size: tuple[int, int] = (240, 240), max_bytes: int = 64 * 1024 * 1024):
        self.folder = folder
        self.size = size
        self.max_bytes = max_bytes
        self.made = 0  # thumbnails made (not read from disk) since start, for diagnostics
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob("*.part"):  # from a write cut short
            leftover.unlink(missing_ok=True)
        # The same picture always takes the same lock, so it is made once
        # however many requests arrive together; different pictures rarely
        # share one.
        self._making = [threading.Lock() for _ in range(32)]
        self._index_lock = threading.Lock()
        files = sorted(folder.glob("*.jpg"), key=lambda p: p.stat().st_mtime_ns)
        self._sizes = {path.name: path.stat().st_size for path in files}  # oldest first

    def path_for(self, sha256: str) -> Path:
        width, height = self.size
        return self.folder / f"{sha256}-{width}x{height}.jpg"

    def thumbnail(self, sha256: str, media: MediaSource) -> DecodedImage | ImageProblem:
        path = self.path_for(sha256)
        with self._making[hash(path.name) % len(self._making)]:
            cached = self._read(path)
            if cached is not None:
                return cached
            return self._make(sha256, media, path)

    def _read(self, path: Path) -> DecodedImage | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        decoded = decode_image(data)
        if isinstance(decoded, ImageProblem):
            log_event(log, "image.thumbnail_remade", logging.WARNING, file=path.name, reason="the cached one is unreadable")
            return None
        return decoded

    def _make(self, sha256: str, media: MediaSource, path: Path) -> DecodedImage | ImageProblem:
        # Problems are not cached: a missing picture may arrive with the next sync.
        data = read_media(media, sha256)
        if isinstance(data, ImageProblem):
            return data
        image = _open(data, MAX_PIXELS)
        if isinstance(image, ImageProblem):
            return _not_shown(image)
        try:
            side = 2 * max(self.size)  # either way round: EXIF may turn the picture
            image.draft("RGB", (side, side))
            image = _upright(image)
            image.thumbnail(self.size, Image.Resampling.LANCZOS)
            image = _on_white(image)
        except Exception:  # any failure inside the decoder means broken data
            log_event(log, "image.broken", sha256=sha256, exc_info=True)
            return ImageProblem(BROKEN)
        # What is shown is always what is stored (JPEG is lossy), whether
        # the thumbnail was just made or read back later.
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        self._store(out.getvalue(), path)
        with self._index_lock:
            self.made += 1
        return decode_image(out.getvalue())

    def _store(self, data: bytes, path: Path) -> None:
        # Only one thread makes a given thumbnail at a time (the lock in
        # ``thumbnail``), so one temporary name per thumbnail is enough.
        tmp = path.with_suffix(".part")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            # A full or failing disk: the thumbnail is still shown, just not kept.
            log_event(log, "image.thumbnail_not_stored", logging.WARNING, file=path.name, exc_info=True)
            tmp.unlink(missing_ok=True)
            return
        with self._index_lock:
            self._sizes.pop(path.name, None)
            self._sizes[path.name] = len(data)
            self._trim(keep=path.name)

    def _trim(self, keep: str) -> None:
        total = sum(self._sizes.values())
        for name in list(self._sizes):
            if total <= self.max_bytes:
                break
            if name == keep:
                continue
            total -= self._sizes.pop(name)
            (self.folder / name).unlink(missing_ok=True)


def _on_white(image: Image.Image) -> Image.Image:
    """RGB for JPEG; transparent parts become white, like paper."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")


Callback = Callable[[str, "DecodedImage | ImageProblem"], None]


class ImageWorker:
    """Makes thumbnails and decodes full pictures on a small thread pool.

    ``callback(sha256, result)`` is called on a worker thread; the UI wraps
    it (``Clock.schedule_once``) to touch widgets. Requests for the same
    picture while one is under way share its result.
    """

    def __init__(self, cache: ThumbnailCache, threads: int = 2):
        self.cache = cache
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="images")
        self._lock = threading.Lock()
        self._waiting: dict[tuple[str, str, int], list[Callback]] = {}

    def thumbnail(self, sha256: str, media: MediaSource, callback: Callback) -> None:
        self._submit(("thumbnail", sha256, 0), callback, lambda: self.cache.thumbnail(sha256, media))

    def full_image(self, sha256: str, media: MediaSource, callback: Callback, max_side: int = MAX_SIDE) -> None:
        self._submit(("full", sha256, max_side), callback, lambda: load_image(media, sha256, max_side))

    def close(self) -> None:
        """Drop queued work; a picture being decoded finishes in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _submit(self, key: tuple[str, str, int], callback: Callback, work: Callable[[], DecodedImage | ImageProblem]) -> None:
        with self._lock:
            if key in self._waiting:
                self._waiting[key].append(callback)
                return
            self._waiting[key] = [callback]
        self._pool.submit(self._run, key, work)

    def _run(self, key: tuple[str, str, int], work: Callable[[], DecodedImage | ImageProblem]) -> None:
        try:
            result = work()
        except Exception:  # e.g. the cache folder vanished; show a placeholder
            log_event(log, "image.work_failed", logging.ERROR, sha256=key[1], exc_info=True)
            result = ImageProblem(BROKEN)
        with self._lock:
            callbacks = self._waiting.pop(key)
        for callback in callbacks:
            try:
                callback(key[1], result)
            except Exception:  # one bad callback must not stop the others
                log_event(log, "image.callback_failed", logging.ERROR, sha256=key[1], exc_info=True)
