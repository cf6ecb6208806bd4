"""Learned query expansion: a word only citizens use ("nyontreng") reaches the articles that say it
the law's way ("memberikan suara"), learned from generated questions and their passages; a word
the law itself uses is left alone. Plain Python, no model."""
from __future__ import annotations

from knowledge.expansion import LearnedExpansion, fit_expansion
from knowledge.lexical import LexicalIndex
from knowledge.model import Passage, content_hash
from knowledge.retrieval import Catalog, Retriever
from knowledge.text import tokens


def law(pasal: str, text: str) -> Passage:
    return Passage(id=f"uu-1-2015@v1#pasal-{pasal}", doc_id="uu-1-2015", text=text, pasal=pasal, number="1",
                   year=2015, title="Undang-Undang Nomor 1 Tahun 2015 tentang Pemilihan Gubernur, Bupati, dan Walikota",
                   hash=content_hash(text))


VOTE = law("85", "Pemberian suara untuk Pemilihan dapat dilakukan dengan cara mencoblos surat suara di bilik.")
VOTE2 = law("86", "Pemilih memberikan suara di TPS dengan mencoblos satu pasangan calon pada surat suara.")
CAMPAIGN = law("65", "Kampanye dapat dilaksanakan melalui pertemuan terbatas dan tatap muka dengan warga.")
OTHER = [law(str(100 + i), f"Ketentuan lain nomor {i} mengenai laporan dana kampanye dan audit akuntan publik.")
         for i in range(8)]
PASSAGES = [VOTE, VOTE2, CAMPAIGN, *OTHER]


def pairs(*items: tuple[str, Passage]):
    return [(tokens(q), set(tokens(p.text))) for q, p in items]


TRAIN = pairs(("kapan boleh nyontreng?", VOTE), ("nyontreng di bilik mana?", VOTE), ("nyontreng pake apa", VOTE2),
              ("cara nyontreng gimana", VOTE2), ("kampanye tatap muka boleh?", CAMPAIGN),
              ("kampanye pertemuan terbatas itu apa", CAMPAIGN), ("kampanye sama warga boleh", CAMPAIGN),
              ("kampanye dimana aja", CAMPAIGN))


def test_a_citizens_word_learns_the_laws_words_and_a_law_word_learns_none():
    e = fit_expansion(TRAIN, [set(tokens(p.text)) for p in PASSAGES])
    assert "suara" in e.table["nyontreng"]
    assert "kampanye" not in e.table  # the law says it too: nothing to learn


def retriever(expansion: LearnedExpansion | None) -> Retriever:
    cat = Catalog(PASSAGES)
    r = Retriever(cat, LexicalIndex(PASSAGES, sections=cat.sections()))
    r.expansion = expansion
    return r


def test_a_question_in_the_citizens_words_finds_the_article_through_the_learned_words():
    q = "nyontreng dua kali boleh ga"
    assert not retriever(None).search(q)  # no word of it is the law's
    e = fit_expansion(TRAIN, [set(tokens(p.text)) for p in PASSAGES], weight=0.3)
    got = retriever(e).search(q)
    assert got and got[0].passage.id in {VOTE.id, VOTE2.id}


def test_the_table_is_saved_and_loaded(tmp_path):
    e = fit_expansion(TRAIN, [set(tokens(p.text)) for p in PASSAGES], weight=0.3)
    e.save(tmp_path / "x.json")
    back = LearnedExpansion.load(tmp_path / "x.json")
    assert back.table == e.table and back.weight == 0.3


def test_shipped_table_was_fitted_on_the_current_questions_and_chosen_on_cv():
    from bench.train_adapter import questions_sha
    from bench.train_classifier import bundled_passages
    from ingest.questions import load_table, questions_for
    from knowledge.expansion import EXPANSION_FILE

    e = LearnedExpansion.load(EXPANSION_FILE)
    assert e is not None, "knowledge/data/expansion.json is missing: run python -m bench.train_expansion"
    assert e.meta["questions_sha256"] == questions_sha(questions_for(bundled_passages(), load_table())), \
        "stale knowledge/data/expansion.json: run python -m bench.train_expansion"
    cv = e.meta["cv_by_weight"]
    # the weight in use is the one the article-grouped CV chose, and it beat no expansion there
    assert max(cv, key=lambda w: cv[w]["all"]["mrr@10"]) == f"{e.weight:g}"
    assert e.weight == 0 or cv[f"{e.weight:g}"]["all"]["mrr@10"] > cv["0"]["all"]["mrr@10"]


def test_the_shipped_engine_searches_with_the_learned_words_and_the_benches_without():
    from knowledge.expansion import shipped_expansion

    r = retriever(None)
    shipped = shipped_expansion()
    assert shipped is not None and shipped.weight > 0
    assert Retriever(r.catalog, r.lexical).expansion is shipped
    assert Retriever(r.catalog, r.lexical, learned_expansion=False).expansion is None
