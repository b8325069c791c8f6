"""我的补贴: a villager types their resident ID number (or puts their card
on a reader that types it), picks their family name, and sees every
subsidy paid to them or their household.

Private by design (docs/FEED-FORMAT.md section 4.7):
- the number is checked (GB 11643) before anything is looked up;
- the slow key derivation runs on a worker thread, its answer comes back
  through the Clock, and is dropped if the villager has moved on;
- nothing of it goes into the navigation history (whose parameters the
  usage counts record), a log or a file: the number, the candidates and
  the payments live in this screen alone, and are forgotten the moment it
  is left (返回, 首页, the idle reset, the attract screen, the technician
  menu) or new data arrives.
"""

from __future__ import annotations

import logging
import threading
from functools import partial
from itertools import groupby

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk import money
from kiosk.benefits import id_number
from kiosk.benefits.lookup import Lookup, look_up
from kiosk.benefits.view import BenefitsView, PaymentRow
from kiosk.complaint import ComplaintUrlError, complaint_url
from kiosk.disclosure_view import date_zh
from kiosk.ops.logs import log_event
from kiosk.privacy import public_numbers
from kiosk.qr import qr_matrix
from kiosk.speech.benefits import benefits_text
from screens.shell.card_reader import DELETE, ENTER
from screens.shell.navigation import load_kv
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.complaint import matrix_texture
from screens.ui_screens.search import LetterKey

load_kv("ui_screens.search")  # the pad's keys are the search keyboard's (LetterKey, DeleteKey): as big, as clear

log = logging.getLogger(__name__)

PAGE_PAYMENTS = 12  # payment cards shown at once; 再看 adds as many more
WRONG_NUMBER = "号码不对，请再看一下身份证"
DEFAULT_ENQUIRIES = "村务监督委员会，或者乡镇民政办"


class PadStep(BoxLayout):
    """Typing the number: 1-9, X, 0 and 删除 in rows of three."""

    screen = ObjectProperty(None, rebind=True)

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        keys = self.ids.pad_keys
        # Heights from the grid's rows (size_hint_y 1): the keys' own rules follow their words.
        for letter in "123456789X0":
            keys.add_widget(LetterKey(letter=letter, size_hint_y=1, action=partial(self.screen.press, letter)))
        keys.add_widget(Factory.PadDelete(size_hint_y=1, action=partial(self.screen.press, DELETE)))


class NamesStep(BoxLayout):
    """Picking the family name."""

    screen = ObjectProperty(None, rebind=True)


class ResultsStep(BoxLayout):
    """The payments."""

    screen = ObjectProperty(None, rebind=True)


class AnswerStep(ScrollView):
    """A plain answer: no records, no data, please wait."""

    screen = ObjectProperty(None, rebind=True)


class TotalLine(BoxLayout):
    label = StringProperty()
    amount = StringProperty()
    year = BooleanProperty(False)  # the year's own line, over its programmes


class PaymentCard(BoxLayout):
    programme = StringProperty()
    amount = StringProperty()
    date = StringProperty()
    payer = StringProperty()
    covers = StringProperty()
    report = ObjectProperty(None, allownone=True)


class PaymentComplaint(ModalView):
    """反映 one payment: a QR code naming it, for the villager's phone."""

    about = StringProperty()
    qr_texture = ObjectProperty(None, allownone=True)
    modules = NumericProperty(1)
    qr_side = NumericProperty(0)
    problem = StringProperty()


