"""Sync numbers against a real local server:

- an unchanged feed: one request, under 1 KiB received;
- one month of finance changed: bytes received within 1.2× the changed blobs;
- a first sync over a village's link (``tooling.bench.link``: 2 MB/s,
  100 ms round trips, the connection cut once midway): time within 1.15×
  that of ``curl`` fetching the same files through the same link (resuming
  after the cut as curl can, ``-C -``), and no byte fetched twice;
- a first sync on loopback beside curl, for the record (what the terminal's
  own work costs when the network is not the limit).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import msgspec

from kiosk import decode, model
from kiosk.feed import keys, publish
from kiosk.feed.manifest import MANIFEST_NAME, SIGNATURE_NAME, Manifest, blob_path, pack_path
from kiosk.feed.outcome import OutcomeKind, SyncOutcome
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer
from tooling.bench.link import LinkShape
from tooling.bench.report import summarize

_HEADER_ALLOWANCE = 600  # bytes of status line and headers a response may take


class SyncBenchError(RuntimeError):
    """A sync that should have worked did not: the numbers would be meaningless."""


class Publisher:
    """A platform key pair made for this run (``existing``: the one made
    earlier in ``folder``, for a process publishing beside the bench)."""

    def __init__(self, folder: Path, existing: bool = False):
        self.folder = folder
        if existing:
            private_path, self.pub_path = folder / keys.PRIVATE_KEY_NAME, folder / keys.PUBLIC_KEY_NAME
        else:
            private_path, self.pub_path = keys.generate(folder)
        self.private = keys.load_private_key(private_path)
        self.keyring = keys.Keyring.load([self.pub_path])


@dataclass
class ServedFeed:
    """One village's signed tree in the server's root, and its address."""

    publisher: Publisher
    www: Path  # the server's root
    base_url: str  # the server's address (the terminal's "platform")
    village: str = ""

    @property
    def tree(self) -> Path:
        return self.www / self.village

    def publish(self, src: Path) -> Manifest:
        self.village = self.village or _village_code(src)
        previous = publish.read_previous(self.tree)
        built = publish.build(src, self.tree, self.publisher.private)
        if previous is not None:
            # nginx's ETag is mtime-size: a manifest rewritten within the
            # same second at the same size must still look new.
            for name in (MANIFEST_NAME, SIGNATURE_NAME):
                path = self.tree / name
                stamp = max(path.stat().st_mtime, previous.generated_at.timestamp()) + 2
                os.utime(path, (stamp, stamp))
        return built.manifest

    def syncer(self, store: Store) -> Syncer:
        return Syncer(store, self.base_url, self.village, self.publisher.keyring)

    def urls(self, manifest: Manifest) -> list[str]:
        """The village's files, as a plain download fetches them: manifest,
        signature, media index, each blob once (the issue's "same files"
        for curl)."""
        return [self._url(name) for name in self._listing(manifest)]

    def request_urls(self, manifest: Manifest) -> list[str]:
        """What a first sync requests: manifest, signature, media index and
        the pack of every blob (each blob when the tree has no pack)."""
        if manifest.pack is None:
            return self.urls(manifest)
        return [self._url(name) for name in self._listing(manifest, blobs=False)] + [self._url(pack_path(manifest.pack.sha256))]

    def file_bytes(self, manifest: Manifest) -> int:
        return sum((self.tree / name).stat().st_size for name in self._listing(manifest))

    def _listing(self, manifest: Manifest, blobs: bool = True) -> list[str]:
        index = [blob_path(manifest.media_index.sha256)] if manifest.media_index is not None else []
        return [MANIFEST_NAME, SIGNATURE_NAME, *index, *(blob_path(sha) for sha in manifest.blobs() if blobs)]

    def _url(self, name: str) -> str:
        return f"{self.base_url}/{self.village}/{name}"


def _village_code(src: Path) -> str:
    doc = msgspec.json.decode((src / decode.VILLAGE_DOC).read_bytes(), type=model.VillageDoc)
    return doc.village.code


def _expect(result: SyncOutcome, kind: OutcomeKind) -> SyncOutcome:
    if result.kind is not kind:
        raise SyncBenchError(f"expected {kind.value}, got: {result.message}")
    return result


def sync_into(feed: ServedFeed, store_dir: Path) -> tuple[SyncOutcome, float]:
    """A first sync into an empty store; (outcome, seconds)."""
    with Store(store_dir) as store:
        started = time.perf_counter()
        result = feed.syncer(store).sync_once()
        elapsed = time.perf_counter() - started
    return _expect(result, OutcomeKind.UPDATED), elapsed


def curl_fetch(urls: list[str], out: Path) -> float:
    """Seconds for one ``curl`` to fetch every URL into ``out`` over one
    kept-alive connection, as the sync client does."""
    curl = shutil.which("curl")
    if curl is None:
        raise FileNotFoundError("curl is not installed (apt-get install curl)")
    out.mkdir(parents=True)
    config = out.parent / f"{out.name}.curlrc"
    config.write_text("".join(f'url = "{url}"\noutput = "{out / str(index)}"\n' for index, url in enumerate(urls)))
    started = time.perf_counter()
    subprocess.run([curl, "--silent", "--show-error", "--fail", "--config", str(config)], check=True)
    elapsed = time.perf_counter() - started
    config.unlink()
    return elapsed


def first_sync(feed: ServedFeed, manifest: Manifest, work: Path, runs: int) -> tuple[dict, Path]:
    """Full first syncs (after one unmeasured) and two curl fetches,
    alternated so all see the same machine state: curl fetching the
    village's files one by one (the issue's comparison), and curl making
    the sync's own requests (the one pack). Returns the figures and the
    store of the last sync (kept for the later measurements)."""
    total = feed.file_bytes(manifest)
    sync_times: list[float] = []
    curls: dict[str, tuple[list[str], list[float]]] = {
        "curl": (feed.urls(manifest), []),
        "curl_same_requests": (feed.request_urls(manifest), []),
    }
    curl_error = None
    store_dir = work / "store"
    # Once unmeasured: what a terminal's process pays once (importing the
    # HTTP client, loading the system's certificates) is not per sync.
    sync_into(feed, work / "warm-up")
    shutil.rmtree(work / "warm-up")
    result = None
    for run in range(runs):
        shutil.rmtree(store_dir, ignore_errors=True)
        result, elapsed = sync_into(feed, store_dir)
        sync_times.append(elapsed)
        for name, (urls, times) in curls.items():
            if curl_error is not None:
                break
            target = work / f"{name}-{run}"
            try:
                times.append(curl_fetch(urls, target))
            except (OSError, subprocess.CalledProcessError) as exc:
                curl_error = str(exc)
            shutil.rmtree(target, ignore_errors=True)
    if result is None:
        raise SyncBenchError("no first sync measured: runs must be at least 1")
    sync_rate = total / _median(sync_times) / 1e6
    figures = {
        "files": len(feed.urls(manifest)),
        "bytes": total,
        "requests": result.requests,
        "bytes_received": result.bytes_received,
        "seconds": summarize(sync_times),
        "mb_per_s": round(sync_rate, 2),
    }
    for name, (_urls, times) in curls.items():
        suffix = "" if name == "curl" else "_same_requests"
        if times and curl_error is None:
            curl_rate = total / _median(times) / 1e6
            figures |= {
                f"{name}_seconds": summarize(times),
                f"{name}_mb_per_s": round(curl_rate, 2),
                f"ratio_to_curl{suffix}": round(sync_rate / curl_rate, 3),
            }
        else:
            figures |= {f"{name}_seconds": None, f"{name}_mb_per_s": None, f"ratio_to_curl{suffix}": None}
    if curl_error is not None:
        figures["curl_error"] = curl_error
    return figures, store_dir


def curl_resuming(urls: list[str], out: Path, tries: int = 6) -> float:
    """Seconds for ``curl`` to fetch every URL, one after another, each
    resumed where a cut left it (``-C -``; curl's own ``--retry`` starts a
    file again from its first byte)."""
    curl = shutil.which("curl")
    if curl is None:
        raise FileNotFoundError("curl is not installed (apt-get install curl)")
    out.mkdir(parents=True)
    started = time.perf_counter()
    for index, url in enumerate(urls):
        for _attempt in range(tries):
            done = subprocess.run([curl, "--silent", "--fail", "-C", "-", "-o", str(out / str(index)), url], check=False)
            if done.returncode == 0:
                break
        else:
            raise subprocess.CalledProcessError(done.returncode, "curl")
    return time.perf_counter() - started


def over_a_link(feed: ServedFeed, manifest: Manifest, work: Path, runs: int, shape: LinkShape) -> dict:
    """First syncs and curl downloads of the sync's own requests through the
    same shaped link, each cut once at half its bytes; alternated."""
    from tooling.bench.link import Link

    urls = feed.request_urls(manifest)
    names = [url.rsplit(f"/{feed.village}/", 1)[1] for url in urls]
    files = sum((feed.tree / name).stat().st_size for name in names)
    cut = dataclasses.replace(shape, cut_after=files // 2)
    upstream = int(feed.base_url.rsplit(":", 1)[1])
    sync_times, curl_times, twice = [], [], []
    for run in range(runs):
        with Link(upstream, cut) as link:
            store_dir = work / f"link-store-{run}"
            with Store(store_dir) as store:
                syncer = Syncer(store, link.url, feed.village, feed.publisher.keyring)
                started = time.perf_counter()
                result = _expect(syncer.sync_once(), OutcomeKind.UPDATED)
                sync_times.append(time.perf_counter() - started)
            shutil.rmtree(store_dir, ignore_errors=True)
            if not link.cuts:
                raise SyncBenchError("the link was never cut: the figure would not show the resume")
            # Headers aside (a few hundred bytes a response), what came twice.
            twice.append(max(0, result.bytes_received - files - _HEADER_ALLOWANCE * result.requests))
        with Link(upstream, cut) as link:
            target = work / f"link-curl-{run}"
            curl_times.append(curl_resuming([url.replace(feed.base_url, link.url) for url in urls], target))
            shutil.rmtree(target, ignore_errors=True)
    ratio = _median(sync_times) / _median(curl_times)
    return {
        "link": {"rate_bytes_per_s": shape.rate, "round_trip_s": shape.latency, "cut_after_bytes": cut.cut_after},
        "requests_bytes": files,
        "seconds": summarize(sync_times),
        "curl_seconds": summarize(curl_times),
        "ratio_to_curl": round(ratio, 3),
        "bytes_fetched_twice": max(twice),
    }


def unchanged_polls(feed: ServedFeed, store_dir: Path, polls: int) -> dict:
    """Polls of a feed the store already holds: requests and bytes each."""
    results = []
    with Store(store_dir) as store:
        syncer = feed.syncer(store)
        for _ in range(polls):
            results.append(_expect(syncer.sync_once(), OutcomeKind.UP_TO_DATE))
    return {
        "polls": polls,
        "requests": max(r.requests for r in results),
        "bytes": max(r.bytes_received for r in results),
        "outcome": results[-1].message,
    }


def write_month_change(src: Path, dst: Path, added: int = 1, version: int = 0) -> str:
    """A copy of ``src`` whose newest finance month has ``added`` more
    entries (a day's bookkeeping), their ids naming ``version`` so that
    each version's are new records (a published record that changed would
    need a correction note); returns that month. Media are shared, not
    copied."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(decode.MEDIA_DIR))
    if (src / decode.MEDIA_DIR).is_dir():
        (dst / decode.MEDIA_DIR).symlink_to((src / decode.MEDIA_DIR).resolve())
    months = sorted((dst / decode.FINANCE_DIR).glob("*.json"))
    if not months:
        raise SyncBenchError(f"{src} has no finance months to change")
    path = months[-1]
    doc = msgspec.json.decode(path.read_bytes(), type=model.FinanceMonthDoc)
    last = doc.entries[-1]
    extra = [
        msgspec.structs.replace(last, id=f"{last.id}-v{version}-{index}", amount_fen=last.amount_fen + 100 * (index + 1), receipts=[])
        for index in range(added)
    ]
    path.write_bytes(msgspec.json.encode(msgspec.structs.replace(doc, entries=[*doc.entries, *extra])))
    return doc.month


