"""Ranking as a citizen notices it: the law in force first, the right law for the election, the
part of the law the question asks for, generated questions that lead to their passage. Plain
Python over small Passage dataclasses (no Telegram, no model); the weights are the shipped,
fitted ones (knowledge/ranking.json)."""
import dataclasses
import json

import pytest

from ingest.questions import load_table, question_id, questions_for
from knowledge.lexical import LexicalIndex
from knowledge.model import BERLAKU, DICABUT, Passage, content_hash
from knowledge.retrieval import Catalog, Question, Retriever, Weights

TITLES = {
    "uu-7-2017": "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum",
    "uu-8-2012": "Undang-Undang Nomor 8 Tahun 2012 tentang Pemilihan Umum Anggota Dewan Perwakilan Rakyat",
    "uu-1-2015": "Undang-Undang Nomor 1 Tahun 2015 tentang Penetapan Peraturan Pemerintah Pengganti "
                 "Undang-Undang Nomor 1 Tahun 2014 tentang Pemilihan Gubernur, Bupati, dan Walikota",
    "uu-2-2008": "Undang-Undang Nomor 2 Tahun 2008 tentang Partai Politik",
    "uud-1945": "Undang-Undang Dasar Negara Republik Indonesia Tahun 1945",
}


def passage(doc: str, pasal: str, text: str, *, status: str = BERLAKU, status_by: str | None = None,
            section: str = "") -> Passage:
    number, year = doc.split("-")[1:3]
    return Passage(id=f"{doc}@v1#pasal-{pasal}", doc_id=doc, text=text, title=TITLES[doc], number=number,
                   year=int(year), pasal=pasal, section=section, status=status, status_by=status_by,
                   hash=content_hash(text))


FILLER = [
    passage("uu-2-2008", "3", "Partai Politik harus didaftarkan ke Kementerian untuk menjadi badan hukum."),
    passage("uu-2-2008", "4", "Kementerian menerima pendaftaran pendirian Partai Politik dan melakukan penelitian."),
]


def retriever(passages, questions=(), **kw) -> Retriever:
    cat = Catalog(passages)
    return Retriever(cat, LexicalIndex(passages, sections=cat.sections()), questions=questions, **kw)


def top_ids(r: Retriever, q: str, n: int = 3) -> list[str]:
    return [s.passage.id for s in r.search(q)[:n]]


def test_shipped_weights_are_fitted_not_the_lexical_defaults():
    w = Weights.load()
    assert w != Weights(), "knowledge/ranking.json is missing: run bench/ablation.py --fit"
    assert w.repealed < 0 and w.named > 0  # in force first; the law a question names first


# -- status prior ------------------------------------------------------------------------------
VOTER_TEXT = ("Pemilih yang tidak terdaftar dalam daftar pemilih tetap dapat menggunakan haknya untuk memilih "
              "dengan menunjukkan kartu tanda penduduk.")
IN_FORCE = passage("uu-7-2017", "348", VOTER_TEXT)
REPEALED = passage("uu-8-2012", "150", VOTER_TEXT, status=DICABUT, status_by="uu-7-2017")


def test_a_repealed_article_does_not_outrank_the_one_in_force():
    r = retriever([REPEALED, IN_FORCE] + FILLER)
    got = r.search("nama saya tidak terdaftar di daftar pemilih, bisa memilih pakai kartu tanda penduduk?")
    assert got[0].passage.id == IN_FORCE.id
    assert REPEALED.id in [s.passage.id for s in got]  # still a source, flagged by its citation


def test_a_repealed_article_leads_when_the_question_names_that_law():
    r = retriever([IN_FORCE, REPEALED] + FILLER)
    got = r.search("menurut UU 8/2012, pemilih yang tidak terdaftar bisa memilih pakai kartu tanda penduduk?")
    assert got[0].passage.id == REPEALED.id


def test_a_repealed_article_is_found_when_nothing_in_force_matches():
    only_old = passage("uu-8-2012", "80", "Kampanye melalui media massa cetak dilaksanakan selama 21 hari.",
                       status=DICABUT, status_by="uu-7-2017")
    r = retriever([IN_FORCE, only_old] + FILLER)
    assert r.search("berapa hari kampanye lewat media massa cetak?")[0].passage.id == only_old.id


