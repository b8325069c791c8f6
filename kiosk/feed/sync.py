"""The HTTP sync client: one poll of the village's static feed.

An unchanged feed costs one conditional GET of ``manifest.json`` answered
``304 Not Modified``. A changed one costs the manifest, its signature and
the blobs the store does not have yet (a first sync: one pack of them
all). Every request is bounded: connect and read timeouts, a byte cap
(the manifest's size for a blob), and a time budget for the whole request
-- connection, headers and body -- so a server trickling bytes cannot hold
the sync for ever; a pack must also keep up a rate a village link gives.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

import httpx

import kiosk
from kiosk.config import Config
from kiosk.feed import keys, outcome, update
from kiosk.feed.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    SIGNATURE_NAME,
    FileEntry,
    PackEntry,
    blob_path,
    pack_path,
)
from kiosk.feed.outcome import Failed, Rejected, SyncOutcome
from kiosk.feed.store import Store
from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

# Size assumed for the time budget of a file whose length is not announced.
_SIZE_HINT = 256 * 1024
# Times a pack cut off midway is resumed where it stopped (each after progress).
_PACK_RESUMES = 5


class ConfigurationError(ValueError):
    """Sync is not configured (no platform, village or trusted key)."""


class _Cut(Failed):
    """The connection broke off midway (not a deadline, not a refusal): what
    arrived is good, and a server that honours ranges can send the rest."""


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0  # to open a connection
    read: float = 30.0  # longest silence while waiting for bytes
    # Slowest average rate accepted for a whole file, in bytes per second:
    # a request may take ``connect + read + size / min_rate`` seconds in all,
    # from the moment it is made (connection, headers and body).
    min_rate: float = 2048.0
    # Slowest average rate accepted for a pack, which is only a faster way
    # to the blobs: ``connect`` seconds after it is asked for, it must have
    # brought ``pack_rate`` bytes for each further second, or it is given
    # up for the blobs (docs/FEED-PROTOCOL.md section 8 says why 16 KiB/s).
    pack_rate: float = 16 * 1024.0

    def budget(self, size: int) -> float:
        return self.connect + self.read + size / self.min_rate


class _Deadline:
    """When one request must be over: its file's budget, and for a pack also
    the time its rate falls below ``Timeouts.pack_rate`` (which moves later
    as bytes arrive). Passed, the sockets of its lane are shut down."""

    def __init__(self, lane: _Lane, budget: float):
        self.lane = lane
        self.started = time.monotonic()
        self.budget = budget
        self.rate_at = float("inf")  # not a pack: no rate to keep
        self.passed = False  # and the lane's sockets were shut down

    def at(self) -> float:
        return min(self.started + self.budget, self.rate_at)

    def pass_now(self) -> None:
        self.passed = True
        self.lane.shut()

    def why(self, name: str, pack_rate: float) -> str:
        if self.rate_at < self.started + self.budget:
            elapsed = time.monotonic() - self.started
            return f"{name}: too slow, below the {pack_rate:.0f} bytes/s a pack must keep (after {elapsed:.0f} s)"
        return f"{name}: too slow, gave up after {self.budget:.0f} s"


class _Watchdog:
    """Ends requests that run out of time, from a thread of its own.
    httpx bounds each operation (a connection, each read), not a request:
    a server that sends its status line and headers a byte at a time, each
    well within the read timeout, held ``sync --once`` for as long as it
    liked. A socket shut down wakes the read blocked on it."""

    def __init__(self):
        self._changed = threading.Condition()
        self._watched: set[_Deadline] = set()
        self._closed = False
        self._thread: threading.Thread | None = None

    def watch(self, deadline: _Deadline) -> None:
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="feed-deadlines", daemon=True)
                self._thread.start()
            self._watched.add(deadline)
            self._changed.notify()

    def changed(self) -> None:
        """A deadline came earlier."""
        with self._changed:
            self._changed.notify()

    def forget(self, deadline: _Deadline) -> None:
        with self._changed:
            self._watched.discard(deadline)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        with self._changed:
            while not self._closed:
                now = time.monotonic()
                for deadline in [d for d in self._watched if d.at() <= now]:
                    self._watched.discard(deadline)
                    deadline.pass_now()
                soonest = min((d.at() for d in self._watched), default=now + 60)
                self._changed.wait(max(soonest - now, 0.001))


class _Lane:
    """An HTTP client used by one request at a time, and the sockets it
    opened (its connection, a redirect's): when that request runs out of
    time, all of them can be shut down without touching other requests."""

    def __init__(self, client: httpx.Client):
        self.client = client
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._shut = False

    def trace(self, event: str, info: dict) -> None:
        """httpx's ``trace`` extension: learns each socket as it connects."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sockets.append(sock)
                shut = self._shut
            if shut:  # the time ran out while it connected
                _shut_down(sock)

    def shut(self) -> None:
        with self._lock:
            self._shut = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut_down(sock)

    @property
    def usable(self) -> bool:
        return not self._shut


def _shut_down(sock: socket.socket) -> None:
    # The plain socket's own shutdown, also for a TLS one: it wakes a read
    # blocked in another thread, and leaves the TLS state to that thread.
    # A plain socket wrapped for TLS since has given its descriptor away.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def feed_url(platform: str, village: str) -> str:
    """Where a village's tree is published: ``<platform>/<village code>/``."""
    return f"{platform.rstrip('/')}/{village}/"


class HttpFeed:
    """Reads files of one village's published tree, counting the traffic.
    ``connect`` makes an HTTP client; one is made for each request running
    at a time (blobs are fetched several at a time), and kept for the next."""

    def __init__(self, base_url: str, connect: Callable[[], httpx.Client], timeouts: Timeouts):
        self.base_url = base_url
        self.timeouts = timeouts
        self.requests = 0
        self.bytes_received = 0
        self._counting = threading.Lock()  # blobs are fetched from several threads
        self._connect = connect
        self._idle: list[_Lane] = []
        self._lanes: list[_Lane] = []
        self._watchdog = _Watchdog()

    def __enter__(self) -> HttpFeed:
        return self

    def __exit__(self, *exc) -> None:
        self._watchdog.close()
        for lane in self._lanes:
            lane.client.close()

    @contextlib.contextmanager
    def _lane(self) -> Iterator[_Lane]:
        with self._counting:
            lane = self._idle.pop() if self._idle else None
        if lane is None:
            lane = _Lane(self._connect())
            with self._counting:
                self._lanes.append(lane)
        try:
            yield lane
        finally:
            if lane.usable:  # else its connections are gone; the next request makes a new one
                with self._counting:
                    self._idle.append(lane)

    def get(self, name: str, cap: int, expected: int | None = None, held: Validators | None = None) -> tuple[bytes | None, Validators]:
        """The file's bytes and its validators; (None, validators) when it is
        unchanged since ``held`` (304).

        ``cap``: more bytes than this and the file is refused. ``expected``:
        the size the manifest gives; a body shorter than that whose length
        was not announced was cut short (Failed: try again), while a
        complete response of the wrong length is the wrong file, for the
        caller to reject. A server that sends no ETag (Python's http.server,
        many mirrors) is asked with If-Modified-Since: an unchanged poll is
        one small request on any static server."""
        headers = held.conditions() if held is not None else {}
        with self._response(name, headers, cap, expected) as (response, deadline):
            validators = Validators.of(response)
            if response.status_code == 304:
                return None, validators
            return b"".join(self._chunks(name, response, cap, expected, deadline)), validators

    def stream(self, name: str, size: int, pack: bool = False, start: int = 0) -> Generator[bytes, None, None]:
        """A file of known size as it arrives, from byte ``start`` on (a
        Range request), under the same bounds as ``get``; ``pack``: also
        under the rate a pack must keep."""
        headers = {"Range": f"bytes={start}-"} if start else {}
        with self._response(name, headers, size - start, size - start, pack) as (response, deadline):
            if response.status_code == 304:
                raise Failed(f"{name}: unexpected 304")
            if start and not _resumes_at(response, start):
                raise Failed(f"{name}: the server cannot resume at byte {start} (HTTP {response.status_code})")
            yield from self._chunks(name, response, size - start, size - start, deadline)

    @contextlib.contextmanager
    def _response(
        self, name: str, headers: dict[str, str], cap: int, expected: int | None, pack: bool = False
    ) -> Iterator[tuple[httpx.Response, _Deadline]]:
        with self._counting:
            self.requests += 1
        with self._lane() as lane:
            # The size the server will announce is not known yet: the
            # manifest's, else a guess, until the headers say (``_chunks``).
            deadline = _Deadline(lane, self.timeouts.budget(expected if expected is not None else min(cap, _SIZE_HINT)))
            if pack:
                deadline.rate_at = deadline.started + self.timeouts.connect
            self._watchdog.watch(deadline)
            try:
                with lane.client.stream("GET", self.base_url + name, headers=headers, extensions={"trace": lane.trace}) as response:
                    try:
                        yield response, deadline
                    finally:
                        with self._counting:
                            self.bytes_received += _header_bytes(response) + response.num_bytes_downloaded
            except (httpx.HTTPError, Failed) as exc:
                if deadline.passed:  # what the shut-down socket made of it
                    raise Failed(deadline.why(name, self.timeouts.pack_rate)) from None
                if isinstance(exc, Failed):
                    raise
                if isinstance(exc, httpx.TimeoutException):
                    raise Failed(f"{name}: timed out") from None
                if isinstance(exc, httpx.TransportError):
                    raise _Cut(f"{name}: {type(exc).__name__} ({exc})") from None
                raise Failed(f"{name}: {type(exc).__name__} ({exc})") from None
            finally:
                self._watchdog.forget(deadline)

    def _chunks(self, name: str, response: httpx.Response, cap: int, expected: int | None, deadline: _Deadline) -> Iterator[bytes]:
        if response.status_code not in (200, 206):
            raise Failed(f"{name}: HTTP {response.status_code}")
        length = response.headers.get("content-length", "")
        # A compressed body's length on the wire is not its size (a server
        # may compress any file; pictures then come out a little larger).
        announced = int(length) if length.isdigit() and response.headers.get("content-encoding", "identity") == "identity" else None
        if announced is not None and announced > cap:
            raise Rejected(f"{name} is {announced} bytes, more than the {cap} allowed")
        size = announced if announced is not None else expected if expected is not None else min(cap, _SIZE_HINT)
        deadline.budget = self.timeouts.budget(size)
        self._watchdog.changed()
        pack = deadline.rate_at != float("inf")
        received = 0
        # As they arrive (a chunk size would hold bytes back until it filled:
        # a pack cut off midway would lose what was read since the last one).
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > cap:
                raise Rejected(f"{name} is larger than the {cap} bytes allowed")
            if pack:
                deadline.rate_at = deadline.started + self.timeouts.connect + received / self.timeouts.pack_rate
            if time.monotonic() > deadline.at():
                raise Failed(deadline.why(name, self.timeouts.pack_rate))
            yield chunk
        # An announced length the parser holds the body to (h11 raises);
        # read off the wire, or unannounced, the count tells.
        whole = announced if announced is not None else expected
        if whole is not None and received < whole:
            raise _Cut(f"{name}: body cut short ({received} of {whole} bytes)")

    def fetch(self, entry: FileEntry) -> bytes:
        data, _ = self.get(blob_path(entry.sha256), entry.size, expected=entry.size)
        if data is None:
            raise Failed(f"{entry.name}: unexpected 304")
        return data

    def stream_pack(self, pack: PackEntry) -> Generator[bytes, None, None]:
        """The pack as it arrives. A connection cut off midway (a village's
        mobile link drops) is asked again for the rest only (a Range
        request), so no byte comes twice; a server that cannot resume, or
        no progress since the last cut, leaves the rest to the blobs."""
        name = pack_path(pack.sha256)
        received = resumes = 0
        while True:
            before = received
            try:
                for chunk in self.stream(name, pack.size, pack=True, start=received):
                    received += len(chunk)
                    yield chunk
                return
            except _Cut as cut:
                if resumes >= _PACK_RESUMES or received == before:
                    raise
                resumes += 1
                log_event(log, "sync.pack_resumed", logging.WARNING, pack=pack.sha256[:12], at=received, of=pack.size, cut=str(cut))


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, loaded once per process (20 ms
    each time: every poll would pay it)."""
    return httpx.create_ssl_context()


def _resumes_at(response: httpx.Response, start: int) -> bool:
    """A 206 whose Content-Range starts where we asked (a 200 is the whole
    file again: taking it would fetch the bytes we have twice)."""
    if response.status_code != 206:
        return False
    unit, _, spec = response.headers.get("content-range", "").partition(" ")
    return unit == "bytes" and spec.partition("-")[0] == str(start)


@dataclass(frozen=True)
class Validators:
    """What a server says identifies a file's version: its ETag, and its
    Last-Modified for servers that send no ETag."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> Validators:
        return cls(response.headers.get("etag"), response.headers.get("last-modified"))

    def conditions(self) -> dict[str, str]:
        """The headers of a conditional request: the ETag when there is one
        (it is exact), else the modification time (second granularity:
        ``feed build`` makes each new manifest at least a second younger)."""
        if self.etag:
            return {"If-None-Match": self.etag}
        if self.last_modified:
            return {"If-Modified-Since": self.last_modified}
        return {}


def http_client(timeouts: Timeouts, allow_http: bool, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client for the platform's static files: bounded, the system's
    certificates, no proxies from the environment, and no plain http
    unless allowed (an https platform redirecting there is refused)."""

    def refuse_plain_http(request: httpx.Request) -> None:
        if request.url.scheme == "http" and not allow_http:
            raise Rejected(f"refused plain http: {request.url} (an https platform redirected there; [feed] allow_http is off)")

    t = timeouts
    return httpx.Client(
        timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.read, pool=t.connect),
        verify=_tls_context(),
        headers={"User-Agent": f"village-kiosk/{kiosk.__version__}"},
        follow_redirects=True,
        max_redirects=5,
        # Proxies from the environment are not for a kiosk's background sync.
        trust_env=False,
        transport=transport,
        event_hooks={"request": [refuse_plain_http]},
    )


def _header_bytes(response: httpx.Response) -> int:
    status_line = len(response.http_version) + len(response.reason_phrase) + 7
    return status_line + sum(len(key) + len(value) + 4 for key, value in response.headers.raw) + 2


class Syncer:
    """Polls one village's feed into a store; one ``sync_once`` per poll."""

    def __init__(
        self,
        store: Store,
        platform: str,
        village: str,
        keyring: keys.Keyring,
        timeouts: Timeouts = Timeouts(),
        transport: httpx.BaseTransport | None = None,
        parallel: int = 4,
        allow_http: bool | None = None,
    ):
        if not platform or not village:
            raise ConfigurationError("no platform address or village code configured")
        if not len(keyring):
            raise ConfigurationError("no trusted platform key configured")
        self.store = store
        self.village = village
        self.keyring = keyring
        self.timeouts = timeouts
        self.url = feed_url(platform, village)
        self.parallel = parallel  # blob downloads at a time
        self._transport = transport
        # Plain http only where it was asked for: an https platform that
        # redirects to http is refused (the configuration's allow_http).
        self.allow_http = platform.lower().startswith("http://") if allow_http is None else allow_http

    @classmethod
    def from_config(cls, config: Config, store: Store, timeouts: Timeouts = Timeouts()) -> Syncer:
        refused = config.feed.refuses()
        if refused:
            raise ConfigurationError(refused)
        try:
            keyring = keys.Keyring.load(config.feed.pubkeys)
        except keys.KeyFileError as exc:
            raise ConfigurationError(str(exc)) from None
        return cls(store, config.feed.platform, config.feed.village, keyring, timeouts, allow_http=config.feed.allow_http)

    def _client(self) -> httpx.Client:
        return http_client(self.timeouts, self.allow_http, self._transport)

    def sync_once(self) -> SyncOutcome:
        with HttpFeed(self.url, self._client, self.timeouts) as feed:
            result = update.attempt(self.store, lambda: self._poll(feed))
        return result.with_traffic(feed.requests, feed.bytes_received)

    def _poll(self, feed: HttpFeed) -> SyncOutcome:
        held = self.store.validators()
        raw, validators = feed.get(MANIFEST_NAME, MAX_MANIFEST_BYTES, held=Validators(*held) if held else None)
        if raw is None:
            current = self.store.current()
            if current is None:
                raise Failed("server answered 304 but the store is empty")
            count, size = update.fetch_missing(self.store, current, feed, self.parallel)
            return outcome.up_to_date(current.version, count, size)
        signature, _ = feed.get(SIGNATURE_NAME, MAX_SIGNATURE_BYTES)
        if signature is None:
            raise Failed(f"{SIGNATURE_NAME}: unexpected 304")
        return update.install(
            self.store, raw, signature, feed, self.keyring, self.village, (validators.etag, validators.last_modified), self.parallel
        )