def month_change(feed: ServedFeed, src: Path, store_dir: Path, work: Path) -> dict:
    """Publish one changed month and sync it: what came over the wire
    against the size of the blobs that changed."""
    with Store(store_dir) as store:
        before = store.current()
    if before is None:
        raise SyncBenchError(f"{store_dir} holds no data to change")
    month = write_month_change(src, work / "src-changed")
    after = feed.publish(work / "src-changed")
    old = before.blobs()
    changed = {sha: size for sha, size in after.blobs().items() if sha not in old}
    with Store(store_dir) as store:
        result = _expect(feed.syncer(store).sync_once(), OutcomeKind.UPDATED)
    changed_bytes = sum(changed.values())
    manifest_bytes = (feed.tree / MANIFEST_NAME).stat().st_size
    signature_bytes = (feed.tree / SIGNATURE_NAME).stat().st_size
    return {
        "month": month,
        "changed_blobs": len(changed),
        "changed_blob_bytes": changed_bytes,
        "manifest_bytes": manifest_bytes,
        "signature_bytes": signature_bytes,
        "requests": result.requests,
        "bytes_received": result.bytes_received,
        "ratio": round(result.bytes_received / changed_bytes, 3),
        "ratio_with_manifest": round(result.bytes_received / (changed_bytes + manifest_bytes + signature_bytes), 3),
        "outcome": result.message,
    }


