"""Search without a keyboard: big letter keys, results on every tap.

Villagers do not type; they tap the first letters of the pinyin (``DB``
for 低保评定, ``ZJD`` for 宅基地审批) on an alphabetical on-screen keyboard
(A-Z in rows of seven, as in a primer: easier to find a letter on than
QWERTY for someone who never used a computer), or an amount on the row of
digits under it (``1500`` finds every entry of 1,500.00元). Keys that would
find nothing are greyed out.

The index (``kiosk.search.SearchIndex``) is built once per snapshot, off
the UI thread, by ``screens.services.search.SearchService``; queries run on the UI thread, each tap
a millisecond or a few; which keys to grey out is worked out a few letters
a frame after the results.
"""

from __future__ import annotations

import time
from string import ascii_lowercase, ascii_uppercase, digits

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.search import HitKind, SearchHit, SearchIndex
from screens.services.search import SearchService
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.uix.widgets import KButton, after_next_frame

KIND_BADGES = {
    HitKind.POWER: "权力",
    HitKind.PROJECT: "项目",
    HitKind.NOTICE: "通知",
    HitKind.CASE: "案例",
    HitKind.DISCLOSURE: "公示",
    HitKind.PERSON: "村干部",
    HitKind.CONTRACT: "合同",
    HitKind.LISTED: "名单",
    HitKind.PAYEE: "收付款",
    HitKind.AMOUNT: "金额",
}
LETTER_ROWS = ("ABCDEFG", "HIJKLMN", "OPQRSTU", "VWXYZ")
DIGIT_ROWS = ("12345", "67890")  # under the letters, five to a row: wide keys for amounts
KEYS = ascii_uppercase + digits
MAX_TYPED = 12  # no title needs more initials, no amount more digits; keeps the typed line on one line
GREYING_SLICE_S = 0.004  # of each frame's time for working out which keys to grey out