# -- election type as a document prior ----------------------------------------------------------
CAMPAIGN = "Kampanye dilaksanakan oleh tim kampanye yang didaftarkan kepada KPU sesuai jadwal."


def test_the_election_type_routes_to_its_law_not_to_text_that_lists_the_offices():
    pilkada = passage("uu-1-2015", "63", CAMPAIGN)
    pemilu = passage("uu-7-2017", "267", CAMPAIGN)
    offices = passage("uu-1-2015", "201", "Pemungutan suara serentak pemilihan Gubernur, Bupati, dan Walikota, "
                      "pemilihan Gubernur, Bupati, dan Walikota tahun 2015, pemilihan Gubernur, Bupati, dan Walikota.")
    r = retriever([pemilu, pilkada, offices] + FILLER)
    assert top_ids(r, "tim kampanye pilkada didaftarkan ke mana?", 1) == [pilkada.id]
    assert top_ids(r, "tim kampanye pileg didaftarkan ke mana?", 1) == [pemilu.id]


# -- question kind -> part of the law (from the structure) --------------------------------------
DEFINITIONS = passage("uu-1-2015", "1", "Dalam Undang-Undang ini yang dimaksud dengan:\n1. Kampanye adalah kegiatan "
                      "menawarkan visi, misi, dan program.\n2. Pemungutan suara adalah pemberian suara di TPS.\n"
                      "3. Calon adalah peserta pemilihan.", section="BAB I KETENTUAN UMUM")


def test_a_short_when_question_does_not_go_to_the_definitions_list():
    timing = passage("uu-1-2015", "67", "Kampanye dilaksanakan paling lambat 3 (tiga) hari setelah penetapan calon.")
    r = retriever([DEFINITIONS, timing] + FILLER)
    assert top_ids(r, "kapan kampanye calon dimulai?", 1) == [timing.id]


def test_every_part_of_a_long_definitions_article_counts_as_definitions():
    # A long Pasal 1 is split into parts; only the first opens with "yang dimaksud dengan:", and this
    # law heads its chapter "PENGERTIAN ISTILAH" (OCR-garbled), not "KETENTUAN UMUM". The later parts
    # are still definitions and must not lead a question that asks how to do something.
    head = "BAB I PENGERTIAN ISTII,AH"
    first = passage("uu-7-2017", "1", "Dalam Undang-Undang ini yang dimaksud dengan:\n1. Pemilihan Umum adalah "
                    "sarana kedaulatan rakyat.\n2. Penyelenggara Pemilu adalah lembaga yang menyelenggarakan "
                    "Pemilu.", section=head)
    first = dataclasses.replace(first, id="uu-7-2017@v1#pasal-1/bagian-1")
    later = passage("uu-7-2017", "1", "30. Kelompok Penyelenggara Pemungutan Suara Luar Negeri yang selanjutnya "
                    "disingkat KPPSLN adalah kelompok yang dibentuk oleh PPLN untuk pemungutan suara di luar "
                    "negeri.\n31. Pemilih adalah Warga Negara Indonesia yang sudah genap berumur 17 tahun, di dalam "
                    "atau di luar negeri.",
                    section=head)
    later = dataclasses.replace(later, id="uu-7-2017@v1#pasal-1/bagian-2")
    move = passage("uu-7-2017", "210", "Pemilih yang karena bekerja pindah memilih ke TPS lain melapor kepada PPS "
                   "paling lambat 30 (tiga puluh) hari sebelum hari pemungutan suara.",
                   section="BAB VII PENYUSUNAN DAFTAR PEMILIH")
    r = retriever([first, later, move] + FILLER)
    assert top_ids(r, "Mau pindah tempat nyoblos karena kerja di luar kota, gimana caranya?", 1) == [move.id]
    assert top_ids(r, "KPPSLN itu apa?", 1) == [later.id]


