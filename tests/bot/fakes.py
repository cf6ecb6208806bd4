"""A stand-in for knowledge.engine.Engine with the same interface, for bot tests.

    answer(question) -> Answer        synchronous (runs in the bot's thread pool)
    passage(passage_id) -> Passage | None
    documents() -> list[dict]

The decision and the sources depend on keywords in the question, so tests can pick the kind of
answer they need; the answer itself (quotes down to the huruf, citations, warnings, disclaimer)
is made by the real composer, knowledge.compose, exactly as the engine makes it:

    "pendidikan" / "syarat"   → ANSWER quoting UU 10/2016 Pasal 7 ayat (2) huruf c (with a URL)
    "hak memilih" / "umur"    → ANSWER from UU 8/2012, repealed: a warning note
    "panjang"                 → ANSWER quoting a ~9000-character ayat whole (the composer's quote
                                limit raised, so the reply must be split)
    "id panjang"              → ANSWER whose passage id is longer than 64 bytes
    "menang" / "pendapat"     → ABSTAIN (political opinion)
    "lapor" / "politik uang"  → ESCALATE (violation report)
    "kasus saya"              → ESCALATE (own case: a question for staff)
    "sambungkan"              → ESCALATE (a person asked for)
    "lambat"                  → like "pendidikan" but takes `slow_seconds`
    "###"                     → raises knowledge.engine.QuestionError (bad input, message for the user)
    anything else             → ABSTAIN, nothing found (no_match)

`fail_next = n` makes the next n calls raise RuntimeError (error handler tests).
"""
from __future__ import annotations

import dataclasses
import threading
import time

try:
    from knowledge.engine import QuestionError
except ImportError:  # engine not there yet

    class QuestionError(ValueError):
        pass

from knowledge.cite import citation
from knowledge.compose import compose
from knowledge.spans import QUOTE_MAX
from knowledge.model import BERLAKU, DICABUT, UU, Answer, Decision, Passage, Source
from knowledge.pieces import joined

P7 = Passage(
    id="uu-10-2016@v1#pasal-7/ayat-2",
    doc_id="uu-10-2016",
    title=(
        "Undang-Undang Nomor 10 Tahun 2016 tentang Perubahan Kedua atas Undang-Undang Nomor 1 Tahun 2015 "
        "tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2014 tentang "
        "Pemilihan Gubernur, Bupati, dan Walikota menjadi Undang-Undang"
    ),
    text=(
        "(2) Calon Gubernur dan Calon Wakil Gubernur, Calon Bupati dan Calon Wakil Bupati, serta Calon "
        "Walikota dan Calon Wakil Walikota sebagaimana dimaksud pada ayat (1) harus memenuhi persyaratan "
        "sebagai berikut:\n"
        "a. bertakwa kepada Tuhan Yang Maha Esa;\n"
        "b. setia kepada Pancasila, Undang-Undang Dasar Negara Republik Indonesia Tahun 1945, cita-cita "
        "Proklamasi Kemerdekaan 17 Agustus 1945, dan Negara Kesatuan Republik Indonesia;\n"
        "c. berpendidikan paling rendah sekolah lanjutan tingkat atas atau sederajat;\n"
        "d. dihapus;\n"
        "e. berusia paling rendah 30 (tiga puluh) tahun untuk Calon Gubernur dan Calon Wakil Gubernur serta 25 "
        "(dua puluh lima) tahun untuk Calon Bupati dan Calon Wakil Bupati serta Calon Walikota dan Calon Wakil "
        "Walikota;\n"
        "f. mampu secara jasmani, rohani, dan bebas dari penyalahgunaan narkotika berdasarkan hasil pemeriksaan "
        "kesehatan menyeluruh dari tim;\n"
        "g. tidak pernah sebagai terpidana berdasarkan putusan pengadilan yang telah memperoleh kekuatan hukum "
        "tetap atau bagi mantan terpidana telah secara terbuka dan jujur mengemukakan kepada publik bahwa yang "
        "bersangkutan mantan terpidana;"
    ),
    doc_type=UU,
    number="10",
    year=2016,
    pasal="7",
    ayat="2",
    section="Pasal I angka 1",
    url="https://peraturan.bpk.go.id/Details/37644/uu-no-10-tahun-2016",
)
QUOTE_P7 = "c. berpendidikan paling rendah sekolah lanjutan tingkat atas atau sederajat;"

