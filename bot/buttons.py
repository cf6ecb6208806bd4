"""Every inline button's callback data, in one table: how it is built, how it is matched.

Telegram rejects callback_data over 64 bytes (BUTTON_DATA_INVALID), so buttons carry only short
server-side keys (a conversation row id, a source number, a ticket number); long values such as
passage ids are looked up in the database. `Callback.data` builds a payload and checks the
64 bytes (the one check); `Callback.pattern` is the regex the handler is registered with.

    fb:<conversation>:+|-     feedback 👍 / 👎
    ps:<conversation>:<n>     show the full passage of source n (1-based)
    hp:<conversation>         «Tanya petugas» (0 = no conversation)
    hq:<conversation>         «Teruskan ke petugas» offered after 👎
    hd:y | hd:n               /hapusdata confirmation
    tk:a|j|t|f:<ticket>       staff card: Ambil / Jawab / Tutup / Jadikan FAQ
    fq:w|p:<faq>              withdraw a staff FAQ answer / publish a reviewed one
    ah:<token>:y|n            admin /hapus confirmation
    rp:anon | rp:done | rp:none   report intake: reporter declines / evidence done / no evidence

No telegram import: a `Keyboard` is plain data; bot/keyboards.py turns it into Telegram markup
for direct replies and the outbox stores `Keyboard.to_dict()` (the Bot API's JSON).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .texts import admin as am
from .texts import citizen as m
from .texts import desk as dm

MAX_CALLBACK_BYTES = 64


class CallbackTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Callback:
    prefix: str
    fields: str  # the regex of what follows "<prefix>:"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"^{self.prefix}:{self.fields}$")

    def data(self, *parts: object) -> str:
        data = ":".join([self.prefix, *(str(p) for p in parts)])
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise CallbackTooLong(f"callback_data too long: {len(data.encode())} bytes")
        if not self.pattern.match(data):
            raise ValueError(f"{data!r} does not match its own pattern")
        return data

    def pattern_for(self, *values: str) -> re.Pattern[str]:
        """Only some of this prefix's values (e.g. one step of a conversation)."""
        return re.compile(rf"^{self.prefix}:(" + "|".join(re.escape(v) for v in values) + ")$")

    def match(self, data: str | None) -> re.Match[str] | None:
        return self.pattern.match(data or "")


ID = r"(\d{1,19})"
FEEDBACK = Callback("fb", rf"{ID}:([+-])")
PASSAGE = Callback("ps", rf"{ID}:(\d{{1,2}})")
STAFF = Callback("hp", ID)
ESCALATE = Callback("hq", ID)
DELETE = Callback("hd", r"([yn])")
TICKET = Callback("tk", rf"([ajtf]):{ID}")
FAQ = Callback("fq", rf"([wp]):{ID}")
ADMIN_REMOVE = Callback("ah", r"([A-Za-z0-9_-]{1,16}):([yn])")
REPORT = Callback("rp", r"(anon|done|none)")

TABLE = (FEEDBACK, PASSAGE, STAFF, ESCALATE, DELETE, TICKET, FAQ, ADMIN_REMOVE, REPORT)


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class Keyboard:
    rows: tuple[tuple[Button, ...], ...]

    @classmethod
    def of(cls, *rows: list[Button] | tuple[Button, ...]) -> "Keyboard":
        return cls(tuple(tuple(r) for r in rows if r))

    def to_dict(self) -> dict:
        return {"inline_keyboard": [[{"text": b.text, "callback_data": b.data} for b in row] for row in self.rows]}

    def without(self, callback: Callback) -> "Keyboard | None":
        rows = tuple(r for r in self.rows if not any(callback.match(b.data) for b in r))
        return Keyboard(rows) if rows else None


# ---------------------------------------------------------------- the layouts

MAX_PASSAGE_BUTTONS = 3


def answer_keyboard(conversation_id: int | None, n_sources: int, *, feedback: bool = True) -> Keyboard:
    cid = conversation_id or 0
    rows: list[list[Button]] = []
    if conversation_id and feedback:
        rows.append([Button(m.BTN_UP, FEEDBACK.data(cid, "+")), Button(m.BTN_DOWN, FEEDBACK.data(cid, "-"))])
    if conversation_id and n_sources:
        shown = min(n_sources, MAX_PASSAGE_BUTTONS)
        if shown == 1:
            rows.append([Button(m.BTN_PASSAGE, PASSAGE.data(cid, 1))])
        else:
            rows.append([Button(m.BTN_PASSAGE_N.format(n=i), PASSAGE.data(cid, i)) for i in range(1, shown + 1)])
    rows.append([Button(m.BTN_STAFF, STAFF.data(cid))])
    return Keyboard.of(*rows)


def delete_keyboard() -> Keyboard:
    return Keyboard.of([Button(m.YES, DELETE.data("y")), Button(m.CANCEL, DELETE.data("n"))])


def card_keyboard(ticket_id: int, *, closed: bool) -> Keyboard:
    faq = Button(dm.BTN_MAKE_FAQ, TICKET.data("f", ticket_id))
    if closed:
        return Keyboard.of([faq])
    return Keyboard.of([Button(dm.BTN_CLAIM, TICKET.data("a", ticket_id)), Button(dm.BTN_ANSWER, TICKET.data("j", ticket_id))],
                       [Button(dm.BTN_CLOSE, TICKET.data("t", ticket_id)), faq])


def faq_keyboard(faq_id: int) -> Keyboard:
    return Keyboard.of([Button(dm.BTN_WITHDRAW_FAQ, FAQ.data("w", faq_id))])


def faq_review_keyboard(faq_id: int) -> Keyboard:
    return Keyboard.of([Button(dm.BTN_PUBLISH_FAQ, FAQ.data("p", faq_id))])


def reporter_keyboard() -> Keyboard:
    return Keyboard.of([Button(dm.BTN_DECLINE, REPORT.data("anon"))])


def evidence_keyboard() -> Keyboard:
    return Keyboard.of([Button(dm.BTN_DONE, REPORT.data("done")), Button(dm.BTN_NO_EVIDENCE, REPORT.data("none"))])


def escalate_keyboard(conversation_id: int) -> Keyboard:
    return Keyboard.of([Button(dm.BTN_ESCALATE, ESCALATE.data(conversation_id))])


def remove_keyboard(token: str) -> Keyboard:
    return Keyboard.of([Button(am.REMOVE_YES, ADMIN_REMOVE.data(token, "y")),
                        Button(am.REMOVE_NO, ADMIN_REMOVE.data(token, "n"))])