def test_a_sanction_question_goes_to_the_criminal_provisions():
    duty = passage("uu-1-2015", "73", "Calon dilarang menjanjikan atau memberikan uang atau materi lainnya "
                   "untuk mempengaruhi pemilih.", section="BAB XI KAMPANYE")
    crime = passage("uu-1-2015", "187A", "Setiap orang yang dengan sengaja memberikan uang atau materi lainnya "
                    "kepada pemilih dipidana dengan pidana penjara paling lama 72 bulan.",
                    section="BAB XXI KETENTUAN PIDANA")
    r = retriever([duty, crime] + FILLER)
    assert top_ids(r, "kalo ngasih uang ke pemilih hukumannya apa?", 1) == [crime.id]


def test_a_sanction_question_in_the_citizens_word_reaches_an_article_that_says_dipidana():
    # The criminal provisions never say "hukuman": they say "dipidana". An article that merely names
    # administrative sanctions must not win on a word the citizen shares with it.
    admin = passage("uu-1-2015", "111", "Rekapitulasi suara dan penetapan hasil suara di TPS dilaksanakan menurut "
                    "hukum; hukum acara perselisihan suara diatur dengan Peraturan KPU.",
                    section="BAB XII PEMUNGUTAN SUARA")
    crime = passage("uu-1-2015", "178B", "Setiap orang yang pada waktu pemungutan suara dengan sengaja memberikan "
                    "suaranya lebih dari satu kali di satu atau lebih TPS, dipidana dengan pidana penjara paling "
                    "singkat 36 bulan.", section="BAB XXI KETENTUAN PIDANA")
    r = retriever([admin, crime] + FILLER)
    for q in ("Hukuman buat orang yang nyoblos dua kali di TPS suara apa?", "nyoblos dua kali dendanya berapa"):
        assert top_ids(r, q, 1) == [crime.id], q


def test_a_question_about_a_property_is_not_a_definition_question():
    # "KPPS syaratnya apa?" asks for the requirements, "PPK tugasnya apa?" for the duties: neither
    # asks what the term means, so the definitions list gets no lift.
    from knowledge.retrieval import definition_terms
    assert definition_terms("Mau jadi anggota KPPS syaratnya apa") == []
    assert definition_terms("PPK tugasnya apa sih?") == []
    assert definition_terms("Siapa yang mimpin rapat pleno di kecamatan") == []
    assert definition_terms("KPPS itu apa?") == ["KPPS"] and definition_terms("DPT apa?") == ["DPT"]
    assert definition_terms("Pemilih itu maksudnya siapa sih?") == ["Pemilih"]
    defs = passage("uu-7-2017", "1", "Dalam Undang-Undang ini yang dimaksud dengan:\n1. Kelompok Penyelenggara "
                   "Pemungutan Suara yang selanjutnya disingkat KPPS adalah kelompok yang dibentuk oleh PPS.\n"
                   "2. Pemilih adalah warga negara Indonesia yang terdaftar.", section="BAB I KETENTUAN UMUM")
    reqs = passage("uu-7-2017", "72", "Syarat untuk menjadi anggota PPK, anggota PPS, dan anggota KPPS adalah: "
                   "a. warga negara Indonesia; b. berusia paling rendah 17 tahun.",
                   section="BAB II PENYELENGGARA PEMILU")
    r = retriever([defs, reqs] + FILLER)
    assert top_ids(r, "Mau jadi anggota KPPS syaratnya apa", 1) == [reqs.id]


def test_a_duties_question_goes_to_the_duties_article_not_the_definitions():
    defs = passage("uu-1-2015", "1", "Dalam Undang-Undang ini yang dimaksud dengan:\n1. Panitia Pemilihan "
                   "Kecamatan yang selanjutnya disingkat PPK adalah panitia yang dibentuk oleh KPU Kabupaten/Kota "
                   "untuk menyelenggarakan Pemilihan di tingkat Kecamatan.", section="BAB I KETENTUAN UMUM")
    duties = passage("uu-1-2015", "19", "Tugas, wewenang, dan kewajiban PPK dalam penyelenggaraan Pemilihan "
                     "meliputi: a. membentuk PPS; b. menyelenggarakan rekapitulasi di tingkat kecamatan.",
                     section="BAB IV PENYELENGGARA PEMILIHAN > BAGIAN KEEMPAT TUGAS, WEWENANG, DAN KEWAJIBAN PPK")
    r = retriever([defs, duties] + FILLER)
    assert Weights.load().duty > 0
    assert top_ids(r, "PPK tugasnya apa sih?", 1) == [duties.id]
    # with none of those priors, the citizen's own words find the duties article too
    lifted = retriever([defs, duties] + FILLER, weights=Weights.from_dict(
        {**Weights.load().to_dict(), "duty": 0.0, "definition_list": 0.0, "definition": 0.0}))
    assert top_ids(lifted, "PPK tugasnya apa sih?", 1) == [duties.id]


