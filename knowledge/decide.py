"""Decide what to do with a message: answer, abstain or escalate, with a confidence.

Rules over the kind of message, not over particular questions:
- escalate: a report of a concrete violation that happened, a request for a person, or a request
  for help with the sender's own case;
- abstain: a request for a political opinion or a prediction about candidates or parties, or a
  question outside election law that the corpus does not answer;
- answer: everything else that retrieval supports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Decision

_Q_START = re.compile(
    r"^\s*(apa|apakah|siapa|siapakah|bagaimana|gimana|bgmn|kapan|dimana|di mana|mengapa|kenapa|berapa|bolehkah|"
    r"bisakah|dapatkah|haruskah|mana|jelaskan|sebutkan|tolong jelaskan|mohon (?:penjelasan|info)|boleh|bisa|"
    r"kalau|kalo|jika|bila|seandainya|misal(?:nya)?|syarat|bunyi|isi)\b", re.I)
_Q_INLINE = re.compile(r"\b(apakah|bolehkah|bisakah|gimana|bagaimana|boleh (?:nggak|gak|ga|tidak|ngga)|bisa (?:nggak|gak|ga|tidak)|"
                       r"harus (?:mundur|nggak|gak|ga)|(?:nggak|gak|ga|tidak)\s*\?|apa (?:saja|aja|sanksi|hukuman))\b", re.I)

_HUMAN = re.compile(
    r"\b(sambung(?:kan)?|hubung(?:kan|i)|bicara|ngobrol|chat|minta|ingin|mau|butuh|perlu|tolong)\b.{0,40}\b"
    r"(admin|staf|staff|petugas|operator|manusia|orang|cs|customer service|pegawai bawaslu|pengawas)\b"
    r"|\b(petugas|admin|staf)\s+(dong|tolong|please|pls)\b|^\s*/?petugas\s*$", re.I)
_OWN_CASE = re.compile(
    r"\b(kasus saya|masalah saya|perkara saya|saya (?:di|ter)laporkan|saya digugat|saya dipecat|saya diberhentikan|"
    r"saya dicoret|\b(?:saya|aku)\b[^.?!]{0,40}\b(?:di|ter)(?:panggil|periksa|tuduh|ancam|intimidasi|polisikan|tangkap|somasi)|"
    r"saya (?:sedang |lagi )?(?:di|ter)proses|bantu saya (?:melapor|menggugat|banding|mengajukan|membuat laporan)|(?:dampingi|damping) saya|"
    r"saya (?:ingin|mau|akan) (?:melapor|melaporkan|lapor|mengadu|mengadukan|menggugat)|mau lapor|ingin lapor|"
    r"saya (?:telah|sudah) melapor|laporan saya)\b", re.I)

# "saya mau lapor ...": the sender wants to report something, which is report intake, not a question
_WANTS_TO_REPORT = re.compile(r"\b(?:saya |aku |kami )?(?:ingin|mau|akan|pengen|hendak) (?:melapor|melaporkan|lapor|mengadu|mengadukan)\b", re.I)

_REPORT_WORDS = re.compile(
    r"\b(dugaan pelanggaran|ditemukan (?:dugaan )?pelanggaran|telah ditemukan|temuan pelanggaran|pelanggaran (?:dilakukan|yang dilakukan)|"
    r"melakukan pelanggaran|telah melanggar|(?:pelanggaran|kecurangan)\b[^.?!]{0,60}\bdilakukan oleh|penggelembungan suara|kecurangan|dicurangi|masih (?:setia )?(?:terpasang|nangkring|dipasang|ada)|"
    r"(?:saya|kami) (?:di)?tolak|kehilangan hak pilih|tidak (?:diberi|mendapat) (?:undangan|surat suara)|"
    r"membagi(?:-|kan )?(?:bagikan )?(?:uang|sembako|amplop)|bagi-bagi (?:uang|sembako|amplop)|"
    r"ada (?:yang|orang) (?:membagikan|bagi|memberi|ngasih)|melihat (?:ada )?(?:yang|orang)|"
    r"bagi2|bagi(?:-| )bagi|(?:saya|aku|kami) (?:lihat|liat|melihat|menyaksikan|mendapati|menemukan|memergoki|dapat|dapet|menerima|nerima)\b"
    r"[^.?!]{0,60}\b(?:amplop|uang|sembako|kampanye|baliho|spanduk|poster|coblos|suara|timses|tim sukses|paslon|caleg|calon))\b", re.I)
_CONCRETE = [
    re.compile(r"\b\d{1,2}\s+(januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember)\s+\d{4}\b", re.I),
    re.compile(r"\(\d{1,2}/\d{1,2}/\d{2,4}\)|\b\d{1,2}/\d{1,2}/\d{4}\b"),
    re.compile(r"\b(hari ini|kemarin|tadi (?:pagi|siang|malam)|semalam|pagi ini)\b", re.I),
    re.compile(r"\b(jalan|jl|kelurahan|kecamatan|kabupaten|kab|kota|desa|dusun|rt|rw|perumahan|blok|dapil|tps \d+|lokasi)\b", re.I),
    re.compile(r"\b(nomor urut|nomor \d+|no\.? urut|bernama|atas nama|caleg \w+|partai [A-Z]\w+|dari partai)\b", re.I),
    re.compile(r"\b(di (?:pohon|tiang|belakang|depan|dekat|pinggir|samping)|dipasang|memasang|terpasang|ditemukan)\b", re.I),
]

_OPINION = re.compile(
    r"\b(menurut (?:kamu|anda|mu|bot|pendapatmu|pendapat kamu|pendapat anda)|pendapat(?:mu| kamu| anda)|"
    r"(?:paling|lebih) (?:bagus|baik|layak|pantas|bersih|jujur|hebat|buruk|jelek|korup)|terbaik|terburuk|"
    r"(?:sebaiknya|harus(?:nya)?|enaknya|mending) (?:saya |aku |kita )?(?:pilih|coblos|dukung)|pilih siapa|coblos siapa|dukung siapa|"
    r"siapa yang (?:akan |bakal )?menang|siapa yang pantas|(?:akan|bakal) menang|prediksi|ramal|elektabilitas|survei|"
    r"partai (?:mana|apa) yang (?:bagus|baik|terbaik)|rekomendasi(?:kan)? (?:calon|partai|capres|paslon))\b", re.I)
_POLITICAL_TARGET = re.compile(r"\b(calon|capres|cawapres|cagub|cabup|paslon|partai|kandidat|caleg|presiden|gubernur|bupati|walikota|pasangan)\b", re.I)

# Words of the election-law domain: a message with none of them, and with weak retrieval, is out of scope.
_DOMAIN = re.compile(
    r"\b(pemilu\w*|pemilih\w*|pilih|memilih|dipilih|pilkada|pemilukada|pileg|pilpres|pilgub|pilbup|calon|caleg|capres|cawapres|cagub|cabup|paslon|"
    r"kampanye|tps|suara|coblos|nyoblos|kpu|bawaslu|panwaslu|panwas|dkpp|kpps|pps|ppk|partai|parpol|dpr|dpd|dprd|mpr|presiden|"
    r"gubernur|bupati|walikota|wali kota|kepala daerah|petahana|dpt|dps|daftar pemilih|hak pilih|golput|politik uang|"
    r"money politic\w*|serangan fajar|pelanggaran|sengketa|mahkamah konstitusi|mk|konstitusi|uud|undang[- ]undang|uu|pasal|ayat|"
    r"peraturan|pkpu|perbawaslu|asn|pns|tni|polri|netralitas|penyelenggara|pengawas|rekapitulasi|penghitungan|"
    r"pemungutan|surat suara|ktp|dapil|kursi|legislatif|warga negara|hak asasi|pidana|sanksi|demokrasi|bawaslu)\b", re.I)


# "siapa ketua KPU sekarang?", "siapa pemenang pilkada Jakarta?": a fact about people or results
# today, which laws do not hold (news might).
_CURRENT_FACT = re.compile(
    r"\bsiapa(?:kah)?\b.*\b(sekarang|saat ini|terkini|terbaru|periode ini|tahun ini|kini)\b|"
    r"\b(siapa|partai apa|berapa)\b.*\b(pemenang|menang|peraih suara|perolehan suara|hasil (?:akhir|resmi|hitung|quick count))\b|"
    r"\bquick count\b|\bhasil survei\b", re.I)


def asks_current_fact(text: str) -> bool:
    return bool(_CURRENT_FACT.search(text))


@dataclass
class Verdict:
    decision: Decision
    reason: str
    confidence: float


def is_question(text: str) -> bool:
    t = text.strip()
    return t.endswith("?") or bool(_Q_START.match(t)) or bool(_Q_INLINE.search(t))


def report_score(text: str) -> int:
    """How strongly a message reads as a report of a concrete violation that happened."""
    score = 2 * len(_REPORT_WORDS.findall(text))
    score += sum(1 for rx in _CONCRETE if rx.search(text))
    if len(text) > 250:
        score += 1
    if is_question(text):
        score -= 3
    return score


def classify(text: str) -> Verdict | None:
    """The decision that the message's kind dictates before retrieval, or None to retrieve and answer."""
    t = text.strip()
    if _HUMAN.search(t):
        return Verdict(Decision.ESCALATE, "human_requested", 0.95)
    rs = report_score(t)
    if _WANTS_TO_REPORT.search(t):
        return Verdict(Decision.ESCALATE, "violation_report", 0.85)
    if _OWN_CASE.search(t):
        return Verdict(Decision.ESCALATE, "own_case", 0.85)
    if rs >= 3:
        return Verdict(Decision.ESCALATE, "violation_report", min(0.99, 0.6 + 0.07 * rs))
    if _OPINION.search(t) and (_POLITICAL_TARGET.search(t) or re.search(r"\b(menang|pilih|coblos|dukung)\b", t, re.I)):
        return Verdict(Decision.ABSTAIN, "political_opinion", 0.9)
    return None


def in_domain(text: str) -> bool:
    return bool(_DOMAIN.search(text))


def retrieval_confidence(top_lexical: float, n_query_terms: int, direct: bool) -> float:
    """Map the best BM25 score to 0..1 (scores grow with the number of matched query terms)."""
    if direct:
        return 0.95
    if n_query_terms == 0:
        return 0.0
    per_term = top_lexical / max(1, n_query_terms)
    return max(0.0, min(0.95, per_term / 4.0))
