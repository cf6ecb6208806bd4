"""What the engine decides to do with a message, as a citizen (or the staff desk) notices it.
Every message here is written for this test, not taken from training data or any evaluation set."""
import pytest

from knowledge import classifier as clf
from knowledge.model import Decision


@pytest.mark.parametrize("q", [
    "Rekomendasi Panwaslu Kota Sukamakmur untuk pemungutan suara ulang di TPS 08 diabaikan KPU Kota",
    "Dugaan penghilangan suara caleg DPRD nomor urut 2 saat rekapitulasi di PPK Kecamatan Cempaka",
    "Caleg Partai Bintang Terang bernama Sutarjo diduga membagikan uang kepada warga Desa Karangasri",
    "Spanduk caleg DPR RI nomor urut 7 masih terpasang di Jalan Pahlawan pada masa tenang",
    # short headlines with no place, name or number in them
    "Ada pelajar SMP ikut kampanye akbar partai",
    "Camat ikut kampanye pasangan calon di lapangan kecamatan",
    "Petugas KPPS membuka kotak suara tanpa disaksikan saksi",
    "Ribuan pemilih ganda di DPT Kabupaten Garut",
])
def test_a_third_person_report_headline_goes_to_staff(engine, q):
    ans = engine.answer(q)
    assert (ans.decision, ans.reason) == (Decision.ESCALATE, "violation_report"), ans.confidence
    assert "petugas" in ans.message and not ans.quotes


@pytest.mark.parametrize("q", [
    "mau tanya syarat nyalon bupati",
    "Mau nanya dong, orang yang belum punya KTP elektronik bisa milih gak?",
    "Mau tahu, berapa lama masa kampanye pilkada?",
])
def test_mau_tanya_is_a_question_not_a_request_for_a_person(engine, q):
    ans = engine.answer(q)
    assert ans.decision == Decision.ANSWER, (ans.decision, ans.reason)
    assert ans.quotes


@pytest.mark.parametrize("q, reason", [
    ("hubungkan dengan petugas", "human_requested"),
    ("bisa saya bicara dengan admin?", "human_requested"),
    ("saya mau lapor, ada pembagian amplop di balai desa", "violation_report"),
    ("Saya dipanggil Bawaslu kabupaten karena ikut deklarasi, saya harus bagaimana?", "own_case"),
    # the sender's own report: one reason, so the desk files it as a report without reading the text again
    ("Laporan saya soal kecurangan di TPS 4 sudah sebulan belum ada kabarnya, bagaimana ini?", "own_report"),
])
def test_explicit_intents_escalate_with_their_kind(engine, q, reason):
    ans = engine.answer(q)
    assert (ans.decision, ans.reason) == (Decision.ESCALATE, reason)


def test_asking_where_to_report_is_answered(engine):
    ans = engine.answer("kalau saya mau lapor politik uang ke mana ya?")
    assert ans.decision == Decision.ANSWER, ans.reason


@pytest.mark.parametrize("q", [
    # how an outcome is decided, when something may be published: rules, not today's facts
    "Bagaimana pasangan calon terpilih ditetapkan kalau perolehan suaranya sama?",
    "Siapa yang menetapkan pemenang pemilihan bupati?",
    "Kapan hasil hitung cepat boleh diumumkan?",
    # an institution the slang list does not know
    "Apa tugas DKPP?",
    # generated-style, chat register
    "boleh gak sih PNS ikut kampanye paslon?",
    "kalo calonnya cuma satu, menangnya gimana?",
])
def test_rule_questions_are_answered_not_abstained(engine, q):
    ans = engine.answer(q)
    assert ans.decision == Decision.ANSWER, (ans.reason, ans.confidence)
    assert ans.confidence >= clf.shipped().calibration.threshold


