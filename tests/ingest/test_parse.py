"""The legal-structure parser and chunker on real snippets of the bundled corpus."""
from pathlib import Path

from ingest.chunk import chunk_statute
from ingest.manifest import load_manifest
from ingest.ocr import clean_ocr
from ingest.parse import parse

CORPUS = Path(__file__).resolve().parents[2] / "ingest" / "corpus" / "regulations"
INFOS = {d.doc_id: d for d in load_manifest()}


def _parse(doc):
    text = (CORPUS.parent / INFOS[doc].file).read_text(encoding="utf-8")
    if INFOS[doc].quality == "ocr":
        text = clean_ocr(text)
    return text, parse(text, amends=INFOS[doc].amends)


def test_title_number_year():
    _, p = _parse("uu-8-2015")
    assert (p.number, p.year) == ("8", 2015)
    assert "PERUBAHAN ATAS UNDANG-UNDANG NOMOR 1 TAHUN 2015" in p.title


def test_amendment_article_records_the_base_law():
    _, p = _parse("uu-10-2016")
    art = p.find("7")
    assert art.amends == "uu-1-2015" and art.amend_action == "diubah"
    assert art.instruction.startswith("1. Ketentuan Pasal 7 diubah")
    assert "berpendidikan paling rendah sekolah lanjutan tingkat atas" in art.text
    # the amendment law's own articles are Pasal I and II, not amendments
    assert p.find("I").amends is None and p.find("II") is not None


def test_inserted_articles_7a_and_187a():
    _, p = _parse("uu-8-2011")
    assert p.find("7A") is not None and p.find("7A").amend_action == "disisipkan"
    _, p16 = _parse("uu-10-2016")
    a = p16.find("187A")
    assert a is not None and a.amends == "uu-1-2015"


def test_ayat_and_huruf():
    _, p = _parse("uu-1-2015")
    a = p.find("134")
    ayat = dict((n, lines) for n, lines in a.ayat())
    assert {"1", "2", "3", "4"} <= set(ayat)
    third = "\n".join(ln.text for ln in ayat["3"])
    assert "nama dan alamat pelapor" in third
    assert any(ln.text.startswith("a. ") for ln in ayat["3"])


def test_penjelasan_is_linked_to_its_pasal_and_not_the_article():
    _, p = _parse("uu-10-2016")
    pj = p.find("7", kind="penjelasan")
    assert pj is not None and "mantan terpidana" in pj.text
    assert "mantan terpidana" not in p.find("7").text.split("g.")[0]


def test_main_part_of_a_penetapan_law_is_the_perppu():
    _, p = _parse("uu-1-2015")
    assert p.find("7") is not None and "Calon Gubernur" in p.find("7").text
    assert len(p.body()) > 200


def test_headings_glued_inside_lines_are_split():
    _, p = _parse("uu-42-2008")
    a4 = p.find("4")
    assert a4 is not None and a4.text.startswith("(1) Pemilu Presiden dan Wakil Presiden diselenggarakan oleh KPU")


def test_a_gap_in_the_source_does_not_merge_the_rest_of_the_law_into_one_article():
    # The vendored UU 42/2008 text lacks Pasal 129-133 (lost pages): "... TPS/TPSLN. Pasal 134 (1)
    # Sebelum ...". Every later article must still be its own article, or a citizen reads the
    # text of Pasal 236 cited as "Pasal 190".
    _, p = _parse("uu-42-2008")
    a134, a236 = p.find("134"), p.find("236")
    assert a134 is not None and a134.text.startswith("(1) Sebelum melaksanakan penghitungan suara")
    assert a236 is not None and a236.text.startswith("Setiap orang yang __ dengan sengaja pada waktu pemungutan suara")
    assert "Pasal 236" not in p.find("190").text and "Pasal 134" not in p.find("128").text
    # a heading before an abbreviation ("Pasal 140 PPS wajib ..."); a cross-reference stays text
    a140 = p.find("140")
    assert a140 is not None and a140.text.startswith("PPS wajib mengumumkan salinan sertifikat")
    assert "sebagaimana dimaksud dalam Pasal 139 ayat (2)" in a140.text


