"""No personal number reaches the screen in full: every screen of the tour,
every project, finance month and entry with receipts, disclosure, notice
and case is shown on the real app and the text of every label on it (and
of every row of its lists, shown or not yet scrolled to) is scanned."""

from __future__ import annotations

import math
import re

from kiosk.finance_summary import month_entries
from kiosk.people_view import office_numbers
from kiosk.privacy import public_numbers
from screens.shell.registry import ScreenName
from tooling.tour import tour_stops

PATTERNS = {
    "ID number": re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"),
    "bank number": re.compile(r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}(?:[ -][0-9]{4}){3,4})(?![0-9])"),
    "mobile": re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])"),
    "landline": re.compile(r"(?<![0-9])[(（]?0[1-9][0-9]{1,2}[)）]?[ -]?[0-9]{7,8}(?![0-9])"),
}


def full_numbers(text: str, public: frozenset[str]) -> list[tuple[str, str]]:
    found = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if re.sub(r"[^0-9]", "", match.group()) not in public:
                found.append((kind, match.group()))
    return found


def screen_texts(ui) -> list[str]:
    """Every label of the screen on show, on screen or scrolled away, and
    every row of its lists: rows are widgets only while on screen (and
    some make their text only then), so each list is scrolled through."""
    from kivy.uix.recycleview import RecycleView

    from screens.uix.typeset_label import is_text

    def labels(root):
        return [w.text for w in root.walk() if is_text(w) and w.text]

    texts = labels(ui.screen)
    lists = [w for w in ui.screen.walk() if isinstance(w, RecycleView) and w.data]
    if lists:
        ui.pump(1)  # lists are sized by a full layout pass
    for widget in lists:
        texts.extend(str(value) for row in widget.data for value in row.values() if isinstance(value, str))
        layout = widget.children[0]
        assert widget.height > 0, "the list was not laid out"
        # Viewports overlapping by a tenth, top to bottom.
        steps = max(1, math.ceil((layout.height - widget.height) / (0.9 * widget.height)))
        for step in range(steps + 1):
            widget.scroll_y = 1 - step / steps
            settle(ticks=2)
            texts.extend(labels(layout))
    header = ui.app.root.ids
    texts.extend([header.title.text, header.status.text])
    return texts


def settle(ticks: int = 3) -> None:
    """Let layout run (tables are filled once their width is known) without
    drawing frames: drawing is slow on a software renderer and the scan
    reads widgets, not pixels."""
    from kivy.clock import Clock

    for _tick in range(ticks):
        Clock.tick()


def visits(demo):
    for stop in tour_stops(demo):
        yield stop.label, stop.screen, stop.params
    for project in demo.projects:
        yield project.id, ScreenName.PROJECT_DETAIL, {"project_id": project.id}
    for month in demo.months():
        yield month, ScreenName.FINANCE_MONTH, {"month": month}
    # A month's list already holds every entry's purpose, category and
    # counterparty; an entry's page adds approver, voucher and receipt
    # captions: visit the pages where the feed put a number in those.
    public = public_numbers(demo.complaint.hotlines)
    for entry in demo.finance_entries():
        fields = [entry.approver, entry.voucher_no, entry.counterparty, *(r.caption for r in entry.receipts)]
        if any(full_numbers(field, public) for field in fields):
            yield entry.id, ScreenName.FINANCE_ENTRY, {"entry_id": entry.id}
    for disclosure in demo.disclosures:
        yield disclosure.id, ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": disclosure.id}
    for notice in demo.notices:
        yield notice.id, ScreenName.NOTICE_DETAIL, {"notice_id": notice.id}
    for case in demo.cases:
        yield case.id, ScreenName.NOTICE_DETAIL, {"case_id": case.id}


def test_the_demo_feed_does_carry_numbers_to_mask(demo):
    """Otherwise the scan below would prove nothing: the feed itself (before
    the snapshot masks it) has them."""
    from kiosk import decode, paths
    from kiosk.snapshot import read_folder_documents

    public = public_numbers(demo.complaint.hotlines)
    raw = decode.decode_document(decode.DISCLOSURES_DOC, read_folder_documents(paths.DEMO_VILLAGE)[decode.DISCLOSURES_DOC])
    cells = [cell for d in raw.disclosures for row in d.rows for cell in row]
    kinds = {kind for cell in cells for kind, _number in full_numbers(cell, public)}
    assert {"ID number", "mobile"} <= kinds


def shown(ui, snapshot):
    """(label, screen, params, every text of it) for each visit, in turn."""
    for label, screen, params in visits(snapshot):
        ui.app.nav.home()
        if screen is not ScreenName.HOME:
            ui.app.nav.go(screen, **params)
        settle()
        yield label, screen, params, screen_texts(ui)


def test_no_screen_shows_a_personal_number_in_full(ui, demo):
    public = public_numbers(demo.complaint.hotlines) | office_numbers(demo)  # the roster's office phones are shown whole
    leaks = []
    for label, screen, params, texts in shown(ui, demo):
        for text in texts:
            leaks.extend((label, kind, number) for kind, number in full_numbers(text, public))
        if screen is ScreenName.FINANCE_MONTH:  # the scan did reach every row
            assert {row.purpose for row in month_entries(demo, params["month"], public)} <= set(texts)
    assert not leaks, f"shown in full: {leaks[:10]}"


def test_the_scan_catches_an_unmasked_table(ui, demo, monkeypatch):
    """The scan sees the table cells: with masking switched off it fails."""
    import kiosk.disclosure_view
    from kiosk import paths, privacy
    from kiosk.privacy import MaskedTable
    from kiosk.snapshot import load_folder

    monkeypatch.setattr(
        kiosk.disclosure_view, "masked_disclosure", lambda d, _public: MaskedTable(tuple(d.columns), tuple(map(tuple, d.rows)))
    )
    monkeypatch.setattr(privacy, "masked_document", lambda document, _public: document)
    demo = load_folder(paths.DEMO_VILLAGE, source="demo")
    ui.app.replace_snapshot(demo)
    disclosure = max(demo.disclosures, key=lambda d: len(d.rows))
    ui.app.nav.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id=disclosure.id)
    settle()
    found = [hit for text in screen_texts(ui) for hit in full_numbers(text, public_numbers(demo.complaint.hotlines))]
    assert any(kind == "ID number" for kind, _number in found)


def test_a_personal_number_written_into_any_text_field_is_masked_everywhere(ui, tmp_path):
    """A clerk may write a mobile number into any text (a power's name, a
    category's description, a project's stage): every text field of the
    model gets one, and no screen of the tour shows it in full."""
    from kiosk.snapshot import load_folder
    from support.maximal_village import PERSONAL_MOBILE, write_numbered_village

    numbered = load_folder(write_numbered_village(tmp_path / "village"))
    public = public_numbers(numbered.complaint.hotlines)
    assert PERSONAL_MOBILE not in public
    ui.app.replace_snapshot(numbered)
    leaks = [(label, text[:60]) for label, _screen, _params, texts in shown(ui, numbered) for text in texts if PERSONAL_MOBILE in text]
    assert not leaks, f"shown in full: {sorted(set(leaks))[:12]}"