def test_a_may_i_question_goes_to_the_article_that_forbids():
    venue = passage("uu-1-2015", "65", "Kampanye di tempat ibadah dapat dilaksanakan dalam bentuk pertemuan terbatas "
                    "yang dihadiri pengurus tempat ibadah.")
    ban = passage("uu-1-2015", "69", "Dalam Kampanye dilarang: a. menghina seseorang, agama, suku, ras, golongan; "
                  "b. menghasut; c. menggunakan tempat ibadah dan tempat pendidikan; d. merusak alat peraga.",
                  section="BAB IX KAMPANYE")
    shipped = Weights.load()
    assert shipped.prohibition > 0
    q = "boleh gak kampanye di tempat ibadah?"
    assert top_ids(retriever([venue, ban] + FILLER), q, 1) == [ban.id]
    off = Weights.from_dict({**shipped.to_dict(), "prohibition": 0.0})
    assert top_ids(retriever([venue, ban] + FILLER, weights=off), q, 1) == [venue.id]  # what the prior changes


# -- the generated questions --------------------------------------------------------------------
ID_CARD = passage("uu-7-2017", "349", "Pemilih yang tidak terdaftar dapat menggunakan haknya dengan "
                  "menunjukkan kartu tanda penduduk di tempat pemungutan suara.")
OTHER = passage("uu-7-2017", "20", "Kartu tanda penduduk elektronik dicetak oleh instansi pelaksana yang "
                "mengurus kartu tanda penduduk dan kartu keluarga.")


def test_a_question_hit_resolves_to_its_parent_passage():
    ask = "ktp hilang, gimana dong?"
    text = "kalo ktp hilang gimana dong, masih bisa?"
    q = Question(question_id(ID_CARD.id, text), ID_CARD.id, text)
    assert top_ids(retriever([OTHER, ID_CARD] + FILLER), ask, 1) == [OTHER.id]  # passage words alone
    got = retriever([OTHER, ID_CARD] + FILLER, questions=[q], weights=Weights(lexical=1.0, question=0.5)).search(ask)
    assert got[0].passage.id == ID_CARD.id  # the passage, never the question itself, is the source
    assert all(isinstance(s.passage, Passage) for s in got)


def test_a_dense_question_hit_resolves_to_its_parent_and_leave_one_out_skips_it():
    q = Question("x?q=1", ID_CARD.id, "pemilih gak terdaftar gimana?")
    r = retriever([OTHER, ID_CARD] + FILLER, questions=[q], question_dense=lambda text, k: [(q.id, 0.9)],
                  weights=Weights(lexical=1.0, dense_question=5.0))
    assert r.search("kartu tanda penduduk")[0].passage.id == ID_CARD.id
    assert r.search("kartu tanda penduduk", exclude=q.id)[0].passage.id == OTHER.id


def test_leave_out_takes_several_questions_so_near_copies_cannot_vouch_for_each_other():
    a = Question(question_id(ID_CARD.id, "ktp hilang gimana dong"), ID_CARD.id, "ktp hilang gimana dong")
    b = Question(question_id(ID_CARD.id, "kalo ktp hilang gimana"), ID_CARD.id, "kalo ktp hilang gimana")
    r = retriever([OTHER, ID_CARD] + FILLER, questions=[a, b], weights=Weights(lexical=1.0, question=0.5))
    assert r.search("ktp hilang gimana dong", exclude=a.id)[0].passage.id == ID_CARD.id  # b still vouches
    assert r.search("ktp hilang gimana dong", exclude=[a.id, b.id])[0].passage.id == OTHER.id


