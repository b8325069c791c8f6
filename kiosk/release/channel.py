"""Fetching releases through the feed's channel: the same platform, the
same static server, the same bounded HTTP client as the village data
(kiosk.feed.sync), under ``<platform>/releases/``::

    <platform>/releases/release.json                     the signed manifest (polled)
    <platform>/releases/release.sig                      its signature
    <platform>/releases/village-kiosk_0.2.0_amd64.deb    the package it names

The package is written to ``downloads/<sha256>.part`` as it arrives; a
transfer cut off (the link drops, the night ends) leaves what arrived, and
the next run asks for the rest only (a Range request). Complete, it is
checked against the manifest's SHA-256 and size before it is renamed
``<sha256>.deb``: a package that does not match is thrown away whole.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from kiosk.feed import keys
from kiosk.feed.outcome import Failed, Rejected
from kiosk.feed.sync import HttpFeed, Timeouts, http_client
from kiosk.release import manifest
from kiosk.release.manifest import BadRelease, ReleaseManifest
from kiosk.release.package import file_sha256


def channel_url(platform: str, url: str = "") -> str:
    """``[update] url``, else ``<platform>/releases/``."""
    return (url or f"{platform.rstrip('/')}/releases").rstrip("/") + "/"


class Channel:
    def __init__(
        self,
        base_url: str,
        keyring: keys.Keyring,
        allow_http: bool,
        timeouts: Timeouts,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = base_url
        self.keyring = keyring
        self._feed = HttpFeed(base_url, lambda: http_client(timeouts, allow_http, transport), timeouts)

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, *exc) -> None:
        self._feed.__exit__(*exc)

    def manifest(self) -> ReleaseManifest:
        """The published release, verified; Rejected when it is not signed
        by a trusted release key, Failed when it cannot be fetched."""
        raw, _ = self._feed.get(manifest.MANIFEST_NAME, manifest.MAX_MANIFEST_BYTES)
        signature, _ = self._feed.get(manifest.SIGNATURE_NAME, manifest.MAX_SIGNATURE_BYTES)
        if raw is None or signature is None:
            raise Failed("unexpected 304")
        try:
            return manifest.verify(raw, signature, self.keyring)
        except BadRelease as exc:
            raise Rejected(str(exc)) from None

    def download(self, release: ReleaseManifest, folder: Path) -> Path:
        """The package, complete and matching its signed hash."""
        package = release.package
        final = folder / f"{package.sha256}.deb"
        if final.is_file() and file_sha256(final) == package.sha256:
            return final
        partial = folder / f"{package.sha256}.part"
        have = partial.stat().st_size if partial.is_file() else 0
        if have > package.size:
            partial.unlink()
            have = 0
        if have < package.size:
            with open(partial, "ab") as out:
                for chunk in self._feed.stream(package.name, package.size, start=have):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        if file_sha256(partial) != package.sha256:
            partial.unlink()
            raise Rejected(f"{package.name} does not match the SHA-256 its signed manifest gives: thrown away")
        os.replace(partial, final)
        return final