def test_chapter_and_part_headings_glued_before_an_article_open_their_section():
    # UU 42/2008 runs on in long lines: "... ayat (2). BAB V HAK MEMILIH Pasal 27 (1) Warga ...".
    # The chapter is the article's section, and no article's text ends with the next chapter's name.
    _, p = _parse("uu-42-2008")
    assert p.find("27").section.startswith("BAB V HAK MEMILIH")
    assert p.find("29").section == "BAB VI PENYUSUNAN DAFTAR PEMILIH > Bagian Kesatu Pemutakhiran Daftar Pemilih Sementara"
    assert p.find("202").section.startswith("BAB XIX KETENTUAN PIDANA")
    assert not p.find("26").text.rstrip().endswith("HAK MEMILIH")
    assert "BAB V" not in p.find("26").text


def test_inline_heading_after_a_gap_needs_a_sentence_end_before_it():
    from ingest.parse import split_inline_pasal, next_expected
    exp = next_expected("10")
    got = split_inline_pasal("diatur dengan peraturan KPU. Pasal 17 (1) Pemilih yang", exp)
    assert [piece for piece, _ in got] == ["diatur dengan peraturan KPU.", "Pasal 17", "(1) Pemilih yang"]
    # no sentence end before it: a reference, not a heading
    got = split_inline_pasal("ketentuan lain berdasarkan Pasal 17 Undang-Undang Dasar", exp)
    assert len(got) == 1
    # going back is never a heading
    assert len(split_inline_pasal("diatur dengan peraturan KPU. Pasal 7 (1) Pemilih", exp)) == 1


def test_ocr_cleanup_recovers_pasal_1_and_strips_carets():
    assert clean_ocr("BAB I Pasal I Dalam ^Undang-Undang") == "BAB I Pasal 1 Dalam Undang-Undang"
    _, p = _parse("uu-7-2017")
    assert p.find("1") is not None


def test_ocr_cleanup_drops_the_page_furniture_a_citizen_would_see_in_a_quote():
    """Every page of the scanned UU 7/2017 carries the state seal's caption and a page number; the
    OCR reads them as "PRES IOEN REPUBLIK INOONESIA", "R E p u J.Tn= t,',?o=| * .,, o" or "_36_",
    and they landed inside quotes ("(4) nepuJuTnEt,'*oot|*=r,o , g. mengumumkan ...")."""
    furniture = ["PRES IOEN REPUBLIK INOONESIA", "PR ES ID EN REPUELIK INDONESIA _36_",
                 "R E p u J.Tn= t,',?o=| * .,, o", "n e p u J.Tr< t,'*o55*.., o", "REpu JLTIt,Ro=]* =r,o",
                 "nepuJuTnEt,'*oot|*=r,o", "n e ^p u Jr-TxE t,loot| * . r, o", "_15_", "_ 16_"]
    for junk in furniture:
        got = clean_ocr(f"(4) Anggota KPPS berjumlah 7 (tujuh) orang. {junk} (5) Ketua KPPS dipilih.")
        assert got == "(4) Anggota KPPS berjumlah 7 (tujuh) orang. (5) Ketua KPPS dipilih.", junk
    # the law's own words stay: the President, the Republic, numbers with dashes, "Pasal 5" lists
    for text in ("Presiden Republik Indonesia mengesahkan.", "Pemilu 2019-2024 dan Pasal 5, o sebagai",
                 "ditetapkan Presiden dan DPR Republik Indonesia", "pada tanggal 16 Agustus"):
        assert clean_ocr(text) == text
    # none is left in the bundled text
    text, _ = _parse("uu-7-2017")
    import re
    assert not re.search(r"P\s?R\s?E\s?S\s?I\s?[DO]\s?[EI]\s?[NO]?\s?E?\s?N\s+REPU|\bp\s?u\s?J\S*\s?T|(?<!\S)_\s?\d+_(?!\S)", text)