@pytest.mark.parametrize("q, law_words", [
    ("PSU bisa dilakukan kalau ada apa?", "pemungutan suara"),
    ("PTPS dibentuk sama siapa?", "pengawas tps"),
    ("Panwascam tugasnya ngawasin apa aja?", "kecamatan"),
    # "prosedurnya" says how one asks, like "caranya": not what the question is about
    ("Mau pindah memilih ke kota lain, prosedurnya gimana?", "pindah"),
])
def test_an_everyday_abbreviation_the_laws_never_use_is_answered_with_the_laws_words(engine, q, law_words):
    # citizens say PSU, PTPS, Panwascam; the laws say "pemungutan suara ulang", "Pengawas TPS",
    # "Panwaslu Kecamatan"
    ans = engine.answer(q)
    assert ans.decision == Decision.ANSWER, (ans.reason, ans.confidence)
    assert law_words in ans.quotes[0].text.lower()


@pytest.mark.parametrize("q", [
    "hukumannya apa kalau ketahuan jual beli suara?",
    "sanksi buat tim sukses yang beli suara warga apa?",
])
def test_a_rule_question_in_everyday_words_the_law_does_not_use_is_answered(engine, q):
    # "jual beli suara" is the law's "menjanjikan atau memberikan uang atau materi lainnya"; the
    # domain model once read "jual beli" as a question about buying land
    ans = engine.answer(q)
    assert ans.decision == Decision.ANSWER, (ans.reason, ans.confidence)
    assert any("uang" in s.passage.text for s in ans.sources[:3])


def test_tim_sukses_is_the_laws_campaign_team(engine):
    ans = engine.answer("boleh gak kepala desa jadi tim sukses?")
    assert ans.decision == Decision.ANSWER, (ans.reason, ans.confidence)
    assert any("kampanye" in s.passage.text.lower() for s in ans.sources[:3])


@pytest.mark.parametrize("q", [
    "Siapa ketua Bawaslu yang menjabat sekarang?",
    "Partai apa yang menang pemilu kemarin di kota kami?",
    # a past result is a fact to look up, not a request for a prediction: the citizen is not told
    # "saya tidak memberikan pendapat" but where the official result is
    "siapa yang menang pilkada kabupaten kami tahun 2024?",
])
def test_todays_office_holders_and_results_abstain(engine, q):
    ans = engine.answer(q)
    assert (ans.decision, ans.reason) == (Decision.ABSTAIN, "current_fact")


def test_a_prediction_of_the_winner_is_still_refused_as_an_opinion(engine):
    ans = engine.answer("menurutmu siapa yang bakal menang pilgub nanti?")
    assert (ans.decision, ans.reason) == (Decision.ABSTAIN, "political_opinion")


@pytest.mark.parametrize("q", [
    "Berapa ongkos servis AC di Depok?",
    "Bagaimana cara mengurus akta cerai?",
    "resep sayur asem yang segar",
])
def test_questions_outside_election_law_abstain_with_low_confidence_of_an_answer(engine, q):
    ans = engine.answer(q)
    assert ans.decision == Decision.ABSTAIN and not ans.quotes
    # the abstention says how sure it is that the corpus does NOT answer
    assert ans.confidence > 1 - clf.shipped().calibration.threshold


def test_a_document_with_words_no_training_text_had_still_answers(fixture_passages):
    # an admin-added rule: its words ("akun") are in no generated question, and in out-of-scope texts
    from knowledge.engine import Engine
    from knowledge.model import Passage

    rule = Passage(id="perbawaslu-x@v1#pasal-4", doc_id="perbawaslu-x", title="Pengawasan Siaran Kampanye",
                   pasal="4",
                   text="(1) Akun resmi kampanye di media sosial paling banyak 12 (dua belas) akun.")
    eng = Engine(list(fixture_passages) + [rule])
    ans = eng.answer("Berapa jumlah akun resmi kampanye di media sosial?")
    assert ans.decision == Decision.ANSWER, (ans.reason, ans.confidence)
    assert ans.sources[0].passage.id == rule.id