# The screen (and its params) that shows each kind of hit.
_TARGETS = {
    HitKind.POWER: lambda hit: (ScreenName.POWER_DETAIL, {"item_id": hit.id}),
    HitKind.PROJECT: lambda hit: (ScreenName.PROJECT_DETAIL, {"project_id": hit.id}),
    HitKind.NOTICE: lambda hit: (ScreenName.NOTICE_DETAIL, {"notice_id": hit.id}),
    HitKind.CASE: lambda hit: (ScreenName.NOTICE_DETAIL, {"case_id": hit.id}),
    HitKind.DISCLOSURE: lambda hit: (ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": hit.id}),
    HitKind.PERSON: lambda hit: (ScreenName.PERSON_DETAIL, {"person_id": hit.id}),
    HitKind.CONTRACT: lambda hit: (ScreenName.CONTRACT_DETAIL, {"contract_id": hit.id}),
    HitKind.LISTED: lambda hit: (ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": hit.id, "highlight": hit.title}),
    HitKind.PAYEE: lambda hit: (ScreenName.FINANCE_ENTRIES, {"counterparty": hit.id}),
    HitKind.AMOUNT: lambda hit: (ScreenName.FINANCE_ENTRIES, {"amount_fen": int(hit.id)}),
}


def hit_target(hit: SearchHit) -> tuple[ScreenName, dict]:
    """The screen (and its params) that shows a hit."""
    return _TARGETS[hit.kind](hit)


class LetterKey(KButton):
    letter = StringProperty()


class LetterKeyboard(BoxLayout):
    """Big keys A-Z in alphabetical rows, 删除 after Z, then the digits.
    ``on_letter(key)`` and ``on_delete()`` are called on taps."""

    on_letter = ObjectProperty(None, allownone=True)
    on_delete = ObjectProperty(None, allownone=True)
    key_height = NumericProperty(0)  # of every row: set by the screen's layout
    row_count = len(LETTER_ROWS + DIGIT_ROWS)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.keys: dict[str, LetterKey] = {}
        for letters in LETTER_ROWS + DIGIT_ROWS:
            row = KeyRow()
            for letter in letters:
                # As tall as the row, whatever order the kv rules came in (KButton's is size_hint_y None).
                key = LetterKey(letter=letter, size_hint_y=1, action=lambda letter=letter: self.on_letter(letter))
                self.keys[letter] = key
                row.add_widget(key)
            if letters == LETTER_ROWS[-1]:
                row.add_widget(DeleteKey(size_hint=(len(LETTER_ROWS[0]) - len(letters), 1), action=lambda: self.on_delete()))
            self.add_widget(row)

    def enable_only(self, letters: set[str] | None) -> None:
        """Grey out the keys not in ``letters`` (None: every key works)."""
        for letter, key in self.keys.items():
            key.disabled = letters is not None and letter not in letters


class KeyRow(BoxLayout):
    pass


class DeleteKey(KButton):
    pass


class SearchScreen(KioskScreen):
    typed = StringProperty("")  # upper-case letters as tapped
    status = StringProperty("")
    ready = BooleanProperty(False)
    suggested_for = StringProperty(None, allownone=True)  # the letters the greyed-out keys are for

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        keyboard = self.ids.keyboard
        keyboard.on_letter = self.type_letter
        keyboard.on_delete = self.delete
        self._greying = None  # the greying being worked out
        self._bound = False

    @property
    def service(self) -> SearchService:
        return self.app.search

    def show(self, **params) -> None:
        text: str = params.get("text", "")
        self.title = "搜索"
        if not self._bound:
            self.service.bind(index=self._on_index)  # a method: held weakly, not keeping this screen alive
            self._bound = True
        self.service.refresh_day()  # the names of lists whose publicity began or ended since
        self.typed = "".join(ch for ch in text.upper() if ch in KEYS)[:MAX_TYPED]
        self._refresh()
        after_next_frame(self.ids.results.prepare_rows)  # before the first key, not in its frame

    def _on_index(self, *_args) -> None:
        self._refresh()

    def type_letter(self, letter: str) -> None:
        if len(self.typed) < MAX_TYPED:
            self._set_typed(self.typed + letter)

    def delete(self) -> None:
        self._set_typed(self.typed[:-1])

    def clear(self) -> None:
        self._set_typed("")

    def _set_typed(self, typed: str) -> None:
        self.typed = typed
        nav = self.app.nav
        if nav.current[0] is ScreenName.SEARCH:  # 返回 from a result comes back to these letters
            nav.history[-1] = (ScreenName.SEARCH, {"text": typed} if typed else {})
        self._refresh()

    def _refresh(self) -> None:
        index = self.service.index
        self.ready = index is not None
        rows = []
        if index is None:
            self.status = "正在准备搜索，请稍等……"
        elif not self.typed:
            self.status = "用拼音的头一个字母找。比如找“低保评定”：点 D，再点 B。常查的事在下面，点一下就能看："
            # The screen is not left empty: what villagers look up most, with the letters that find it.
            rows = [dict(self._row(hit), subtitle="点 " + " ".join(letters) + " 就能找到") for letters, hit in index.examples()]
        else:
            hits = index.query(self.typed)
            rows = [self._row(hit) for hit in hits]
            self.status = f"找到{len(hits)}条，点一条看详细。" if hits else "没有找到。点“删除”去掉最后一个字母，再试试。"
        self.ids.results.rows = rows
        self._grey_out_keys(index)

    def _grey_out_keys(self, index: SearchIndex | None) -> None:
        """Grey out the letters that would find nothing, worked out a few
        letters a frame after the results: all 26 at once are 60 ms median,
        up to 200 ms on 10,000 records, and would hold up the next key.
        (A thread would not: the searches hold the interpreter, and the next
        key's frame waited for them all the same, measured twice as slow.)"""
        if self._greying is not None:
            self._greying.cancel()  # for letters no longer on show
            self._greying = None
        typed = self.typed
        if index is None:
            self._show_greying(typed, None)
            return
        letters = iter(ascii_lowercase + digits)
        found: set[str] = set()

        def step(_dt) -> bool:
            deadline = time.perf_counter() + GREYING_SLICE_S
            for letter in letters:
                found.update(index.suggest_keys(typed, letter))
                if time.perf_counter() > deadline:
                    return True  # more in the next frame
            self._greying = None
            self._show_greying(typed, {letter.upper() for letter in found})
            return False

        self._greying = Clock.schedule_interval(step, 0)

    def _show_greying(self, typed: str, letters: set[str] | None) -> None:
        self.ids.keyboard.enable_only(letters)
        self.suggested_for = typed

    @staticmethod
    def _row(hit: SearchHit) -> dict:
        name, params = hit_target(hit)
        return {
            "title": hit.title,
            "subtitle": hit.subtitle,
            "badge": KIND_BADGES[hit.kind],
            "action": lambda: App.get_running_app().nav.go(name, **params),
        }
