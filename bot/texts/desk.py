"""What the ticket desk says (Indonesian, Telegram HTML) and the staff-group ticket card.

Citizens are told the ticket number, the next step and the expected response time. Staff
answers reach citizens signed with the role (settings.staff_role), never a person's name.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..render import esc
from ..render.split import TELEGRAM_MAX, split_html
from ..text import utf16_len
from ..tickets import BARU, DIAMBIL, DIJAWAB, DITUTUP, LAPORAN, PERMINTAAN, Ticket, aware

JAKARTA = ZoneInfo("Asia/Jakarta")
CARD_TEXT_MAX = 900  # UTF-16 units (as Telegram counts) of the question / draft shown on a card
# a card whose fields at CARD_TEXT_MAX do not fit in one message is rebuilt with shorter fields
FIELD_BUDGETS = (CARD_TEXT_MAX, 600, 400, 250, 150, 80, 40)
REPORT_DEADLINE_DAYS = 7  # UU 1/2015 Pasal 134 ayat (4)

STATUS_ICON = {BARU: "🆕 baru", DIAMBIL: "🙋 diambil", DIJAWAB: "✅ dijawab", DITUTUP: "🔒 ditutup"}

# ----------------------------------------------------------------- citizen side


def response_time(hours: int) -> str:
    if hours % 24 == 0:
        return f"{hours // 24}×24 jam"
    return f"{hours} jam"


def ack(ticket: Ticket, hours: int) -> str:
    """Told to the citizen once the ticket is stored."""
    if ticket.kind == LAPORAN:
        step = (
            "Petugas Bawaslu akan memeriksa laporan Anda dan menghubungi Anda di chat ini. "
            "Percakapan ini <b>belum menjadi laporan resmi</b> sampai petugas mengonfirmasinya."
        )
    elif ticket.kind == PERMINTAAN:
        step = "Petugas Bawaslu akan membalas Anda langsung di chat ini."
    else:
        step = "Petugas Bawaslu akan memeriksa pertanyaan Anda dan membalas di chat ini."
    return (
        f"🎫 Nomor tiket Anda: <b>#{ticket.id}</b> ({esc(ticket.kind)}).\n"
        f"Langkah berikutnya: {step}\n"
        f"Perkiraan waktu tanggapan: paling lambat {response_time(hours)} (hari kerja).\n"
        "Anda akan diberi tahu di sini saat petugas menjawab atau menutup tiket."
    )


def already_open(ticket: Ticket) -> str:
    if not ticket.is_open:  # the hourly cap returned a ticket that is closed already
        return (
            f"Anda sudah membuka beberapa tiket dalam satu jam terakhir (terakhir: <b>#{ticket.id}</b>). "
            "Mohon tunggu sebentar sebelum membuka tiket baru; petugas tetap membaca tiket Anda yang ada."
        )
    return (
        f"Permintaan Anda sudah tercatat sebagai tiket <b>#{ticket.id}</b> "
        f"(status: {esc(ticket.status)}). Petugas akan membalas di chat ini."
    )


def relay(ticket: Ticket, text: str, role: str) -> str:
    return f"💬 <b>Jawaban petugas untuk tiket #{ticket.id}</b>\n\n{esc(text)}\n\n— <i>{esc(role)}</i>"


def relay_parts(ticket: Ticket, text: str, role: str) -> list[str]:
    """The relay split into messages Telegram accepts (UTF-16 units, as split_html counts)."""
    return split_html(relay(ticket, text, role))


def closed_notice(ticket: Ticket, role: str) -> str:
    return (
        f"🔒 Tiket <b>#{ticket.id}</b> telah ditutup oleh {esc(role)}. "
        "Terima kasih. Bila masih ada pertanyaan, silakan kirim pesan baru atau ketik /petugas."
    )


ESCALATE_FEEDBACK = (
    "Terima kasih atas penilaian Anda. Maaf bila jawabannya belum membantu. "
    "Mau pertanyaan ini diteruskan ke petugas Bawaslu?"
)
BTN_ESCALATE = "🙋 Teruskan ke petugas"
TOAST_TICKET = "Diteruskan ke petugas."

# ----------------------------------------------------------------- report intake (Pasal 134)

REPORT_INTRO = (
    "📝 Agar petugas dapat menindaklanjuti laporan Anda, saya akan menanyakan beberapa keterangan yang "
    "diminta <b>UU No. 1 Tahun 2015 Pasal 134 ayat (3)</b>, satu per satu.\n"
    "⏰ Penting: laporan pelanggaran disampaikan paling lambat <b>7 hari</b> sejak terjadinya pelanggaran "
    "(Pasal 134 ayat (4)).\n"
    "ℹ️ Percakapan ini <b>belum menjadi laporan resmi</b> sampai petugas mengonfirmasinya.\n"
    "Ketik /batal kapan saja untuk membatalkan."
)
ASK_ACCOUNT = "Ceritakan apa yang terjadi (uraian kejadian dugaan pelanggaran)."
ASK_REPORTER = (
    "1️⃣ Siapa <b>nama dan alamat</b> Anda sebagai pelapor? "
    "Anda boleh tidak menyebutkannya: tekan «Tidak bersedia»."
)
ASK_REPORTED = "2️⃣ Siapa <b>pihak yang dilaporkan</b> (nama, jabatan, atau partai/pasangan calon)?"
ASK_WHEN_WHERE = "3️⃣ <b>Kapan dan di mana</b> kejadiannya? (tanggal, jam, dan lokasi)"
ASK_EVIDENCE = (
    "4️⃣ Kirim <b>bukti</b> berupa foto atau dokumen (boleh lebih dari satu). "
    "Tekan «Selesai» bila sudah, atau «Tidak ada bukti»."
)
EVIDENCE_GOT = "📎 Bukti diterima ({n}). Kirim lagi, atau tekan «Selesai»."
EVIDENCE_ONLY = "Silakan kirim foto atau dokumen, atau tekan «Selesai» / «Tidak ada bukti»."
TEXT_ONLY = "Mohon jawab dengan teks."
BTN_DECLINE = "Tidak bersedia"
BTN_DONE = "Selesai"
BTN_NO_EVIDENCE = "Tidak ada bukti"
DECLINED = "(tidak bersedia disebutkan)"
REPORT_CANCELLED = (
    "Laporan dibatalkan. Petugas diberi tahu bahwa Anda membatalkannya; tidak ada laporan yang diteruskan. "
    "Anda bisa mulai lagi kapan saja dengan /lapor."
)
NOTHING_TO_CANCEL = "Tidak ada proses yang sedang berjalan."
REPORT_IN_GROUP = (
    "Demi privasi, laporan pelanggaran dilengkapi lewat chat pribadi dengan saya: kirim /lapor di sana."
)


def report_done(ticket: Ticket) -> str:
    return (
        f"✅ Terima kasih. Keterangan laporan tiket <b>#{ticket.id}</b> sudah lengkap dan diteruskan ke petugas.\n"
        "Ingat: ini <b>belum laporan resmi</b> sampai petugas mengonfirmasinya, dan laporan resmi harus "
        f"disampaikan paling lambat {REPORT_DEADLINE_DAYS} hari sejak kejadian (UU No. 1 Tahun 2015 Pasal 134 ayat (4))."
    )


def report_facts(report: dict, *, question: str = "", limit: int = CARD_TEXT_MAX) -> str:
    """The Pasal 134 ayat (3) facts as HTML lines (for the staff group).

    The account is left out when it is the ticket's question: the card shows that already.
    """
    lines = []
    for key, label in (
        ("reporter", "Pelapor (nama &amp; alamat)"),
        ("reported", "Terlapor"),
        ("when_where", "Waktu &amp; tempat"),
        ("account", "Uraian kejadian"),
    ):
        if key == "account" and (report.get(key) or "").strip() == (question or "").strip():
            continue
        if report.get(key):
            lines.append(f"<b>{label}:</b> {esc(_cut(report[key], limit))}")
    evidence = report.get("evidence") or []
    if report.get("state"):
        lines.append(f"<b>Bukti:</b> {len(evidence)} berkas" if evidence else "<b>Bukti:</b> tidak ada")
    return "\n".join(lines)


def report_followup(ticket: Ticket) -> str:
    head = f"📋 <b>Kelengkapan laporan tiket #{ticket.id}</b> (Pasal 134 ayat (3))\n\n"
    return fit(lambda limit: head + report_facts(ticket.report, question=ticket.question, limit=limit))


def report_cancelled_staff(ticket: Ticket) -> str:
    return f"🚫 Pelapor membatalkan laporan tiket <b>#{ticket.id}</b>. Tiket ditutup."


# ----------------------------------------------------------------- staff side


def _cut(text: str, limit: int = CARD_TEXT_MAX) -> str:
    """At most `limit` UTF-16 units (Telegram's count), an ellipsis where it was cut."""
    text = (text or "").strip()
    if utf16_len(text) <= limit:
        return text
    units, out = 0, []
    for ch in text:
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit - 1:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def fit(build: Callable[[int], str], limit: int = TELEGRAM_MAX) -> str:
    """`build(field_limit)` with the largest field budget whose result fits in one message
    (UTF-16 units of the HTML, which is never shorter than the text Telegram counts)."""
    text = ""
    for field_limit in FIELD_BUDGETS:
        text = build(field_limit)
        if utf16_len(text) <= limit:
            return text
    return split_html(text, limit)[0]


def age_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "baru saja"
    if minutes < 60:
        return f"{minutes} menit"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} jam {minutes} menit" if minutes else f"{hours} jam"
    days, hours = divmod(hours, 24)
    return f"{days} hari {hours} jam" if hours else f"{days} hari"