def test_questions_of_passages_not_in_the_catalog_are_ignored():
    q = Question("gone?q=1", "uu-7-2017@v1#pasal-999", "ktp")
    assert retriever([OTHER, ID_CARD], questions=[q]).questions == []


# -- the question file: keyed by passage path + content hash -----------------------------------
def test_a_changed_passage_drops_its_stale_questions(tmp_path):
    (tmp_path / "uu-7-2017.jsonl").write_text(json.dumps(
        {"path": "pasal-349", "hash": ID_CARD.hash, "questions": ["ktp ilang boleh nyoblos?", "pake paspor bisa?"]})
        + "\n", encoding="utf-8")
    table = load_table(tmp_path)
    got = questions_for([ID_CARD, OTHER], table)
    assert [q.passage_id for q in got] == [ID_CARD.id, ID_CARD.id]
    changed = passage("uu-7-2017", "349", ID_CARD.text + " Ketentuan lebih lanjut diatur dengan Peraturan KPU.")
    assert questions_for([changed, OTHER], table) == []


def test_index_writer_keeps_questions_in_step_with_the_passages(tmp_path):
    """Ingest writes each passage's questions as vectors; a changed text drops its questions,
    the unchanged passage keeps them (no new embedding); the same input again changes nothing."""
    from ingest.index import IndexWriter
    from ingest.manifest import DocumentInfo
    from knowledge.store import ChromaStore
    from tests.live_support import CountingEmbedder

    emb = CountingEmbedder()
    store = ChromaStore(emb, path=tmp_path / "chroma", collection="uji-q")
    table = {("uu-7-2017", "pasal-349"): (ID_CARD.hash, ["ktp ilang boleh nyoblos?", "pake paspor bisa?"]),
             ("uu-7-2017", "pasal-20"): (OTHER.hash, ["ktp dicetak siapa?"])}
    info = DocumentInfo("uu-7-2017", TITLES["uu-7-2017"], number="7", year=2017)
    writer = IndexWriter(store, emb, questions=table)
    s1 = writer.write(info, [ID_CARD, OTHER])
    assert (s1.questions, s1.questions_embedded) == (3, 3)
    stored = store.questions()
    assert {q.passage_id for q in stored} == {ID_CARD.id, OTHER.id}
    # a question's vector comes back as its parent passage through the retriever
    vec = CountingEmbedder._vec("ktp dicetak siapa?")
    hit = store.query_questions(vec, 1)[0][0]
    assert next(q for q in stored if q.id == hit).passage_id == OTHER.id

    changed = passage("uu-7-2017", "349", ID_CARD.text + " Ketentuan lebih lanjut diatur dengan Peraturan KPU.")
    s2 = writer.write(info, [changed, OTHER])
    now = store.questions()
    assert [q.text for q in now] == ["ktp dicetak siapa?"] and now[0].passage_id.startswith("uu-7-2017@v2#")
    assert s2.questions_embedded == 0  # same question text: its vector is reused
    before = emb.embedded
    s3 = writer.write(info, [changed, OTHER])
    assert s3.state == "tidak berubah" and emb.embedded == before and len(store.questions()) == 1


@pytest.mark.parametrize("doc", ["uu-1-2015", "uu-7-2017", "uu-7-2023"])
def test_bundled_questions_match_the_bundled_passages(doc):
    """Every bundled question file keys passages the bundled corpus really has (else it is stale)."""
    from ingest.manifest import CORPUS_DIR, load_manifest
    from ingest.pipeline import prepare_path

    info = next(d for d in load_manifest() if d.doc_id == doc)
    passages = prepare_path(CORPUS_DIR / info.file, info)[2]
    table = {k: v for k, v in load_table().items() if k[0] == doc}
    assert table, f"no questions for {doc}"
    matched = {q.passage_id for q in questions_for(passages, table)}
    assert len(matched) >= 0.95 * len(table)


def test_a_question_with_no_match_anywhere_gets_no_sources():
    assert retriever([IN_FORCE] + FILLER).search("resep rendang padang yang enak") == []