class BenefitsScreen(KioskScreen):
    step = StringProperty("pad")  # pad / wait / names / results / none / no_data
    typed = StringProperty("")
    message = StringProperty("")
    wrong = BooleanProperty(False)  # the message says the number is wrong
    candidates = ListProperty()
    answer = StringProperty("")  # what the none / no_data / wait steps say, in a line
    detail = StringProperty("")  # and what to do about it
    summary = StringProperty("")
    more = StringProperty("")  # the 再看 button's words, "" when every payment is shown

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._steps: dict[str, Widget] = {
            "pad": PadStep(screen=self),
            "names": NamesStep(screen=self),
            "results": ResultsStep(screen=self),
            "answer": AnswerStep(screen=self),
        }
        self._generation = 0  # a lookup's answer is only taken for the number it was asked for
        self._lookup: Lookup | None = None
        self._view: BenefitsView | None = None
        self._shown = 0  # payment cards on the results page
        self._by_reader = False  # the last key came from a card reader, not the screen
        self._complaint: PaymentComplaint | None = None

    # ------------------------------------------------------------ the screen's life

    def show(self, **_params) -> None:
        self.title = "我的补贴"
        self.forget()

    def on_enter(self, *_args) -> None:
        self.app.typed_keys.take(self.reader_key)

    def on_leave(self, *_args) -> None:
        self.app.typed_keys.release(self.reader_key)
        self.forget()

    def forget(self) -> None:
        """Back to an empty pad: the number, the candidates, the payments
        and the complaint code of a payment are dropped, and a lookup still
        running is ignored when it ends."""
        self._generation += 1
        self._lookup = self._view = None
        self._shown = 0
        self._by_reader = False
        self.typed = self.message = self.summary = self.more = self.answer = self.detail = ""
        self.wrong = False
        self.candidates = []
        self._steps["names"].ids.names.clear_widgets()
        self._steps["results"].ids.totals.clear_widgets()
        self._steps["results"].ids.cards.clear_widgets()
        self._close_complaint()
        if self.app.read_aloud.is_speaking():
            self.app.read_aloud.stop()
        if self.snapshot is None or self.snapshot.benefits is None:
            self._answer("no_data", "本村的补贴发放记录还没有放到查询机上", "请到村委会，或者乡镇民政办查询。")
        else:
            self._go("pad")

    def _go(self, step: str) -> None:
        self.step = step
        stage = self.ids.stage
        panel = self._steps["answer" if step in ("wait", "none", "no_data") else step]
        if panel.parent is not stage:
            stage.clear_widgets()
            stage.add_widget(panel)
        root = getattr(self.app, "root", None)
        if root is not None and self.app.nav is not None and self.app.nav.current[0].value == self.name:
            root.update_read_aloud(self)

    def _answer(self, step: str, answer: str, detail: str = "") -> None:
        self.answer, self.detail = answer, detail
        self._go(step)

    # ------------------------------------------------------------ typing

    def press(self, key: str) -> None:
        """A key of the on-screen pad: a digit, "X", DELETE or "clear"."""
        self._by_reader = False
        self._type(key)

    def reader_key(self, key: str) -> None:
        """A key typed by an ID-card reader (or any keyboard): it starts a
        new number, whatever was on the screen."""
        if self.step == "no_data":
            return
        if not self._by_reader and key not in (DELETE, ENTER):
            self.forget()
            self._by_reader = True
        if self.step != "pad":
            return
        if key == ENTER:
            self.submit()
        else:
            self._type(key)

    def _type(self, key: str) -> None:
        if key == DELETE:
            self.typed = self.typed[:-1]
        elif key == "clear":
            self.typed = ""
        elif len(self.typed) < id_number.LENGTH:
            self.typed += key
        self.wrong = False
        left = id_number.LENGTH - len(self.typed)
        self.message = f"还差{left}位" if self.typed and left else ""

    def submit(self) -> None:
        """查询: check the number, then look it up off the UI thread."""
        if len(self.typed) < id_number.LENGTH:
            self.wrong = False
            self.message = f"身份证号码是18位，现在是{len(self.typed)}位" if self.typed else "请先输入身份证号码"
            return
        if not id_number.is_valid(self.typed):
            self.wrong = True
            self.message = WRONG_NUMBER
            return
        number, doc, generation = self.typed, self.snapshot.benefits, self._generation
        self.typed = ""  # off the screen at once; the worker has it
        self._answer("wait", "正在查询，请稍等……")
        threading.Thread(target=self._look_up, args=(doc, number, generation), name="benefits-lookup", daemon=True).start()

    def _look_up(self, doc, number: str, generation: int) -> None:
        try:
            found: Lookup | None = look_up(doc, number)
        except (MemoryError, ValueError) as exc:  # scrypt's memory, a number that passed the check yet not the derivation
            log_event(log, "benefits.lookup_failed", logging.WARNING, reason=type(exc).__name__)
            found = None
        Clock.schedule_once(partial(self._looked_up, generation, found))

    def _looked_up(self, generation: int, found: Lookup | None, _dt=None) -> None:
        if generation != self._generation:
            return  # the villager has left, or started again
        if found is None:
            self._answer("none", "查询没有成功", "请点“重新输入”，再试一次。")
            return
        self._lookup = found
        self.candidates = list(found.candidates)
        names = self._steps["names"].ids.names
        for name in self.candidates:
            names.add_widget(Factory.NameKey(text=name, action=partial(self.choose, name)))
        self._go("names")

    # ------------------------------------------------------------ the family name

    def choose(self, family_name: str | None) -> None:
        """A candidate tapped (None: 上面没有我的姓)."""
        record = self._lookup.choose(family_name) if self._lookup is not None and family_name else None
        self._lookup = None
        self.candidates = []
        self._steps["names"].ids.names.clear_widgets()
        if record is None:
            self._answer("none", "没有查到您家的补贴发放记录", self.where_to_ask())
            return
        self._view = BenefitsView.of(record, public_numbers(self.snapshot.complaint.hotlines))
        self._show_results()

    def where_to_ask(self) -> str:
        enquiries = self.snapshot.benefits.enquiries or DEFAULT_ENQUIRIES
        return f"如果您领过补贴，或者觉得应该领到，请问{enquiries.rstrip('。')}。\n号码或者姓选错了，请点“重新输入”。"

    def start_again(self) -> None:
        self.forget()

    # ------------------------------------------------------------ results

    def _show_results(self) -> None:
        view = self._view
        assert view is not None and self.snapshot is not None and self.snapshot.benefits is not None  # a name was just chosen
        ids = self._steps["results"].ids
        as_of = date_zh(self.snapshot.benefits.as_of)
        self.summary = f"一共{len(view.payments)}笔，记录截至{as_of}。"
        for year, group in groupby(view.totals, key=lambda total: total.year):
            totals = list(group)
            ids.totals.add_widget(TotalLine(label=f"{year}年", amount=money.yuan(sum(t.total_fen for t in totals)), year=True))
            for total in totals:
                ids.totals.add_widget(TotalLine(label=f"{total.programme}（{total.count}笔）", amount=total.total_text))
        self._go("results")
        self.show_more()
        ids.page.scroll_y = 1

    def show_more(self) -> None:
        """The next ``PAGE_PAYMENTS`` payments (a page of cards, not a
        list of hundreds built at once)."""
        view = self._view
        if view is None:
            return
        cards = self._steps["results"].ids.cards
        for row in view.payments[self._shown : self._shown + PAGE_PAYMENTS]:
            cards.add_widget(
                PaymentCard(
                    programme=row.programme,
                    amount=row.amount_text,
                    date=f"发放日期：{row.date_zh}",
                    payer=f"发放单位：{row.payer}",
                    covers=f"享受人员：{row.covers_text}" if row.covers else "",
                    report=partial(self.report, row),
                )
            )
        self._shown = min(len(view.payments), self._shown + PAGE_PAYMENTS)
        left = len(view.payments) - self._shown
        self.more = f"再看{min(left, PAGE_PAYMENTS)}笔更早的（还有{left}笔）" if left else ""

    def cards(self) -> list[PaymentCard]:
        """The payment cards on the results page, newest first."""
        return list(reversed(self._steps["results"].ids.cards.children))

    def spoken_text(self) -> str | None:
        """What 朗读 says here: the payments, or the answer on screen."""
        if self.step == "results" and self._view is not None:
            return benefits_text(self._view)
        if self.step in ("none", "no_data"):
            return f"{self.answer}。{self.detail}"
        return None

    # ------------------------------------------------------------ 反映 a payment

    def report(self, row: PaymentRow) -> None:
        snapshot = self.snapshot
        dialog = PaymentComplaint(about=f"{row.programme}\n{row.amount_text}\n{row.date_zh}发放")
        try:
            url = complaint_url(snapshot.complaint, snapshot.village.code, self.app.kiosk_config.terminal.id, row.id)
        except ComplaintUrlError:
            dialog.problem = "扫码反映暂时用不了，请打电话反映：" + "  ".join(h.number for h in snapshot.complaint.hotlines)
        else:
            dialog.qr_texture = matrix_texture(qr_matrix(url))
            dialog.modules = dialog.qr_texture.width
        self._complaint = dialog
        dialog.bind(on_dismiss=self._complaint_closed)
        dialog.open(animation=False)

    def _complaint_closed(self, dialog) -> None:
        if self._complaint is dialog:
            self._complaint = None

    def _close_complaint(self) -> None:
        if self._complaint is not None:
            dialog, self._complaint = self._complaint, None
            dialog.dismiss(animation=False)
            dialog.qr_texture = None
            dialog.about = ""
