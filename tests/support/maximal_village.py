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

from kiosk import decode, model, model_oversight, paths
from kiosk.snapshot import read_folder_documents
from tooling.demo.build import write_folder

# Real sentences with what typesetting must keep together (amounts, dates,
# phone numbers), closing punctuation to place, and rare characters.
_PROSE = (
    "经村民代表会议表决通过，垚喆焱三户于2025年3月18日领取补助金12,345.50元，"
    "对公示有异议的，请拨打0738-1234567或12388反映（工作日8:30—17:30）。"
    "《中华人民共和国村民委员会组织法》第二十四条规定：涉及村民利益的事项，须经村民会议讨论决定方可办理；"
)


def text_of(length: int, start: int = 0) -> str:
    """Exactly ``length`` characters of prose, one paragraph, from ``start`` characters into it."""
    start %= len(_PROSE)
    return (_PROSE * (length // len(_PROSE) + 2))[start : start + length]


def _longest(value, info: msgspec.inspect.Type, place: int = 0):
    """``value`` with every bounded text in it made as long as allowed. The
    n-th item of a list starts n characters further into the prose: texts
    that must differ (the categories of a budget) still differ."""
    if isinstance(info, msgspec.inspect.StrType):
        return text_of(info.max_length, place) if info.max_length is not None and info.pattern is None else value
    if isinstance(info, msgspec.inspect.ListType):
        return [_longest(item, info.item_type, place + index) for index, item in enumerate(value)]
    if isinstance(info, msgspec.inspect.UnionType):
        inner = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        return value if value is None else _longest(value, inner[0], place)
    if isinstance(info, msgspec.inspect.StructType):
        changes = {field.name: _longest(getattr(value, field.name), field.type, place) for field in info.fields}
        return msgspec.structs.replace(value, **changes)
    return value


def write_maximal_village(out: Path, source: Path = paths.DEMO_VILLAGE) -> Path:
    documents = {}
    for name, data in read_folder_documents(source).items():
        document = decode.decode_document(name, data)
        documents[name] = _longest(document, msgspec.inspect.type_info(type(document)))
    media_folder = source / decode.MEDIA_DIR
    media = {path.name: path.read_bytes() for path in media_folder.iterdir()} if media_folder.is_dir() else {}
    write_folder(out, documents, media)
    return out


def longest_text_fields() -> dict[str, int]:
    """``Struct.field`` -> its limit, for every bounded text field of the model."""
    found = {}
    for struct in [*vars(model).values(), *vars(model_oversight).values()]:
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
