"""A complete, validated copy of one village's data: what every screen reads.

A ``Snapshot`` is built from raw documents (by name) plus a media source;
it decodes and validates them all, checks references across documents and
then offers plain typed look-ups. It is immutable: a newer copy of the
data is a new ``Snapshot``, swapped in whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk import decode, model, privacy
from kiosk import model_oversight as oversight
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


class DocumentReuse:
    """The documents of the snapshot built last, decoded and masked, by the
    digest of their bytes. A new version of the feed changes a few
    documents; decoding every one again made the whole village anew with
    each version, on the thread that syncs beside the villager's taps, and
    left memory behind that the kiosk could not give back (the new objects
    land among the old ones it still holds). Snapshots share what did not
    change: the decoded models are frozen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[tuple, Any] = {}  # the snapshot built last
        self._now: dict[tuple, Any] = {}  # the one being built

    def read(self, name: str, data: bytes, public: frozenset[str] | None) -> Any:
        """Document ``name`` decoded, masked against ``public`` (None: not masked)."""
        key = (name, hashlib.blake2b(data, digest_size=16).digest(), public)
        with self._lock:
            document = self._last.get(key, self._now.get(key))
        if document is None:
            document = decode.decode_document(name, data)
            if public is not None:
                document = privacy.masked_document(document, public)
        with self._lock:
            self._now[key] = document
        return document

    def built(self) -> None:
        """The snapshot being built is whole: what it read is what the next one may share."""
        with self._lock:
            self._last, self._now = self._now, {}


