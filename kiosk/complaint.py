"""The complaint URL the QR code carries: the platform's form, opened on the
villager's own phone, pre-filled with where the complaint comes from.

The platform publishes a template with placeholders, e.g.
``https://jd.example.gov.cn/ts?v={village}&t={terminal}&i={item}``.
``{village}``, ``{terminal}`` and ``{item}`` are replaced by the values,
each percent-encoded with nothing left safe (``/``, ``&``, ``?`` and ``#``
in a value cannot change the URL's shape). With no item, ``{item}`` becomes
the empty string: the form then opens without a pre-selected matter.

Why a length limit: the QR has to be read by an ordinary phone from about
1 m in front of the screen. At ``MAX_URL_LENGTH`` = 200 characters and
error correction Q the code is at most version 12: 65 modules, 73 with the
quiet zone (see ``kiosk.qr``). Drawn at least 15 cm wide -- the screen
should give it that even on the small 1280x800 terminals -- a module is
over 2 mm, which a phone camera's preview (roughly 0.7 mm per pixel at
1 m) sees as about 3 pixels, the least decoders handle reliably. A longer
URL means a denser code that only works up close. (Typical templates
filled in are 60-100 characters: version 5-8.)
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from kiosk import model

MAX_URL_LENGTH = 200
_PLACEHOLDER = re.compile(r"\{(village|terminal|item)\}")
# Printable ASCII except space: the only characters the finished URL may hold.
_URL_CHARS = re.compile(r"[!-~]+")


class ComplaintUrlError(ValueError):
    """The template (or a value put into it) gives no usable URL; the screen
    then offers the hotlines only."""


def complaint_url(channel: model.ComplaintChannel, village_code: str, terminal_id: str, item_id: str | None = None) -> str:
    values = {"village": village_code, "terminal": terminal_id, "item": item_id or ""}
    template = channel.url_template
    _check_scheme(template)
    if re.search(r"\s", template):
        raise ComplaintUrlError("the URL template contains white space")
    # Non-ASCII in the template (a Chinese path, say) is sent UTF-8 encoded,
    # as browsers do; everything else in the template is kept as written.
    template = re.sub(r"[^\x00-\x7f]+", lambda m: quote(m.group(), safe=""), template)
    url = _PLACEHOLDER.sub(lambda m: quote(values[m.group(1)], safe=""), template)
    if "{" in url or "}" in url:
        raise ComplaintUrlError("the URL template has an unknown placeholder")
    if not _URL_CHARS.fullmatch(url):
        raise ComplaintUrlError("the URL contains characters a QR link cannot carry")
    _check_scheme(url)
    if len(url) > MAX_URL_LENGTH:
        raise ComplaintUrlError(f"the URL is {len(url)} characters long; at most {MAX_URL_LENGTH} fit a QR code read from 1 m")
    return url


def _check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise ComplaintUrlError(f"the URL cannot be parsed ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ComplaintUrlError(f"only http and https links are allowed, not {parts.scheme or 'no scheme'!r}")
    if not parts.hostname:
        raise ComplaintUrlError("the URL names no host")
    if "@" in parts.netloc:
        # "https://gov.cn@elsewhere.example/" opens elsewhere.example.
        raise ComplaintUrlError("the URL carries a user name, which hides the real host")
