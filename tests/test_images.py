"""Safe image decoding, the on-disk thumbnail cache and the image worker
(kiosk.images), with real files made by Pillow and real threads."""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import zlib

import pytest
from PIL import Image

from kiosk.images import (
    BROKEN,
    MISSING,
    TOO_BIG,
    DecodedImage,
    ImageProblem,
    ImageWorker,
    ThumbnailCache,
    decode_image,
    load_image,
)
from kiosk.snapshot import DirectoryMedia


def jpeg_bytes(size=(1200, 900), color=(200, 30, 30), exif_orientation=None) -> bytes:
    image = Image.new("RGB", size, color)
    # a second colour in the bottom half, to see which way up rows come out
    image.paste((20, 20, 220), (0, size[1] // 2, size[0], size[1]))
    out = io.BytesIO()
    if exif_orientation is None:
        image.save(out, "JPEG", quality=90)
    else:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int, rows: int | None = None) -> bytes:
    """A 1-bit grey PNG of the given size, all zeros, so it compresses to
    almost nothing; ``rows`` limits the pixel data actually written (the
    header still claims the full size)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    data = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    source = DirectoryMedia(folder)

    def add(data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        (folder / sha).write_bytes(data)
        return sha

    source.add = add
    return source


# ------------------------------------------------------------- decoding


def test_decodes_to_rgba_rows_top_down():
    decoded = decode_image(jpeg_bytes(size=(64, 48)))
    assert isinstance(decoded, DecodedImage)
    assert (decoded.width, decoded.height, decoded.colorfmt) == (64, 48, "rgba")
    assert len(decoded.pixels) == 64 * 48 * 4
    top, bottom = decoded.pixels[:4], decoded.pixels[-4:]
    assert top[0] > 150 and top[2] < 80 and top[3] == 255  # red first row
    assert bottom[2] > 150 and bottom[0] < 80  # blue last row


def test_large_photo_is_shrunk_to_fit():
    decoded = decode_image(jpeg_bytes(size=(3000, 2000)), max_side=1000)
    assert (decoded.width, decoded.height) == (1000, 667)


def test_exif_orientation_turns_the_picture_upright():
    decoded = decode_image(jpeg_bytes(size=(400, 200), exif_orientation=6))
    assert (decoded.width, decoded.height) == (200, 400)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        jpeg_bytes()[:600],  # cut short
        jpeg_bytes()[:20] + b"\x00" * 3000,  # header, then garbage
        png_bomb(100, 100)[:-30] + b"\xff" * 30,  # bad checksum and end
    ],
)
def test_broken_data_gives_a_reason(data):
    assert decode_image(data) == ImageProblem(BROKEN)


def test_unsupported_formats_are_not_opened():
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "TIFF")
    assert decode_image(out.getvalue()) == ImageProblem(BROKEN)


def test_decompression_bomb_is_refused_before_decoding():
    bomb = png_bomb(30000, 30000)  # 900 megapixels unpacked, about 100 kB packed
    assert len(bomb) < 1_000_000
    assert decode_image(bomb) == ImageProblem(TOO_BIG)


def test_oversized_header_is_refused_without_reading_pixels():
    # 48 megapixels: over our limit, under Pillow's own; only 10 rows present
    assert decode_image(png_bomb(8000, 6000, rows=10)) == ImageProblem(TOO_BIG)
    assert decode_image(png_bomb(100, 100), max_pixels=9_999) == ImageProblem(TOO_BIG)
    assert isinstance(decode_image(png_bomb(100, 100), max_pixels=10_000), DecodedImage)


def test_load_image_checks_presence_and_integrity(media):
    good = media.add(jpeg_bytes(size=(80, 60)))
    assert isinstance(load_image(media, good), DecodedImage)
    assert load_image(media, "c" * 64) == ImageProblem(MISSING)
    broken = media.add(b"\xff\xd8\xff\xe0 truncated jpeg")
    assert load_image(media, broken) == ImageProblem(BROKEN)
    # bytes that do not match their name are not shown
    (media.folder / good).write_bytes(jpeg_bytes(size=(80, 60), color=(0, 255, 0)))
    assert load_image(media, good) == ImageProblem(BROKEN)


# ------------------------------------------------------------- thumbnails


def test_thumbnail_is_made_once_then_read_from_disk(tmp_path, media):
    sha = media.add(jpeg_bytes(size=(1200, 900)))
    cache = ThumbnailCache(tmp_path / "thumbs", size=(240, 240))
    first = cache.thumbnail(sha, media)
    assert isinstance(first, DecodedImage)
    assert (first.width, first.height) == (240, 180)
    path = cache.path_for(sha)
    assert path.is_file() and cache.made == 1
    made_at = path.stat()
    # the picture itself is gone now: a second cache on the same folder
    # can only answer from the stored thumbnail
    (media.folder / sha).unlink()
    again = ThumbnailCache(tmp_path / "thumbs", size=(240, 240))
    second = again.thumbnail(sha, media)
    assert again.made == 0
    assert (second.width, second.height) == (240, 180)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (made_at.st_ino, made_at.st_mtime_ns)
    # a different size is a different thumbnail
    small = ThumbnailCache(tmp_path / "thumbs", size=(60, 60))
    assert small.thumbnail(sha, media) == ImageProblem(MISSING)


def test_thumbnail_problems(tmp_path, media):
    cache = ThumbnailCache(tmp_path / "thumbs")
    assert cache.thumbnail(media.add(b"garbage"), media) == ImageProblem(BROKEN)
    assert cache.thumbnail(media.add(png_bomb(30000, 30000)), media) == ImageProblem(TOO_BIG)
    assert cache.thumbnail("d" * 64, media) == ImageProblem(MISSING)
    assert cache.made == 0
    assert list(cache.folder.iterdir()) == []  # problems are not stored


def test_unreadable_cached_thumbnail_is_made_again(tmp_path, media):
    sha = media.add(jpeg_bytes(size=(300, 300)))
    cache = ThumbnailCache(tmp_path / "thumbs", size=(100, 100))
    cache.thumbnail(sha, media)
    cache.path_for(sha).write_bytes(b"\x00" * 100)  # flash corruption
    assert isinstance(cache.thumbnail(sha, media), DecodedImage)
    assert cache.made == 2
    assert isinstance(decode_image(cache.path_for(sha).read_bytes()), DecodedImage)


def test_transparent_png_thumbnail_is_on_white(tmp_path, media):
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    cache = ThumbnailCache(tmp_path / "thumbs", size=(50, 50))
    thumb = cache.thumbnail(media.add(out.getvalue()), media)
    assert min(thumb.pixels) > 240  # white, opaque


def test_concurrent_requests_make_one_file(tmp_path, media):
    sha = media.add(jpeg_bytes(size=(2000, 1500)))
    cache = ThumbnailCache(tmp_path / "thumbs", size=(200, 200))
    start = threading.Barrier(8)
    results = []

    def request():
        start.wait()
        results.append(cache.thumbnail(sha, media))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert isinstance(results[0], DecodedImage)
    assert cache.made == 1
    assert [p.name for p in cache.folder.iterdir()] == [cache.path_for(sha).name]


def test_cache_stays_within_its_size(tmp_path, media):
    shas = [media.add(jpeg_bytes(size=(400, 300), color=(i * 40, 100, 50))) for i in range(6)]
    probe = ThumbnailCache(tmp_path / "probe", size=(120, 120))
    probe.thumbnail(shas[0], media)
    one = probe.path_for(shas[0]).stat().st_size
    cache = ThumbnailCache(tmp_path / "thumbs", size=(120, 120), max_bytes=int(one * 3.5))
    for sha in shas:
        assert isinstance(cache.thumbnail(sha, media), DecodedImage)
    kept = sorted(p.name for p in cache.folder.iterdir())
    assert sum(p.stat().st_size for p in cache.folder.iterdir()) <= cache.max_bytes
    assert cache.path_for(shas[-1]).name in kept  # the newest stays
    assert cache.path_for(shas[0]).name not in kept  # the oldest went first
    assert 1 <= len(kept) <= 3
    # a new cache on the folder knows what is there and keeps the limit
    reopened = ThumbnailCache(tmp_path / "thumbs", size=(120, 120), max_bytes=one)
    reopened.thumbnail(shas[0], media)
    assert [p.name for p in reopened.folder.iterdir()] == [reopened.path_for(shas[0]).name]


def test_a_disk_that_cannot_keep_thumbnails_still_shows_them(tmp_path, media):
    sha = media.add(jpeg_bytes(size=(300, 200)))
    cache = ThumbnailCache(tmp_path / "thumbs", size=(90, 90))
    cache.folder.rmdir()  # e.g. the cache partition went away
    thumb = cache.thumbnail(sha, media)
    assert isinstance(thumb, DecodedImage) and (thumb.width, thumb.height) == (90, 60)
    assert not cache.folder.exists()


def test_half_written_files_are_cleared_at_start(tmp_path):
    folder = tmp_path / "thumbs"
    folder.mkdir()
    (folder / ("f" * 64 + "-240x240.part")).write_bytes(b"\xff\xd8 half")
    ThumbnailCache(folder)
    assert list(folder.iterdir()) == []


# ------------------------------------------------------------- worker


def test_worker_delivers_results_and_shares_work(tmp_path, media):
    good = media.add(jpeg_bytes(size=(1600, 1200)))
    broken = media.add(b"\x89PNG\r\n\x1a\n broken")
    cache = ThumbnailCache(tmp_path / "thumbs", size=(160, 160))
    worker = ImageWorker(cache, threads=2)
    done = threading.Semaphore(0)
    received = []
    lock = threading.Lock()

    def callback(sha, result):
        with lock:
            received.append((sha, result, threading.current_thread().name))
        done.release()

    try:
        for _ in range(5):
            worker.thumbnail(good, media, callback)
        worker.thumbnail(broken, media, callback)
        worker.thumbnail("e" * 64, media, callback)
        worker.full_image(good, media, callback, max_side=800)
        for _ in range(8):
            assert done.acquire(timeout=30)
    finally:
        worker.close()
    thumbs = [r for sha, r, _ in received if sha == good and isinstance(r, DecodedImage) and r.width == 160]
    assert len(thumbs) == 5 and cache.made == 1
    full = [r for sha, r, _ in received if sha == good and isinstance(r, DecodedImage) and r.width == 800]
    assert len(full) == 1 and full[0].height == 600
    assert (broken, ImageProblem(BROKEN)) in [(sha, r) for sha, r, _ in received]
    assert ("e" * 64, ImageProblem(MISSING)) in [(sha, r) for sha, r, _ in received]
    assert all(name.startswith("images") for _, _, name in received)  # never the caller's thread


def test_worker_survives_a_failing_callback(tmp_path, media):
    sha = media.add(jpeg_bytes(size=(100, 100)))
    worker = ImageWorker(ThumbnailCache(tmp_path / "thumbs", size=(50, 50)), threads=1)
    got = threading.Event()

    def bad(_sha, _result):
        raise RuntimeError("widget gone")

    try:
        worker.thumbnail(sha, media, bad)
        worker.thumbnail(sha, media, lambda _sha, result: got.set())
        assert got.wait(timeout=30)
    finally:
        worker.close()
