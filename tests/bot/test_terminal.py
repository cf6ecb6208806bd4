"""`kepemiluan run` without a token: the terminal chat on the same engine."""
from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from bot import cli
from bot.terminal import TERMINAL_NO_STAFF, chat


def _chat(engine, lines: list[str]) -> str:
    console = Console(record=True, width=400)
    inputs = iter(lines)

    def fake_input(prompt: str) -> str:
        console.print(prompt, end="")
        try:
            return next(inputs)
        except StopIteration:
            raise EOFError from None

    chat(engine, console=console, input_fn=fake_input)
    return console.export_text()


def test_run_without_token_opens_terminal_chat_with_cited_answer(engine, monkeypatch, tmp_path):
    monkeypatch.delenv("KEPEMILUAN_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(tmp_path))
    # the fixture engine, no Chroma: `run` builds its engine and store through cli._knowledge (a
    # patch of cli._engine alone let this test ingest the whole bundled corpus, ~100 s)
    monkeypatch.setattr(cli, "_knowledge", lambda settings, **kw: (engine, None))
    result = CliRunner().invoke(cli.app, ["run"], input="Apa syarat pendidikan calon bupati?\nkeluar\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "mode terminal" in out and "Sampai jumpa" in out
    assert "(answer," in out
    assert "«" in out and "»" in out  # a verbatim quote ...
    assert "UU No. 10 Tahun 2016, Pasal 7" in out  # ... with its citation
    assert "bukan nasihat hukum" in out


def test_terminal_chat_bad_input_escalation_and_eof(engine):
    out = _chat(engine, ["   ", "x" * 5000, "tolong sambungkan saya ke petugas", "siapa paslon terbaik menurut kamu?"])
    assert "Pertanyaan kosong" in out and "terlalu panjang" in out  # bad input: a message, no crash
    assert "(escalate," in out and TERMINAL_NO_STAFF in out  # honest: nobody is listening here
    assert "(abstain," in out and out.count(TERMINAL_NO_STAFF) == 1
    assert out.rstrip().endswith("Sampai jumpa.")  # end of input closes the chat