def _median(values: list[float]) -> float:
    return summarize(values)["median"]


def run(feed: ServedFeed, src: Path, work: Path, runs: int, polls: int = 5, link_runs: int = 3) -> tuple[dict, Path]:
    """Every sync measurement on one village; returns the figures and the
    store left holding its newest version."""
    manifest = feed.publish(src)
    link = over_a_link(feed, manifest, work, link_runs, LinkShape())
    first, store_dir = first_sync(feed, manifest, work, runs)
    unchanged = unchanged_polls(feed, store_dir, polls)
    change = month_change(feed, src, store_dir, work)
    return {"unchanged": unchanged, "month_change": change, "first_sync_over_a_link": link, "first_sync": first}, store_dir


def village_size(src: Path) -> dict:
    """What the benchmarked village holds, for the report."""
    media = list((src / decode.MEDIA_DIR).iterdir()) if (src / decode.MEDIA_DIR).is_dir() else []
    months = sorted((src / decode.FINANCE_DIR).glob("*.json")) if (src / decode.FINANCE_DIR).is_dir() else []
    entries = sum(len(msgspec.json.decode(p.read_bytes(), type=model.FinanceMonthDoc).entries) for p in months)
    return {
        "finance_entries": entries,
        "finance_months": len(months),
        "media_files": len(media),
        "media_bytes": sum(p.stat().st_size for p in media),
    }