def local_time(dt: datetime | None) -> str:
    if dt is None:
        return "-"
    return aware(dt).astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M WIB")


def card(ticket: Ticket, *, now: datetime | None = None) -> str:
    """The ticket card posted in the staff group (HTML, at most 4,096 UTF-16 units).

    The citizen's message is shown once (a report's account is that message)."""
    return fit(lambda limit: _card(ticket, limit, now))


def _card(ticket: Ticket, limit: int, now: datetime | None) -> str:
    parts = [
        f"🎫 <b>Tiket #{ticket.id}</b> · {esc(ticket.kind)}",
        f"Status: {STATUS_ICON.get(ticket.status, esc(ticket.status))} · Umur: {age_text(ticket.age(now))} · "
        f"Masuk: {local_time(ticket.created_at)}",
        f"Warga: kode {esc(ticket.user_pseudonym[:8])} · chat {esc(ticket.chat_type)}",
    ]
    if ticket.assignee_name:
        parts.append(f"Ditangani: {esc(ticket.assignee_name)}")
    parts.append(f"\n<b>Pesan warga:</b>\n<blockquote>{esc(_cut(ticket.question, limit) or '(tanpa pesan)')}</blockquote>")
    if ticket.draft_answer:
        parts.append(
            f"<b>Draf jawaban bot</b> (keyakinan {ticket.confidence:.2f}):\n"
            f"<blockquote>{esc(_cut(ticket.draft_answer, limit))}</blockquote>"
        )
    if ticket.sources:
        lines = ["<b>Sumber draf:</b>"]
        for i, src in enumerate(ticket.sources[:5], 1):
            lines.append(f"{i}. {esc(src.get('label') or src.get('passage_id') or '?')} ({esc(src.get('status') or '-')})")
        parts.append("\n".join(lines))
    facts = report_facts(ticket.report or {}, question=ticket.question, limit=limit)
    if facts:
        parts.append("<b>Laporan (Pasal 134 ayat (3)):</b>\n" + facts)
    if ticket.status != DITUTUP:
        parts.append("<i>Balas (reply) pesan ini untuk menjawab warga. Jawaban dikirim atas nama peran, bukan nama Anda.</i>")
    return "\n".join(parts)



