"""The demo village with every text as long as the limits allow
(``kiosk.limits``): each text field filled to its maximum, each long one
a single paragraph (the hardest to draw). For the tests, and to look at:
``python tests/maximal_village.py OUT`` then
``village-kiosk --data OUT tour --out PICTURES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec

from kiosk import decode, model, paths
from kiosk.feed import records
from kiosk.feed.changes import CorrectionNote
from kiosk.feed.history import FOLDER_HISTORY_NAME
from kiosk.snapshot import read_folder_documents
from tooling.demo.build import write_folder

# Real sentences with what typesetting must keep together (amounts, dates,
# phone numbers), closing punctuation to place, and rare characters.
_PROSE = (
    "经村民代表会议表决通过，垚喆焱三户于2025年3月18日领取补助金12,345.50元，"
    "对公示有异议的，请拨打0738-1234567或12388反映（工作日8:30—17:30）。"
    "《中华人民共和国村民委员会组织法》第二十四条规定：涉及村民利益的事项，须经村民会议讨论决定方可办理；"
)


def text_of(length: int) -> str:
    """Exactly ``length`` characters of prose, one paragraph."""
    return (_PROSE * (length // len(_PROSE) + 1))[:length]


def rewrite_texts(value, info: msgspec.inspect.Type, rewrite):
    """``value`` with ``rewrite(text, max_length)`` applied to every free
    text in it (a str field with no pattern: not an id, a date or a code)."""
    if isinstance(info, msgspec.inspect.StrType):
        return rewrite(value, info.max_length) if info.pattern is None else value
    if isinstance(info, msgspec.inspect.ListType):
        return [rewrite_texts(item, info.item_type, rewrite) for item in value]
    if isinstance(info, msgspec.inspect.UnionType):
        inner = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        return value if value is None else rewrite_texts(value, inner[0], rewrite)
    if isinstance(info, msgspec.inspect.StructType):
        changes = {field.name: rewrite_texts(getattr(value, field.name), field.type, rewrite) for field in info.fields}
        return msgspec.structs.replace(value, **changes)
    return value


def _longest(value, info: msgspec.inspect.Type):
    """``value`` with every bounded text in it made as long as allowed."""
    return rewrite_texts(value, info, lambda text, limit: text_of(limit) if limit is not None else text)


def write_rewritten_village(out: Path, rewrite, source: Path = paths.DEMO_VILLAGE) -> Path:
    """The demo village with ``rewrite(text, max_length)`` applied to every free text."""
    documents = {}
    for name, data in read_folder_documents(source).items():
        document = decode.decode_document(name, data)
        documents[name] = rewrite_texts(document, msgspec.inspect.type_info(type(document)), rewrite)
    media_folder = source / decode.MEDIA_DIR
    media = {path.name: path.read_bytes() for path in media_folder.iterdir()} if media_folder.is_dir() else {}
    write_folder(out, documents, media)
    history = source / FOLDER_HISTORY_NAME
    if history.is_file():
        (out / FOLDER_HISTORY_NAME).write_bytes(_rewritten_history(history.read_bytes(), rewrite))
    return out


def _rewritten_history(data: bytes, rewrite) -> bytes:
    """A folder's history (kiosk.feed.history) with ``rewrite`` applied to
    every correction's reason and to the records it carries."""
    reason_limit = next(f.type.max_length for f in msgspec.inspect.type_info(CorrectionNote).fields if f.name == "reason")
    history = msgspec.json.decode(data)
    for version in history["versions"]:
        for change in version["log"]["changes"]:
            kind, _record_id = records.split_key(change["record"])
            change["reason"] = rewrite(change["reason"], reason_limit)
            for side in ("before", "after"):
                if change.get(side) is not None:
                    record = kind.decode(msgspec.json.encode(change[side]))
                    change[side] = msgspec.to_builtins(rewrite_texts(record, msgspec.inspect.type_info(kind.type), rewrite))
    return msgspec.json.encode(history)


def write_maximal_village(out: Path, source: Path = paths.DEMO_VILLAGE) -> Path:
    return write_rewritten_village(out, lambda text, limit: text_of(limit) if limit is not None else text, source)


# A personal mobile number, written into any text by a careless clerk.
PERSONAL_MOBILE = "13907381234"


def with_a_number(text: str, limit: int | None) -> str:
    """``text`` with a personal mobile number in it (within its limit)."""
    added = f"（联系{PERSONAL_MOBILE}）"
    if limit is not None and len(text) + len(added) > limit:
        return (text[: max(0, limit - len(added))] + added)[:limit] if limit >= len(PERSONAL_MOBILE) else text
    return text + added


def write_numbered_village(out: Path, source: Path = paths.DEMO_VILLAGE) -> Path:
    """The demo village with a personal mobile number in every free text
    that has room for one: the masking scan's material."""
    return write_rewritten_village(out, with_a_number, source)


def longest_text_fields() -> dict[str, int]:
    """``Struct.field`` -> its limit, for every bounded text field of the model."""
    found = {}
    for struct in vars(model).values():
        if isinstance(struct, type) and issubclass(struct, model.Struct) and struct is not model.Struct:
            for field in msgspec.inspect.type_info(struct).fields:
                info = field.type
                while isinstance(info, msgspec.inspect.ListType):
                    info = info.item_type
                if isinstance(info, msgspec.inspect.StrType) and info.max_length is not None and info.pattern is None:
                    found[f"{struct.__name__}.{field.encode_name}"] = info.max_length
    return found


if __name__ == "__main__":
    print(write_maximal_village(Path(sys.argv[1])))
