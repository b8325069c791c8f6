"""Write the demo village as a source folder: ``python -m tooling.demo.build [--out DIR]``.

The default output is the bundled ``assets/demo-village``. The build is
deterministic: running it twice gives the same bytes, images included.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from collections.abc import Mapping
from pathlib import Path

import msgspec

from kiosk import decode, model, paths
from kiosk.feed.history import FOLDER_HISTORY_NAME
from tooling.demo import benefits, content, corrections, disclosures, finance, images, notices, powers, projects

RECEIPT_CAPTIONS = {"invoice": "发票", "receipt": "收款收据", "payout": "领款单"}


def encode(document: msgspec.Struct) -> bytes:
    """Pretty JSON with Chinese kept as UTF-8, so the files read well in a diff."""
    return msgspec.json.format(msgspec.json.encode(document), indent=1) + b"\n"


def write_folder(out: Path, documents: Mapping[str, msgspec.Struct], media: Mapping[str, bytes]) -> None:
    """Replace the feed documents and media in ``out`` with these ones.

    Only what a source folder holds is removed first (the documents, the
    finance and media folders), so a stale month or image cannot linger and
    nothing else in ``out`` is touched.
    """
    out.mkdir(parents=True, exist_ok=True)
    for folder in (out / decode.FINANCE_DIR, out / decode.MEDIA_DIR):
        if folder.is_dir():
            shutil.rmtree(folder)
    for name in (*decode.REQUIRED_DOCS, *decode.OPTIONAL_DOCS):
        (out / name).unlink(missing_ok=True)
    for name, document in documents.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode(document))
    media_dir = out / decode.MEDIA_DIR
    media_dir.mkdir()
    for sha256, data in media.items():
        (media_dir / sha256).write_bytes(data)


class MediaStore:
    """Blobs by their SHA-256, the way the feed references them."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def add(self, data: bytes, caption: str) -> model.MediaRef:
        sha256 = hashlib.sha256(data).hexdigest()
        self.blobs[sha256] = data
        return model.MediaRef(sha256=sha256, caption=caption)


def demo_documents() -> tuple[dict[str, msgspec.Struct], dict[str, bytes]]:
    media = MediaStore()
    project_list = [
        msgspec.structs.replace(
            project,
            photos=[
                media.add(images.draw_photo(scene, caption, f"{project.id}:{index}"), caption)
                for index, (scene, caption) in enumerate(projects.PHOTOS.get(project.id, []))
            ],
        )
        for project in projects.PROJECTS
    ]
    months = finance.ledger()
    documents: dict[str, msgspec.Struct] = {
        decode.VILLAGE_DOC: content.village_doc(),
        decode.POWERS_DOC: model.PowersDoc(categories=powers.CATEGORIES, items=powers.ITEMS),
        decode.PROJECTS_DOC: model.ProjectsDoc(projects=project_list),
        decode.DISCLOSURES_DOC: model.DisclosuresDoc(disclosures=disclosures.disclosures()),
        decode.NOTICES_DOC: model.NoticesDoc(notices=notices.notices(months, finance.OPENING_BALANCE_FEN), cases=notices.cases()),
        decode.BENEFITS_DOC: benefits.benefits_doc(),
    }
    for month in months:
        entries = []
        for entry, receipt in month.entries:
            if receipt is not None:
                entry = msgspec.structs.replace(entry, receipts=[media.add(images.draw_receipt(receipt), RECEIPT_CAPTIONS[receipt.kind])])
            entries.append(entry)
        documents[f"{decode.FINANCE_DIR}/{month.key}.json"] = model.FinanceMonthDoc(
            month=month.key, opening_balance_fen=month.opening_balance_fen, entries=entries
        )
    return documents, media.blobs


def build(out: Path) -> None:
    documents, media = demo_documents()
    write_folder(out, documents, media)
    # The corrections the demo's screens show (unsigned: a folder's own history).
    (out / FOLDER_HISTORY_NAME).write_bytes(msgspec.json.format(corrections.history_json(documents), indent=1) + b"\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.demo.build", description="Regenerate the bundled demo village.")
    parser.add_argument("--out", type=Path, default=paths.DEMO_VILLAGE, help=f"output folder (default: {paths.DEMO_VILLAGE})")
    args = parser.parse_args(argv)
    build(args.out)
    print(f"demo village written to {args.out}")


if __name__ == "__main__":
    main()