P_REPEALED = Passage(
    id="uu-8-2012@v1#pasal-19/ayat-1",
    doc_id="uu-8-2012",
    title="Undang-Undang Nomor 8 Tahun 2012 tentang Pemilihan Umum Anggota DPR, DPD, dan DPRD",
    text=(
        "(1) Warga Negara Indonesia yang pada hari pemungutan suara telah genap berumur 17 (tujuh belas) "
        "tahun atau lebih atau sudah/pernah kawin mempunyai hak memilih."
    ),
    doc_type=UU,
    number="8",
    year=2012,
    pasal="19",
    ayat="1",
    status=DICABUT,
    status_by="uu-7-2017",
)
REPEALED_NOTE = "sudah dicabut oleh UU No. 7 Tahun 2017"  # what a citizen must read about P_REPEALED

_LONG_ITEMS = "\n".join(
    f"{i}. ketentuan uji nomor {i} mengenai tahapan, jadwal, dan tata cara penyelenggaraan pemilihan "
    f"yang ditetapkan oleh KPU & diawasi oleh Bawaslu <sesuai> peraturan perundang-undangan;"
    for i in range(1, 56)
)
P_LONG = Passage(
    id="uji-panjang@v1#pasal-99",
    doc_id="uji-panjang",
    title="Dokumen Uji Panjang (data uji, bukan peraturan)",
    text="(1) Ketentuan uji sebagai berikut:\n" + _LONG_ITEMS,
    doc_type=UU,
    number="99",
    year=2099,
    pasal="99",
)

P_LONG_ID = Passage(
    id="peraturan-komisi-pemilihan-umum-nomor-8-tahun-2024-tentang-pencalonan@v12#bab-iii/bagian-kedua/pasal-14/ayat-2",
    doc_id="pkpu-8-2024",
    title="Peraturan KPU Nomor 8 Tahun 2024 tentang Pencalonan (data uji)",
    text="(2) Persyaratan calon dibuktikan dengan dokumen yang sah sebagaimana ditetapkan KPU.",
    doc_type="PKPU",
    number="8",
    year=2024,
    pasal="14",
    ayat="2",
)

# Two neighbouring pieces of one article, which the engine shows as one source (knowledge/pieces.py)
P40_1 = Passage(
    id="uu-10-2016@v1#pasal-40/ayat-1", doc_id="uu-10-2016", title=P7.title, doc_type=UU, number="10", year=2016,
    pasal="40", ayat="1",
    text="(1) Partai Politik dapat mendaftarkan pasangan calon jika memenuhi ambang batas perolehan suara.",
)
P40_2 = dataclasses.replace(
    P40_1, id="uu-10-2016@v1#pasal-40/ayat-2", ayat="2",
    text="(2) Ambang batas sebagaimana dimaksud pada ayat (1) dihitung dari perolehan suara sah.",
)

PASSAGES = {p.id: p for p in (P7, P_REPEALED, P_LONG, P_LONG_ID, P40_1, P40_2)}


def source_of(p: Passage | tuple[Passage, ...], score: float = 0.8) -> Source:
    """A source of one passage, or of neighbouring pieces of one article joined as the engine does."""
    parts = ()
    if isinstance(p, tuple):
        p, parts = joined(list(p), p[0].id)
    by = [d for d in (p.status_by or "").split(",") if d]
    return Source(passage=p, citation=citation(p, status=p.status, status_by=by), score=score, parts=parts)


