"""Non-text messages: each kind gets a clear Indonesian reply and nothing crashes."""
from __future__ import annotations

import pytest

from .conftest import ADMIN, GROUP, USER
from .fakes import QUOTE_P7


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("sticker", "stikernya"),
        ("photo", "membaca gambar"),
        ("voice", "pesan suara"),
        ("video", "memutar video"),
        ("location", "tidak memerlukan lokasi"),
        ("contact", "jangan mengirim kontak"),
        ("document", "tidak menerima berkas"),
    ],
)
async def test_odd_input_gets_clear_reply(bot, kind, expected):
    msgs = await bot.reply_to(USER, lambda: getattr(bot.stub, f"send_{kind}")(USER))
    assert expected in msgs[0].text
    await bot.stub.settle(quiet=0.1)
    assert len(bot.stub.messages(USER)) == 1
    assert [c for c in bot.stub.calls if c.status != 200] == []
    assert bot.engine.questions == []


async def test_photo_caption_is_answered_as_question(bot):
    await bot.stub.send_photo(USER, caption="apa syarat pendidikan calon bupati?")
    msgs = await bot.wait_answer(USER, 0)
    assert "membaca gambar" in msgs[0].text
    assert "keterangan (caption)" in msgs[-1].text and QUOTE_P7 in msgs[-1].text


async def test_admin_document_is_downloaded(bot):
    data = b"%PDF-1.4 PKPU baru " * 50
    msgs = await bot.reply_to(ADMIN, lambda: bot.stub.send_document(ADMIN, data, "PKPU 8 2024.pdf"))
    assert "diterima dan disimpan" in msgs[0].text
    [saved] = list((bot.settings.data_dir / "inbox").iterdir())
    assert saved.read_bytes() == data and saved.name.endswith("PKPU_8_2024.pdf")
    assert [c.method for c in bot.stub.calls if c.method in ("getFile", "<file>")] == ["getFile", "<file>"]


async def test_media_in_groups_is_ignored(bot):
    bot.stub.group(GROUP)
    await bot.stub.send_message(USER, chat_id=GROUP, sticker={
        "file_id": "S", "file_unique_id": "uS", "type": "regular", "width": 1, "height": 1,
        "is_animated": False, "is_video": False,
    })
    await bot.stub.settle()
    assert bot.stub.messages(GROUP) == []


async def test_unusual_message_kind_gets_generic_reply(bot):
    msgs = await bot.reply_to(USER, lambda: bot.stub.send_message(USER, dice={"emoji": "🎲", "value": 3}))
    assert "pesan teks" in msgs[0].text
