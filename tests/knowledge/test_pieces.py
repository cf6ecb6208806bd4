"""One source per article: a long Pasal is stored in pieces, and when neighbouring pieces are
both among the sources a citizen sees the article once, cited as the span it covers, with the
freed slot going to the next article. Plain Python over small Passage dataclasses."""
from __future__ import annotations

from knowledge.compose import check_quotes
from knowledge.engine import Engine
from knowledge.model import Decision, Passage, content_hash

TITLE = "Undang-Undang Nomor 1 Tahun 2015 tentang Pemilihan Gubernur, Bupati, dan Walikota"
AYAT1 = ("(1) Setiap warga negara berhak memperoleh kesempatan yang sama untuk mencalonkan diri dan dicalonkan "
         "sebagai Calon Bupati dan Calon Wakil Bupati.")
AYAT2 = ("(2) Calon Bupati dan Calon Wakil Bupati sebagaimana dimaksud pada ayat (1) harus memenuhi persyaratan "
         "sebagai berikut:\na. bertakwa kepada Tuhan Yang Maha Esa;\nb. berusia paling rendah 25 (dua puluh lima) "
         "tahun;\nc. tidak pernah sebagai terpidana.")
AYAT3 = ("(3) Calon Bupati yang berstatus pegawai negeri sipil wajib menyatakan secara tertulis pengunduran diri "
         "sejak ditetapkan sebagai calon.")


def piece(pasal: str, ayat: str | None, text: str, n: int | None = None) -> Passage:
    path = f"pasal-{pasal}" + (f"/ayat-{ayat}" if ayat else "")
    return Passage(id=f"uu-1-2015@v1#{path}", doc_id="uu-1-2015", text=text, title=TITLE, number="1", year=2015,
                   pasal=pasal, ayat=ayat, hash=content_hash(text), url="https://example.org/uu-1-2015")


OTHERS = [
    piece("8", None, "Calon Bupati mendaftar ke KPU Kabupaten dengan membawa persyaratan pencalonan."),
    piece("9", None, "KPU Kabupaten meneliti persyaratan Calon Bupati paling lama 7 (tujuh) hari."),
    piece("10", None, "Calon Bupati yang tidak memenuhi persyaratan diberi kesempatan memperbaiki persyaratan."),
]


def labels(ans) -> list[str]:
    return [s.citation.label for s in ans.sources]


def test_neighbouring_pieces_of_an_article_are_one_source_citing_their_span():
    p1, p2, p3 = piece("7", "1", AYAT1), piece("7", "2", AYAT2), piece("7", "3", AYAT3)
    eng = Engine([p1, p2, p3] + OTHERS)
    ans = eng.answer("calon bupati umurnya paling rendah berapa tahun?")
    assert ans.decision == Decision.ANSWER
    pasal7 = [s for s in ans.sources if s.passage.pasal == "7"]
    assert len(pasal7) == 1, labels(ans)
    src = pasal7[0]
    assert src.citation.label == "UU No. 1 Tahun 2015, Pasal 7 ayat (1) s.d. (3)"
    assert src.passage.text == "\n".join([AYAT1, AYAT2, AYAT3])
    # every other article still has its place
    assert {s.passage.pasal for s in ans.sources} == {"7", "8", "9", "10"}
    check_quotes(ans)
    quoted = [q for q in ans.quotes if q.citation.pasal == "7"]
    assert quoted, ans.quotes
    for q in quoted:  # a quote names the stored piece it is cut from, and cites that ayat
        assert q.text in eng.passage(q.passage_id).text
        assert f"ayat ({eng.passage(q.passage_id).ayat})" in q.citation.label


def test_pieces_that_are_not_neighbours_stay_apart():
    p1, p3 = piece("7", "1", AYAT1), piece("7", "3", AYAT3)
    p2 = piece("7", "2", "(2) Ketentuan lebih lanjut diatur dengan Peraturan KPU.")
    eng = Engine([p1, p2, p3] + OTHERS)
    ans = eng.answer("calon bupati pegawai negeri harus mundur?")
    got = [s.citation.label for s in ans.sources if s.passage.pasal == "7"]
    assert "UU No. 1 Tahun 2015, Pasal 7 ayat (3)" in got and "UU No. 1 Tahun 2015, Pasal 7 ayat (1)" in got, got
    assert not any("s.d." in x for x in got)


def test_the_freed_slot_goes_to_the_next_article():
    p1, p2 = piece("7", "1", AYAT1), piece("7", "2", AYAT2)
    eng = Engine([p1, p2] + OTHERS, top_k=3)
    ans = eng.answer("calon bupati umurnya paling rendah berapa tahun?")
    assert labels(ans)[0] == "UU No. 1 Tahun 2015, Pasal 7 ayat (1) s.d. (2)"
    assert len(ans.sources) == 3
    assert len({s.passage.pasal for s in ans.sources}) == 3, labels(ans)


def test_pieces_too_long_to_read_as_one_stay_apart():
    long2 = AYAT2.replace("c. tidak pernah sebagai terpidana.", "c. tidak pernah sebagai terpidana; " + "dan " * 1100)
    eng = Engine([piece("7", "1", AYAT1), piece("7", "2", long2)] + OTHERS)
    ans = eng.answer("apa persyaratan calon bupati?")
    got = [s.citation.label for s in ans.sources if s.passage.pasal == "7"]
    assert len(got) == 2 and not any("s.d." in x for x in got), got


def test_pieces_whose_numbers_do_not_count_up_stay_apart():
    """A noisy scan can number ayat wrongly ("(6)" before "(4)"): no span "ayat (6) s.d. (4)"."""
    p1 = piece("7", "6", AYAT1.replace("(1)", "(6)", 1))
    p2 = piece("7", "4", AYAT2.replace("(2)", "(4)", 1))
    eng = Engine([p1, p2] + OTHERS)
    ans = eng.answer("calon bupati umurnya paling rendah berapa tahun?")
    got = [s.citation.label for s in ans.sources if s.passage.pasal == "7"]
    assert len(got) == 2 and not any("s.d." in x for x in got), got