def queue(tickets: list[Ticket], *, now: datetime | None = None) -> str:
    if not tickets:
        return "📭 Antrian kosong: tidak ada tiket terbuka."
    lines = [f"📋 <b>Antrian tiket terbuka</b> ({len(tickets)}), terlama dulu:"]
    for t in tickets[:50]:
        who = f" · {esc(t.assignee_name)}" if t.assignee_name else ""
        lines.append(
            f"#{t.id} · {esc(t.kind)} · {STATUS_ICON.get(t.status, t.status)} · {age_text(t.age(now))}{who}\n"
            f"   {esc(_cut(t.question, 80))}"
        )
    if len(tickets) > 50:
        lines.append(f"… dan {len(tickets) - 50} tiket lainnya.")
    lines.append("Lihat satu tiket: /tiket &lt;nomor&gt;")
    return "\n".join(lines)


def transcript(entries) -> str:
    if not entries:
        return ""
    lines = ["<b>Riwayat:</b>"]
    for e in entries[-10:]:
        lines.append(f"• {local_time(e.at)} · {esc(e.author)}: {esc(_cut(e.text, 200))}")
    return "\n".join(lines)


def reminder(tickets: list[Ticket], *, now: datetime | None = None) -> str:
    lines = [f"⏰ <b>Pengingat:</b> {len(tickets)} tiket belum ditanggapi melewati batas waktu."]
    for t in tickets[:30]:
        who = f" (ditangani {esc(t.assignee_name)})" if t.assignee_name else " (belum diambil)"
        lines.append(f"#{t.id} · {esc(t.kind)} · umur {age_text(t.age(now))}{who}")
    lines.append("Lihat /antrian.")
    return "\n".join(lines)