# keywords -> (decision, reason, sources); the first that matches wins
_ROUTES: list[tuple[tuple[str, ...], Decision, str, tuple[tuple[Passage | tuple[Passage, ...], float], ...]]] = [
    (("id panjang",), Decision.ANSWER, "retrieved", ((P_LONG_ID, 0.7),)),
    (("ambang",), Decision.ANSWER, "retrieved", (((P40_1, P40_2), 0.8),)),
    (("panjang",), Decision.ANSWER, "retrieved", ((P_LONG, 0.7),)),
    (("pendidikan", "syarat", "lambat"), Decision.ANSWER, "retrieved", ((P7, 0.91),)),
    (("hak memilih", "umur"), Decision.ANSWER, "retrieved", ((P_REPEALED, 0.6),)),
    (("menang", "pendapat"), Decision.ABSTAIN, "political_opinion", ()),
    (("kasus saya",), Decision.ESCALATE, "own_case", ()),
    (("laporan saya",), Decision.ESCALATE, "own_report", ()),
    (("sambungkan",), Decision.ESCALATE, "human_requested", ()),
    (("lapor", "politik uang"), Decision.ESCALATE, "violation_report", ()),
]


class FakeEngine:
    def __init__(self, *, delay: float = 0.0, slow_seconds: float = 1.5):
        self.delay = delay
        self.slow_seconds = slow_seconds
        self.fail_next = 0
        self.fail_message = "simulated engine failure"
        self.questions: list[str] = []
        self.extra: list[Passage] = []  # passages written through the knowledge base (staff FAQ answers)
        self._lock = threading.Lock()

    # -------------------------------------------------------------- interface

    def answer(self, question: str) -> Answer:
        started = time.perf_counter()
        with self._lock:
            self.questions.append(question)
            if self.fail_next > 0:
                self.fail_next -= 1
                raise RuntimeError(self.fail_message)
        q = question.lower()
        if "###" in q:
            raise QuestionError("Pertanyaan tidak dapat diproses: hapus simbol <###> lalu coba lagi.")
        if self.delay:
            time.sleep(self.delay)
        if "lambat" in q:
            time.sleep(self.slow_seconds)
        ans = self._answer(question, q)
        ans.latency_ms = (time.perf_counter() - started) * 1000
        return ans

    def passage(self, passage_id: str) -> Passage | None:
        return PASSAGES.get(passage_id)

    def documents(self) -> list[dict]:
        return [
            {"doc_id": "uu-10-2016", "title": P7.title, "doc_type": UU, "status": BERLAKU, "status_by": None, "passages": 120},
            {"doc_id": "uu-1-2015", "title": "Undang-Undang Nomor 1 Tahun 2015 tentang Pilkada", "doc_type": UU,
             "status": "diubah", "status_by": "uu-8-2015, uu-10-2016", "passages": 300},
            {"doc_id": "uu-8-2012", "title": P_REPEALED.title, "doc_type": UU, "status": DICABUT,
             "status_by": "uu-7-2017", "passages": 250},
        ]

    # -------------------------------------------------------------- the writer's side
    # (bot.application.ports.Engine): staff FAQ passages are kept, the answers above stay canned

    def passages(self) -> list[Passage]:
        return list(self.extra)

    def reload(self, passages: list[Passage]) -> None:
        self.extra = list(passages)

    def replace_document(self, doc_id: str, passages: list[Passage]) -> None:
        self.extra = [p for p in self.extra if p.doc_id != doc_id] + list(passages)

    def remove_document(self, doc_id: str) -> int:
        before = len(self.extra)
        self.extra = [p for p in self.extra if p.doc_id != doc_id]
        return before - len(self.extra)

    def set_status(self, doc_id: str, status: str, status_by: str | None = None) -> int:
        return 0

    @property
    def size(self) -> int:
        return len(self.extra)

    # -------------------------------------------------------------- answers

    def _answer(self, question: str, q: str) -> Answer:
        decision, reason, sources = Decision.ABSTAIN, "no_match", ()
        for words, decision_, reason_, sources_ in _ROUTES:
            if any(w in q for w in words):
                decision, reason, sources = decision_, reason_, sources_
                break
        ans = Answer(question, decision, 0.9 if decision == Decision.ANSWER else 0.3,
                     sources=[source_of(p, score) for p, score in sources], reason=reason)
        # the long passage is quoted whole: a reply the bot must split over several messages
        long = any(p is P_LONG for p, _ in sources)
        return compose(ans, question, quote_max=len(P_LONG.text) if long else QUOTE_MAX)