class Snapshot:
    def __init__(
        self,
        documents: Mapping[str, bytes],
        media: MediaSource,
        info: DataInfo,
        history: History = NO_HISTORY,
        *,
        masked: bool = True,
        reuse: DocumentReuse | None = None,
    ):
        """``masked``: every personal number masked (kiosk.privacy), as
        every screen needs; only the publisher compares the data unmasked.
        ``reuse``: the documents of the snapshot built before (a store's)."""
        missing = [name for name in decode.REQUIRED_DOCS if name not in documents]
        if missing:
            raise decode.FeedError(missing[0], "$", "document is missing")
        self.info = info
        self.media = media
        reuse = reuse or DocumentReuse()
        unmasked: model.VillageDoc = reuse.read(decode.VILLAGE_DOC, documents[decode.VILLAGE_DOC], None)
        public = privacy.public_numbers(unmasked.complaint.hotlines)
        # The village's published hotlines, shown in full wherever they are quoted.
        self.public = public
        self.masked = masked

        def read(name: str):
            """A document decoded, every personal number in its texts masked
            (kiosk.privacy): nothing a screen shows can leak one."""
            return reuse.read(name, documents[name], public if masked else None)

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

        self._take_oversight(documents, read)

        self._items_by_id = {item.id: item for item in self.power_items}
        self._projects_by_id = {project.id: project for project in self.projects}
        self._entries_by_id: dict[str, model.FinanceEntry] = {}
        self._entries_by_project: dict[str, list[model.FinanceEntry]] = {}
        for month_key, month_doc in self._months.items():
            for index, entry in enumerate(month_doc.entries):
                name = f"{decode.FINANCE_DIR}/{month_key}.json"
                if entry.id in self._entries_by_id:
                    raise decode.FeedError(name, f"$.entries[{index}].id", f"duplicate id {entry.id!r} (also in another month)")
                if entry.project_id is not None and entry.project_id not in self._projects_by_id:
                    raise decode.FeedError(name, f"$.entries[{index}].project_id", f"unknown project {entry.project_id!r}")
                self._entries_by_id[entry.id] = entry
                if entry.project_id is not None:  # the project list asks for every project's payments
                    self._entries_by_project.setdefault(entry.project_id, []).append(entry)
        self._check_oversight_links()
        reuse.built()

    def _take_oversight(self, documents: Mapping[str, bytes], read) -> None:
        """The optional documents (``kiosk.model_oversight``), read (and
        masked) like the others; absent ones leave empty records."""

        def optional(name: str, empty):
            return read(name) if name in documents else empty

        budget: oversight.BudgetDoc = optional(decode.BUDGET_DOC, oversight.BudgetDoc(budgets=[]))
        assets: oversight.AssetsDoc | None = optional(decode.ASSETS_DOC, None)
        people: oversight.PeopleDoc = optional(decode.PEOPLE_DOC, oversight.PeopleDoc(committees=[], people=[]))
        complaints: oversight.ComplaintsDoc = optional(decode.COMPLAINTS_DOC, oversight.ComplaintsDoc(quarters=[]))
        self.budgets: tuple[oversight.YearBudget, ...] = tuple(sorted(budget.budgets, key=lambda b: b.year, reverse=True))
        self.assets: tuple[oversight.Asset, ...] = tuple(assets.assets) if assets else ()
        self.contracts: tuple[oversight.Contract, ...] = tuple(assets.contracts) if assets else ()
        # None without assets.json: no rule was published, so none is applied.
        self.four_deliberations_from_fen: int | None = assets.four_deliberations_from_fen if assets else None
        self.committees: tuple[oversight.Committee, ...] = tuple(people.committees)
        self.people: tuple[oversight.Person, ...] = tuple(people.people)
        self.complaint_reports: tuple[oversight.QuarterReport, ...] = tuple(
            sorted(complaints.quarters, key=lambda q: q.quarter, reverse=True)
        )

    def _check_oversight_links(self) -> None:
        """References from the optional documents into the others."""
        for index, contract in enumerate(self.contracts):
            for payment_index, payment in enumerate(contract.payments):
                if payment.entry_id is not None and payment.entry_id not in self._entries_by_id:
                    raise decode.FeedError(
                        decode.ASSETS_DOC,
                        f"$.contracts[{index}].payments[{payment_index}].entry_id",
                        f"unknown finance entry {payment.entry_id!r}",
                    )
        for index, person in enumerate(self.people):
            for power_index, power in enumerate(person.powers):
                if power not in self._items_by_id:
                    raise decode.FeedError(decode.PEOPLE_DOC, f"$.people[{index}].powers[{power_index}]", f"unknown power item {power!r}")

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
        return list(self._entries_by_project.get(project_id, ()))

    # Unknown ids raise KeyError like the look-ups above (never
    # StopIteration): a screen whose record went away with a data update
    # is told so by a LookupError.
    def disclosure(self, disclosure_id: str) -> model.Disclosure:
        return _by_id(self.disclosures, disclosure_id)

    def notice(self, notice_id: str) -> model.Notice:
        return _by_id(self.notices, notice_id)

    def case(self, case_id: str) -> model.Case:
        return _by_id(self.cases, case_id)

    def budget(self, year: int) -> oversight.YearBudget | None:
        """The approved budget of ``year``, or None when none is published."""
        return next((budget for budget in self.budgets if budget.year == year), None)

    def asset(self, asset_id: str) -> oversight.Asset:
        return _by_id(self.assets, asset_id)

    def contract(self, contract_id: str) -> oversight.Contract:
        return _by_id(self.contracts, contract_id)

    def contracts_of(self, asset_id: str) -> list[oversight.Contract]:
        return [contract for contract in self.contracts if contract.asset_id == asset_id]

    def person(self, person_id: str) -> oversight.Person:
        return _by_id(self.people, person_id)


def _by_id(records, record_id: str):
    for record in records:
        if record.id == record_id:
            return record
    raise KeyError(record_id)


def read_folder_documents(folder: Path) -> dict[str, bytes]:
    """All feed documents in a source folder, by their feed name."""
    names = decode.REQUIRED_DOCS + decode.OPTIONAL_DOCS
    documents = {name: (folder / name).read_bytes() for name in names if (folder / name).is_file()}
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