STAFF_ONLY = "Maaf, tombol dan perintah ini hanya untuk petugas."
REDACTED = "🗑️ Pesan ini dihapus atas permintaan warga (penghapusan data pribadi, UU No. 27 Tahun 2022)."
STAFF_CHAT_ONLY = "Demi privasi warga, perintah ini hanya dapat dipakai di grup petugas atau chat pribadi dengan saya."
CLAIMED = "Tiket #{n} sekarang Anda tangani."
CLAIMED_BY = "Tiket #{n} sudah diambil oleh {name}."
NO_TICKET = "Tiket #{n} tidak ditemukan."
ANSWER_HOW = "Balas (reply) kartu tiket #{n} dengan jawaban Anda; bot meneruskannya ke warga."
CLOSED = "Tiket #{n} ditutup."
ALREADY_CLOSED = "Tiket #{n} sudah ditutup."
CLOSED_TICKET_REPLY = "Tiket #{n} sudah ditutup; jawaban tidak diteruskan."
RELAYED = "✅ Jawaban diteruskan ke warga (tiket #{n})."
RELAY_FAILED = (
    "⚠️ Jawaban untuk tiket #{n} tidak terkirim ke warga (mungkin warga memblokir bot atau chat tidak ada). "
    "Coba lagi nanti atau tutup tiket."
)
EDIT_NOT_RELAYED = (
    "Perubahan pesan tidak diteruskan ke warga (tiket #{n}). Bila perlu koreksi, balas kartu dengan pesan baru."
)
NOT_ASSIGNEE = "Tiket #{n} ditangani oleh {name}; jawaban Anda tidak diteruskan."
FAQ_NEEDS_ANSWER = "Tiket #{n} belum punya jawaban petugas untuk dijadikan FAQ."
FAQ_REVIEW_TOAST = (
    "Tinjau dulu FAQ #{faq}: balas pesan tinjauan di grup dengan pertanyaan FAQ yang umum, "
    "atau tekan «Terbitkan». Belum dipakai bot."
)
BTN_PUBLISH_FAQ = "✅ Terbitkan"
FAQ_ALREADY_LIVE = "FAQ #{faq} sudah terbit."
FAQ_DONE = (
    "⭐ Jawaban tiket #{n} disimpan sebagai FAQ #{faq} (jenis «jawaban petugas», {date}, atas nama {role}) "
    "dan langsung dipakai bot untuk pertanyaan serupa. Tarik kembali: /tarikfaq {faq}"
)
FAQ_WITHDRAWN = "FAQ #{faq} ditarik; bot tidak lagi mengutipnya."
FAQ_NOT_FOUND = "FAQ #{faq} tidak ditemukan atau sudah ditarik."
TICKET_USAGE = "Gunakan: /tiket &lt;nomor&gt;, misalnya /tiket 12"
TARIKFAQ_USAGE = "Gunakan: /tarikfaq &lt;nomor FAQ&gt;"
BTN_WITHDRAW_FAQ = "↩️ Tarik FAQ"

