"""Decisions on messages written for a check, never for training and never from an evaluation set:
short third-person report headlines (they must go to staff) and rule questions in everyday words
with abbreviations, outcomes and publication times (they must be answered).

    .venv/bin/python bench/fresh_checks.py          # after `kepemiluan ingest`

Prints the share escalated / answered, and the same for the baseline "a report is anything not
phrased as a question" (no "?" and no question word), measured in the same run. Then how many
rule questions (all about today's rules) are answered first with a repealed law, by the default
linear fusion and by the learned re-ranker (KEPEMILUAN_RERANK=1), in the same run.
"""
from __future__ import annotations

import os
import re
import sys

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPORT_HEADLINES = [
    "Caleg petahana pakai dana desa untuk cetak kalender kampanye",
    "Ada pelajar SMP ikut kampanye akbar partai",
    "Camat ikut kampanye pasangan calon di lapangan kecamatan",
    "Suara caleg hilang di TPS 5 Desa Mekarjaya",
    "Dugaan politik uang oleh caleg nomor urut 3 di Kecamatan Sukaresmi",
    "Kepala desa mengarahkan warga memilih paslon petahana",
    "Petugas KPPS membuka kotak suara tanpa disaksikan saksi",
    "Oknum guru honorer membagikan stiker caleg di sekolah",
    "Pembagian beras oleh tim sukses calon bupati menjelang pencoblosan",
    "Baliho calon gubernur dipasang di kantor kelurahan",
    "Formulir C1 di TPS 2 berbeda dengan hasil rekap PPK",
    "KPU kota tidak mengumumkan DPS di kelurahan kami",
    "Intimidasi terhadap pemilih oleh preman di TPS 11",
    "Kampanye di luar jadwal oleh partai di alun-alun kota",
    "Ribuan pemilih ganda di DPT Kabupaten Garut",
]
RULE_QUESTIONS = [
    "DKPP bisa memberhentikan anggota KPU gak?",
    "Gakkumdu itu isinya siapa aja?",
    "Panwascam dibentuk kapan?",
    "PPLN tugasnya apa?",
    "Kalau suara dua paslon sama persis, pemenang pilkada ditentukan gimana?",
    "Kapan hasil quick count boleh diumumkan?",
    "Hasil survei elektabilitas boleh dipublikasikan pas masa tenang?",
    "Penetapan calon terpilih DPRD berdasarkan apa?",
    "Gimana cara menentukan kursi partai di DPR?",
    "Siapa yang menetapkan pemenang pilpres?",
    "Mau daftar jadi pengawas TPS, apa syaratnya?",
    "Mau protes hasil pilkada, ke mana?",
    "Mau pindah memilih ke kota lain, prosedurnya gimana?",
    "PSU bisa dilakukan kalau ada apa?",
    "DPTb itu buat siapa?",
    "Sipol itu wajib buat parpol?",
    "Berapa ambang batas parlemen?",
    "Batas usia minimal calon gubernur berapa sekarang?",
    "Apakah putusan MK soal ambang batas pencalonan pilkada sudah berlaku?",
    "Calon perseorangan pilkada butuh dukungan berapa KTP?",
    "Hakim MK berapa orang?",
    "Partai politik bisa dibubarkan siapa?",
    "Anggota KPU boleh jadi pengurus partai?",
    "Kampanye di kampus boleh gak?",
    "Presiden boleh kampanye?",
]
_QWORD = re.compile(r"\b(apa|apakah|siapa|bagaimana|gimana|kapan|dimana|di mana|mengapa|kenapa|berapa|bolehkah|"
                    r"bisakah|boleh|bisa|mana|gak|nggak|ga|tidak)\b", re.I)


def baseline_is_report(text: str) -> bool:
    return not (text.rstrip().endswith("?") or _QWORD.search(text))


def main() -> int:
    from bot.settings import Settings
    from bot.wiring import build_engine
    from knowledge.model import DICABUT, Decision
    from knowledge.rerank import TreeReranker

    engine = build_engine(Settings())
    if not engine.document_passages("uu-10-2016"):
        sys.exit("the index is empty: run `kepemiluan ingest` first")
    rows = []
    for kind, texts, wanted in (("report headlines escalated", REPORT_HEADLINES, Decision.ESCALATE),
                                ("rule questions answered", RULE_QUESTIONS, Decision.ANSWER)):
        got = [engine.answer(t) for t in texts]
        ok = sum(a.decision == wanted for a in got)
        base = sum(baseline_is_report(t) == (wanted == Decision.ESCALATE) for t in texts)
        rows.append((kind, len(texts), ok, base))
        for t, a in zip(texts, got):
            if a.decision != wanted:
                print(f"  miss: {a.decision.value:8s} {a.reason or '':16s} {t}")
    print(f"{'':32s} {'n':>3s} {'engine':>7s} {'baseline':>9s} {'ratio':>6s}")
    for kind, n, ok, base in rows:
        print(f"{kind:32s} {n:3d} {ok / n:7.3f} {base / n:9.3f} {(ok / base if base else float('inf')):6.2f}")
    # the law in force first: today's rule questions should not lead with a repealed law
    counts = {}
    default = engine.reranker
    # the trees KEPEMILUAN_RERANK=1 would use (none without a dense signal)
    trees = default or (TreeReranker.load() if engine._state.retriever.weights.dense > 0 else None)
    for label, rr in [("linear fusion", None)] + ([("learned re-ranker", trees)] if trees else []):
        engine.reranker = engine._state.retriever.reranker = rr
        led = [a for a in map(engine.answer, RULE_QUESTIONS) if a.sources]
        counts[label + (" (default)" if rr is default else "")] = (
            [a.question for a in led if a.sources[0].citation.status == DICABUT], len(led))
    engine.reranker = engine._state.retriever.reranker = default
    for label, (rep, n) in counts.items():
        print(f"rule questions led by a repealed law, {label}: {len(rep)}/{n} {rep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
