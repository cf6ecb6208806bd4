"""Telegram message references are (chat id, message id) (issue 13 §10), through the stand-in:
a staff-group change with overlapping message ids, and a group Telegram migrated."""
from __future__ import annotations

from bot.app import stop_application

from .conftest import ADMIN, OTHER_USER, USER, start_bot
from .test_desk import STAFF_A, STAFF_GROUP, desk_settings, press, wait_card, wait_text

NEW_GROUP = -100888


def card_in(stub, chat: int, n: int):
    return next((m for m in stub.messages(chat) if m.text.startswith(f"🎫 Tiket #{n} ")), None)


async def test_after_a_staff_group_change_an_old_cards_edit_stays_in_the_old_group(stub, tmp_path, fake_engine):
    bot = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        old_card = await wait_card(stub, 1)
    finally:
        await stop_application(bot.app)
    stub.add_member(NEW_GROUP, STAFF_A, "member", "Sari")
    bot = await start_bot(stub, desk_settings(stub, tmp_path, staff_chat_id=NEW_GROUP), fake_engine)
    try:
        await stub.send_text(OTHER_USER, "tolong sambungkan ke petugas juga")
        new_card = await stub.wait_for(lambda: card_in(stub, NEW_GROUP, 2), 5, "card #2")
        assert new_card.message_id == old_card.message_id  # the overlap
        # a staff member takes ticket #1 from its old card: the edit goes to the old card
        await press(stub, STAFF_A, old_card, "🙋 Ambil")
        await stub.wait_for(lambda: old_card.edits > 0, 5, "the old card's edit")
        await stub.settle()
        assert "diambil" in old_card.text and old_card.text.startswith("🎫 Tiket #1 ")
        assert new_card.text.startswith("🎫 Tiket #2 ") and new_card.edits == 0  # untouched
        # a reply to the new card answers ticket #2's citizen only
        await stub.send_group_text(NEW_GROUP, STAFF_A, "Jawaban untuk tiket kedua.", reply_to=new_card)
        await wait_text(stub, OTHER_USER, "Jawaban petugas untuk tiket #2")
        await stub.settle()
        assert not [m for m in stub.messages(USER) if "Jawaban petugas" in m.text]
    finally:
        await stop_application(bot.app)


async def test_a_migrated_staff_group_is_followed_and_the_admins_are_told(stub, tmp_path, fake_engine):
    stub.user(ADMIN)
    bot = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        await wait_card(stub, 1)
        await stub.migrate_group(STAFF_GROUP, NEW_GROUP)
        told = await wait_text(stub, ADMIN, "KEPEMILUAN_STAFF_CHAT_ID")
        assert str(NEW_GROUP) in told.text
        await stub.send_text(OTHER_USER, "tolong sambungkan ke petugas juga")
        card = await stub.wait_for(lambda: card_in(stub, NEW_GROUP, 2), 5, "card #2 in the new group")
        await stub.send_group_text(NEW_GROUP, STAFF_A, "Jawaban di grup baru.", reply_to=card)
        await wait_text(stub, OTHER_USER, "Jawaban di grup baru.")
    finally:
        await stop_application(bot.app)
    # a restart follows the group too
    bot = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        await stub.send_text(USER, "kasus saya belum jelas, tolong sambungkan")
        await stub.wait_for(lambda: card_in(stub, NEW_GROUP, 3), 5, "card #3 in the new group")
    finally:
        await stop_application(bot.app)


async def test_a_send_refused_with_migrate_to_chat_id_moves_the_queue(stub, tmp_path, fake_engine):
    stub.user(ADMIN)
    bot = await start_bot(stub, desk_settings(stub, tmp_path), fake_engine)
    try:
        await stub.migrate_group(STAFF_GROUP, NEW_GROUP, notify=False)  # the bot missed the service message
        await stub.send_text(USER, "tolong sambungkan ke petugas")
        await stub.wait_for(lambda: card_in(stub, NEW_GROUP, 1), 8, "card #1 in the new group")
        await wait_text(stub, ADMIN, "KEPEMILUAN_STAFF_CHAT_ID")
    finally:
        await stop_application(bot.app)