BTN_CLAIM = "🙋 Ambil"
BTN_ANSWER = "✍️ Jawab"
BTN_CLOSE = "🔒 Tutup"
BTN_MAKE_FAQ = "⭐ Jadikan FAQ"
REPORT_INACTIVE = "Laporan ini sudah tidak aktif (mungkin sudah ditutup petugas). Mulai lagi dengan /lapor."
INTAKE_START = REPORT_INTRO + "\n\n" + ASK_REPORTER  # the first intake question, after the acknowledgement
EVIDENCE_CAPTION = "Bukti {i} tiket #{n}"
EVIDENCE_FULL = (
    "Bukti sudah mencapai batas {limit} berkas untuk satu laporan. Tekan «Selesai» untuk mengirim laporan; "
    "bukti lain dapat diserahkan langsung kepada petugas."
)
FIELD_TOO_LONG = (
    "Jawaban Anda terlalu panjang ({length} karakter; paling banyak {limit}). Mohon ringkas, lalu kirim lagi."
)


# ----------------------------------------------------------------- FAQ review («Jadikan FAQ»)

_NUMBER = re.compile(r"(?<!\w)\+?\d[\d .-]{6,}\d(?!\w)")  # phone numbers, NIK, account numbers
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_HANDLE = re.compile(r"(?<!\w)@\w{3,}")
_NAME = re.compile(r"\b(nama saya|saya bernama|nama aku|aku bernama)\s+[^\s,.;:!?]+(?:\s+[A-Z][^\s,.;:!?]*)*", re.I)
_GREETING = re.compile(
    r"^\s*(?:halo|hai|hi|selamat (?:pagi|siang|sore|malam)|yth\.?|dear|terima kasih)\b[^\n,.!:]*[,.!:]\s*", re.I
)


def faq_scrub(text: str, report: dict | None = None) -> str:
    """A staff answer or citizen question without what identifies the citizen: numbers, e-mail
    addresses, @handles, "nama saya X", a greeting by name, the reporter's own words."""
    text = _GREETING.sub("", text or "", count=1)
    text = _NAME.sub(lambda m: m.group(1) + " [nama]", text)
    text = _EMAIL.sub("[email]", text)
    text = _HANDLE.sub("[akun]", text)
    text = _NUMBER.sub("[nomor]", text)
    reporter = (report or {}).get("reporter") or ""
    for word in {w for w in re.findall(r"[^\W\d_]{3,}", reporter)}:
        text = re.sub(rf"\b{re.escape(word)}\b", "[nama]", text)
    return text.strip()


def faq_review(ticket_id: int, faq_id: int, question: str, answer: str) -> str:
    return fit(lambda limit: (
        f"📝 <b>Tinjau FAQ dari tiket #{ticket_id}</b> (FAQ #{faq_id}, belum terbit)\n"
        f"<b>Usulan pertanyaan:</b>\n<blockquote>{esc(_cut(question, limit))}</blockquote>\n"
        f"<b>Jawaban:</b>\n<blockquote>{esc(_cut(answer, limit))}</blockquote>\n"
        "<i>Balas (reply) pesan ini dengan pertanyaan FAQ yang umum, tanpa nama atau nomor warga, untuk "
        "menerbitkannya; atau tekan «Terbitkan» bila usulan sudah tepat.</i>"
    ))


# ----------------------------------------------------------------- the staff group moved (Telegram migration)

STAFF_CHAT_MOVED = (
    "ℹ️ Grup petugas ({old}) diubah Telegram menjadi supergrup dengan id baru <code>{new}</code>. "
    "Bot sudah mengikuti grup baru; kartu tiket berikutnya dikirim ke sana. Mohon perbarui "
    "KEPEMILUAN_STAFF_CHAT_ID menjadi <code>{new}</code> pada konfigurasi."
)
STAFF_CHAT_MOVED_GROUP = (
    "ℹ️ Grup ini kini menjadi grup petugas (Telegram memindahkannya ke supergrup). Kartu tiket lama "
    "dapat dibuka lagi dengan /tiket N untuk dibalas."
)