def test_rule_switches_come_from_the_fitted_file(tmp_path):
    from knowledge.retrieval import RULE_DEFAULTS, load_rules

    f = tmp_path / "ranking.json"
    f.write_text('{"weights": {"lexical": 1.0}, "rules": {"route_words": true, "intents": false}}', encoding="utf-8")
    assert load_rules(f) == {"intents": False, "route_words": True, "definitions": True}
    assert load_rules(tmp_path / "missing.json") == RULE_DEFAULTS
    shipped = load_rules()
    r = retriever([OTHER, ID_CARD])
    assert (r.intents, r.route_words, r.definitions) == (shipped["intents"], shipped["route_words"], shipped["definitions"])
    assert retriever([OTHER, ID_CARD], route_words=False).route_words is False  # the ablation switches it off


# -- everyday verbs --------------------------------------------------------------------------------
SUPERVISION = passage("uu-1-2015", "30", "Panwas Kabupaten/Kota bertugas mengawasi tahapan penyelenggaraan "
                      "Pemilihan di wilayah kabupaten/kota.")
HOLDING = passage("uu-1-2015", "8", "Penyelenggaraan Pemilihan menjadi tanggung jawab bersama KPU, KPU Provinsi, "
                  "dan KPU Kabupaten/Kota.")


def test_a_colloquial_verb_finds_the_laws_written_form():
    # "ngawasin" is the everyday "mengawasi": the question's only content word besides the office
    formed = passage("uu-1-2015", "23", "Panwas Kabupaten/Kota dibentuk oleh Bawaslu Provinsi; Panwas "
                     "Kabupaten/Kota berjumlah 3 orang.")
    r = retriever([formed, SUPERVISION, HOLDING] + FILLER)
    assert top_ids(r, "panwas kabupaten ngawasin apa aja?", 1) == [SUPERVISION.id]


def test_a_question_whose_only_law_word_is_the_election_type_still_gets_sources():
    # nothing but "pilgub" is a word the law uses (as the routing expansion "pemilihan gubernur"):
    # the routing words then retrieve by themselves instead of leaving the citizen with nothing
    r = retriever([SUPERVISION, HOLDING] + FILLER)
    assert r.search("yang ngurusin pilgub siapa sih?")


def test_a_single_candidate_pilkada_in_the_citizens_words_finds_the_laws_wording():
    emblem = Passage(id="uud-1945@v1#pasal-36A", doc_id="uud-1945", title="Undang-Undang Dasar 1945", pasal="36A",
                     text="Lambang Negara ialah Garuda Pancasila dengan semboyan Bhinneka Tunggal Ika.",
                     hash=content_hash("emblem"))
    single = passage("uu-1-2015", "54C", "Pemilihan 1 (satu) pasangan calon dilaksanakan dengan menggunakan surat "
                     "suara yang memuat 1 (satu) kolom foto pasangan calon dan 1 (satu) kolom kosong yang tidak "
                     "bergambar.")
    # "pasangan calon" is in most Pilkada articles: only "tunggal" would decide, and it is the emblem's word
    pairs = [passage("uu-1-2015", str(40 + n), f"Pasangan calon {x} kepada KPU Provinsi.") for n, x in
             enumerate(("didaftarkan", "menyampaikan visi misi", "menyerahkan laporan dana kampanye",
                        "mengikuti debat publik", "menetapkan nomor urut"))]
    r = retriever([emblem, single] + pairs + FILLER)
    assert top_ids(r, "kalau paslon tunggal gimana pilkadanya?", 1) == [single.id]
    assert top_ids(r, "kotak kosong itu apa?", 1) == [single.id]


