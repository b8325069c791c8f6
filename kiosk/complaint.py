"""The complaint URL the QR code carries: the platform's form, opened on the
villager's own phone, pre-filled with where the complaint comes from.

The platform publishes a template with placeholders, e.g.
``https://jd.example.gov.cn/ts?v={village}&t={terminal}&i={item}&k={kind}``.
``{village}``, ``{terminal}``, ``{item}`` and ``{kind}`` are replaced by the
values, each percent-encoded with nothing left safe (``/``, ``&``, ``?`` and
``#`` in a value cannot change the URL's shape). ``{item}`` is the id of the
record on screen and ``{kind}`` what sort of record it is (``ItemKind``:
ids are unique only within their sort). With no item both become the empty
string: the form then opens without a pre-selected matter.

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

import enum
import re
from urllib.parse import quote, urlsplit

from kiosk import model, money
from kiosk.assets_view import CONTRACT_NAMES
from kiosk.disclosure_view import date_zh
from kiosk.finance_summary import DIRECTION_NAMES
from kiosk.snapshot import Snapshot

MAX_URL_LENGTH = 200
_PLACEHOLDER = re.compile(r"\{(village|terminal|item|kind)\}")
# Printable ASCII except space: the only characters the finished URL may hold.
_URL_CHARS = re.compile(r"[!-~]+")


class ComplaintUrlError(ValueError):
    """The template (or a value put into it) gives no usable URL; the screen
    then offers the hotlines only."""


class ItemKind(enum.Enum):
    """The sorts of record a villager can report from, as ``{kind}`` says them."""

    POWER = "power"
    PROJECT = "project"
    ENTRY = "entry"  # a finance entry
    DISCLOSURE = "disclosure"
    ASSET = "asset"
    CONTRACT = "contract"


def item_title(snapshot: Snapshot, kind: ItemKind, item_id: str) -> str:
    """What the report is about, in a line (feed text, not yet masked);
    raises LookupError when the record is not in the data."""
    if kind is ItemKind.POWER:
        return snapshot.power_item(item_id).name
    if kind is ItemKind.PROJECT:
        return snapshot.project(item_id).name
    if kind is ItemKind.DISCLOSURE:
        return snapshot.disclosure(item_id).title
    if kind is ItemKind.ASSET:
        return snapshot.asset(item_id).name
    if kind is ItemKind.CONTRACT:
        contract = snapshot.contract(item_id)
        return f"{snapshot.asset(contract.asset_id).name}{CONTRACT_NAMES[contract.kind]}合同（{contract.party}）"
    entry = snapshot.finance_entry(item_id)
    return f"{DIRECTION_NAMES[entry.direction]}{money.yuan(entry.amount_fen)}：{entry.purpose}（{date_zh(entry.date)}）"


def complaint_url(
    channel: model.ComplaintChannel, village_code: str, terminal_id: str, item_id: str | None = None, kind: ItemKind | None = None
) -> str:
    values = {"village": village_code, "terminal": terminal_id, "item": item_id or "", "kind": kind.value if kind and item_id else ""}
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
