"""A complete, validated copy of one village's data: what every screen reads.

A ``Snapshot`` is built from raw documents (by name) plus a media source;
it decodes and validates them all, checks references across documents and
then offers plain typed look-ups. It is immutable: a newer copy of the
data is a new ``Snapshot``, swapped in whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk import decode, model, privacy
from kiosk.benefits.model import BenefitsDoc
from kiosk.feed.history import NO_HISTORY, History, read_folder_history


class MediaMissing(LookupError):
    """A referenced media blob is not present in this copy of the data."""


class MediaSource(Protocol):
    def read(self, sha256: str) -> bytes:
        """The blob's bytes; raises MediaMissing when it is absent."""
        ...


class DirectoryMedia:
    """Media blobs as files named by their SHA-256 in one folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def read(self, sha256: str) -> bytes:
        path = self.folder / sha256
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise MediaMissing(sha256) from None


class NoMedia:
    """No pictures: for checking documents alone (their pictures are
    checked as files, where there are any)."""

    def read(self, sha256: str) -> bytes:
        raise MediaMissing(sha256)


@dataclass(frozen=True)
class DataInfo:
    """Where this copy of the data came from and how old it is."""

    source: str  # "demo", "folder" or "platform"
    version: int | None  # the signed manifest's version; None for unsigned folders
    generated_at: dt.datetime | None  # when the platform published it
    expires_at: dt.datetime | None = None


class Snapshot:
    def __init__(
        self, documents: Mapping[str, bytes], media: MediaSource, info: DataInfo, history: History = NO_HISTORY, *, masked: bool = True
    ):
        """``masked``: every personal number masked (kiosk.privacy), as
        every screen needs; only the publisher compares the data unmasked."""
        missing = [name for name in decode.REQUIRED_DOCS if name not in documents]
        if missing:
            raise decode.FeedError(missing[0], "$", "document is missing")
        self.info = info
        self.media = media
        unmasked: model.VillageDoc = decode.decode_document(decode.VILLAGE_DOC, documents[decode.VILLAGE_DOC])
        public = privacy.public_numbers(unmasked.complaint.hotlines)
        # The village's published hotlines, shown in full wherever they are quoted.
        self.public = public
        self.masked = masked

        def read(name: str):
            """A document decoded, every personal number in its texts masked
            (kiosk.privacy): nothing a screen shows can leak one."""
            document = decode.decode_document(name, documents[name])
            return privacy.masked_document(document, public) if masked else document

        village_doc: model.VillageDoc = privacy.masked_document(unmasked, public) if masked else unmasked
        powers: model.PowersDoc = read(decode.POWERS_DOC)
        projects: model.ProjectsDoc = read(decode.PROJECTS_DOC)
        disclosures: model.DisclosuresDoc = read(decode.DISCLOSURES_DOC)
        notices: model.NoticesDoc = read(decode.NOTICES_DOC)
        # The corrections this data came with (kiosk.feed.history): what
        # published records were changed or withdrawn, and why; the old
        # values and the reasons masked like the documents.
        self.history = history.masked(public) if masked else history
        months: dict[str, model.FinanceMonthDoc] = {}
        for name in sorted(documents):
            month = decode.finance_month_of(name)
            if month:
                months[month] = read(name)

        self.village = village_doc.village
        self.as_of = village_doc.as_of
        self.complaint = village_doc.complaint
        self.categories: tuple[model.PowerCategory, ...] = tuple(powers.categories)
        self.power_items: tuple[model.PowerItem, ...] = tuple(powers.items)
        self.projects: tuple[model.Project, ...] = tuple(projects.projects)
        self.disclosures: tuple[model.Disclosure, ...] = tuple(disclosures.disclosures)
        self.notices: tuple[model.Notice, ...] = tuple(sorted(notices.notices, key=lambda n: n.date, reverse=True))
        self.cases: tuple[model.Case, ...] = tuple(sorted(notices.cases, key=lambda c: c.date, reverse=True))
        self._months = {key: months[key] for key in sorted(months, reverse=True)}
        # 民生资金查询: sealed records, opened one at a time by a villager's ID number (kiosk.benefits).
        # Its patterned fields (keys, sealed records, the salt) are left alone by the masking; its texts are masked.
        self.benefits: BenefitsDoc | None = read(decode.BENEFITS_DOC) if decode.BENEFITS_DOC in documents else None

        self._items_by_id = {item.id: item for item in self.power_items}
        self._projects_by_id = {project.id: project for project in self.projects}
        self._entries_by_id: dict[str, model.FinanceEntry] = {}
        for month_key, month_doc in self._months.items():
            for index, entry in enumerate(month_doc.entries):
                name = f"{decode.FINANCE_DIR}/{month_key}.json"
                if entry.id in self._entries_by_id:
                    raise decode.FeedError(name, f"$.entries[{index}].id", f"duplicate id {entry.id!r} (also in another month)")
                if entry.project_id is not None and entry.project_id not in self._projects_by_id:
                    raise decode.FeedError(name, f"$.entries[{index}].project_id", f"unknown project {entry.project_id!r}")
                self._entries_by_id[entry.id] = entry

    def keep_history(self, history: History) -> None:
        """Take the corrections a store kept with this data (known only once
        the version is committed), masked like the documents."""
        self.history = history.masked(self.public) if self.masked else history

    # ------------------------------------------------------------ look-ups

    def items_in(self, category_id: str) -> list[model.PowerItem]:
        return [item for item in self.power_items if item.category == category_id]

    def power_item(self, item_id: str) -> model.PowerItem:
        return self._items_by_id[item_id]

    def project(self, project_id: str) -> model.Project:
        return self._projects_by_id[project_id]

    def months(self) -> list[str]:
        """Months with finance data, newest first (``YYYY-MM``)."""
        return list(self._months)

    def finance_month(self, month: str) -> model.FinanceMonthDoc:
        return self._months[month]

    def finance_entry(self, entry_id: str) -> model.FinanceEntry:
        return self._entries_by_id[entry_id]

    def finance_entries(self) -> list[model.FinanceEntry]:
        return list(self._entries_by_id.values())

    def entries_for_project(self, project_id: str) -> list[model.FinanceEntry]:
        return [entry for entry in self._entries_by_id.values() if entry.project_id == project_id]

    # Unknown ids raise KeyError like the look-ups above (never
    # StopIteration): a screen whose record went away with a data update
    # is told so by a LookupError.
    def disclosure(self, disclosure_id: str) -> model.Disclosure:
        return _by_id(self.disclosures, disclosure_id)

    def notice(self, notice_id: str) -> model.Notice:
        return _by_id(self.notices, notice_id)

    def case(self, case_id: str) -> model.Case:
        return _by_id(self.cases, case_id)


def _by_id(records, record_id: str):
    for record in records:
        if record.id == record_id:
            return record
    raise KeyError(record_id)


def read_folder_documents(folder: Path) -> dict[str, bytes]:
    """All feed documents in a source folder, by their feed name."""
    documents = {name: (folder / name).read_bytes() for name in (*decode.REQUIRED_DOCS, *decode.OPTIONAL_DOCS) if (folder / name).is_file()}
    finance = folder / decode.FINANCE_DIR
    if finance.is_dir():
        for path in sorted(finance.glob("*.json")):
            documents[f"{decode.FINANCE_DIR}/{path.name}"] = path.read_bytes()
    return documents


def load_folder(folder: Path, source: str = "folder", masked: bool = True) -> Snapshot:
    """A snapshot straight from a source folder in the documented format,
    with the folder's own history if it has one (the demo village)."""
    if not (folder / decode.VILLAGE_DOC).is_file():
        raise decode.FeedError(decode.VILLAGE_DOC, "$", f"document is missing (no feed in {folder})")
    try:
        history = read_folder_history(folder)
    except ValueError as exc:
        raise decode.FeedError(exc.args[0].partition(":")[0], "$", exc.args[0].partition(": ")[2]) from None
    return Snapshot(
        read_folder_documents(folder),
        DirectoryMedia(folder / decode.MEDIA_DIR),
        DataInfo(source=source, version=None, generated_at=None),
        history,
        masked=masked,
    )