def test_an_ocr_slip_in_the_law_does_not_hide_its_article_from_the_citizens_words():
    # UU 7/2017 is bundled as noisy OCR: "dibenttrk", "rekapihrlasi". The index reads the slip as
    # the clean laws' word one or two edits away; the quoted text stays verbatim.
    clean = passage("uu-2-2008", "5", "Partai Politik dibentuk oleh warga negara dan melakukan rekapitulasi anggota.")
    ocr = dataclasses.replace(
        passage("uu-7-2017", "92", "Panwaslu Kelurahan/Desa dibenttrk paling lambat 1 (satu) bulan sebelum "
                "tahapan pertama; melaksanakan rekapihrlasi pengawasan."), quality="ocr")
    other = passage("uu-7-2017", "93", "Panwaslu Kelurahan/Desa melaporkan pengawasan kepada Panwaslu Kecamatan.")
    r = retriever([clean, ocr, other] + FILLER)
    assert top_ids(r, "Panwaslu desa dibentuk oleh siapa", 1) == [ocr.id]
    assert r.search("Panwaslu desa dibentuk oleh siapa")[0].passage.text.startswith("Panwaslu Kelurahan/Desa dibenttrk")
    assert top_ids(r, "rekapitulasi Panwaslu desa", 1) == [ocr.id]


def test_the_constitution_counts_for_every_kind_of_election():
    # "pilpres" routes to the Pemilu laws; the constitution's own rule on the presidential election
    # must not lose to them for being of no election type.
    text = ("(3) Pasangan calon Presiden dan Wakil Presiden yang mendapatkan suara lebih dari lima puluh persen "
            "dari jumlah suara dalam pemilihan umum dilantik menjadi Presiden dan Wakil Presiden.")
    uud = Passage(id="uud-1945@v1#pasal-6A", doc_id="uud-1945", text=text, title=TITLES["uud-1945"], number="",
                  year=1945, pasal="6A", section="BAB III KEKUASAAN PEMERINTAHAN NEGARA", status=BERLAKU,
                  hash=content_hash(text))
    law = passage("uu-7-2017", "222", "Pasangan calon presiden yang memperoleh suara lebih dari 50 persen dilantik.")
    r = retriever([uud, law] + FILLER)
    assert top_ids(r, "pilpres: calon presiden dilantik kalau dapat suara lebih dari berapa persen?", 1) == [uud.id]


def test_an_inserted_article_reads_as_part_of_the_chapter_of_the_article_it_follows():
    """An amendment law inserts "Pasal 187A" between Pasal 187 and 188 without repeating the
    chapter heading: it belongs to the chapter of Pasal 187 (here the criminal provisions), as the
    amended Pasal 187 itself does; an inserted article before the first of a law has no chapter."""
    base = [passage("uu-1-2015", "187", "Setiap orang yang dengan sengaja ... dipidana penjara.",
                    section="BAB XXIII KETENTUAN PIDANA"),
            passage("uu-1-2015", "188", "Setiap pejabat negara ... dipidana penjara.", section="BAB XXIII KETENTUAN PIDANA")]
    amend = [dataclasses.replace(passage("uu-1-2015", p, text), id=f"uu-10-2016@v1#pasal-{p}", doc_id="uu-10-2016",
                                 amends="uu-1-2015", number="10", year=2016)
             for p, text in (("187", "Setiap orang yang dengan sengaja ... dipidana."),
                             ("187A", "Setiap orang yang menjanjikan atau memberikan uang ... dipidana."),
                             ("0A", "Ketentuan lain."))]
    sections = Catalog(base + amend).sections()
    assert sections["uu-10-2016@v1#pasal-187"] == "BAB XXIII KETENTUAN PIDANA"
    assert sections["uu-10-2016@v1#pasal-187A"] == "BAB XXIII KETENTUAN PIDANA"
    assert sections["uu-10-2016@v1#pasal-0A"] == ""


def test_the_dense_search_embeds_the_question_without_its_greeting_and_thanks():
    asked: list[str] = []

    def dense(query, k):
        asked.append(query)
        return [(IN_FORCE.id, 0.9)]

    r = retriever([IN_FORCE] + FILLER, dense=dense, dense_weight=0.2)
    r.search("Assalamualaikum wr. wb., izin bertanya pak: pemilih yang tidak terdaftar bagaimana ya? Terima kasih.")
    r.search("Terima kasih!")
    assert asked[0] == "pemilih yang tidak terdaftar bagaimana", asked
    assert asked[1] == "terima kasih!"  # nothing but thanks: embedded as it is