def test_ocr_cleanup_drops_the_page_furniture_of_a_scan_kept_line_by_line():
    """UU 7/2023's scan keeps its page furniture on lines of their own: the next page's first
    words ("(2) Ketentuan . . ."), the State Secretariat's serial ("SK No 145705 A"), the running
    head in two lines and the page number. They landed inside quotes of Pasal 10A."""
    page = ("(1) KPU membentuk KPU Provinsi di Provinsi Papua\nSelatan.\nSK No 145705 A\n(2) Ketentuan . . .\n\n"
            "PFIESIDEN\nREPUBLIK INDONESIA\n-4\n(2) Ketentuan mengenai pembentukan KPU Provinsi")
    got = clean_ocr(page, keep_roman=True)
    assert "SK No" not in got and ". . ." not in got and "PFIESIDEN" not in got and "\n-4\n" not in got
    assert got.count("Ketentuan") == 1 and "(1) KPU membentuk KPU Provinsi di Provinsi Papua\nSelatan." in got
    for head in ("PRE S ID EN\nREPUBLIK INDONESIA\n-2-\n", "PRESIOEN\nREPUBLTK INDONESIA\n", "PRESIDEN\nREPUBL'K TNDONESIA\n-t2-\n",
                 "PRESIDEN\r\nREPUBLIK INDONESIA\r\n-3-\r\n", "REPUBUK INDONRIIA\r\n-5-\r\n",
                 "(s)KPU. . .\n\nPRES IDEN\r\nFIEPUBLIK INDONESIA\r\n-8-\r\n"):
        assert " ".join(clean_ocr("a. satu;\n" + head + "b. dua.").split()) == "a. satu; b. dua.", head
    # the signature block is the law's own text
    sig = "Disahkan di Jakarta\nPRESIDEN REPUBLIK INDONESIA,\nttd\nJOKO WIDODO"
    assert clean_ocr(sig) == sig
    assert clean_ocr("Ibu Kota Nusantara-SK No 181140A\nPasal 2") == "Ibu Kota Nusantara\nPasal 2"


def test_chunks_are_verbatim_cited_and_unique():
    for doc in ("uu-1-2015", "uu-10-2016", "uu-7-2017"):
        text, p = _parse(doc)
        passages = chunk_statute(INFOS[doc], p)
        ids = [x.id for x in passages]
        assert len(ids) == len(set(ids))
        for x in passages:
            assert x.text in text, x.id
            assert len(x.text) <= 3000
            assert x.id.startswith(f"{doc}@v1#")
        if doc == "uu-7-2017":
            assert all(x.quality == "ocr" for x in passages)


def test_long_article_split_by_ayat_keeps_its_citation():
    text, p = _parse("uu-10-2016")
    parts = [x for x in chunk_statute(INFOS["uu-10-2016"], p) if x.pasal == "7" and x.kind == "pasal"]
    assert [x.ayat for x in parts] == ["1", "2"]
    assert all(x.amends == "uu-1-2015" for x in parts)


def test_heading_title_on_the_next_line_as_in_the_uud_pdf():
    # the UUD 1945 PDF prints "Bab XA" on one line and "HAK ASASI MANUSIA" on the next
    text = ("Pasal 27\n(1) Segala warga negara bersamaan kedudukannya di dalam hukum.\n"
            "Bab X\nWARGA NEGARA DAN PENDUDUK\nPasal 26\n(2) Penduduk ialah warga negara Indonesia.\n"
            "Bab XA\nHAK ASASI MANUSIA\nPasal 28A\nSetiap orang berhak untuk hidup.\n"
            "BAB XI\nA G A M A\nPasal 29\n(1) Negara berdasar atas Ketuhanan Yang Maha Esa.\n")
    p = parse(text)
    assert p.find("26").section == "Bab X WARGA NEGARA DAN PENDUDUK"
    assert p.find("28A").section == "Bab XA HAK ASASI MANUSIA"
    assert p.find("29").section == "BAB XI AGAMA"
    assert p.find("28A").text == "Setiap orang berhak untuk hidup."
