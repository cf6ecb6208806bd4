"""The real engine's `escalate` decisions open tickets of the right kind (own messages, not dev-set copies).

Citizen violation reports → «laporan pelanggaran»; requests for a person → «permintaan petugas»;
a citizen's own case → «pertanyaan»; answerable questions → no ticket.
"""
from __future__ import annotations

import asyncio


from bot.app import stop_application

from .conftest import start_bot
from .test_desk import desk_settings


REPORTS = [
    "Kemarin sore, 3 Maret 2024, saya melihat tim sukses caleg nomor urut 4 dari Partai Maju membagikan amplop "
    "berisi uang di Desa Sukamaju, Kecamatan Ciawi.",
    "Telah ditemukan dugaan pelanggaran yang dilakukan oleh Kepala Desa Tanjung: beliau memasang spanduk dukungan "
    "untuk paslon nomor 1 di balai desa pada masa tenang.",
    "Baliho calon bupati masih terpasang di Jalan Merdeka, Kecamatan Kota, padahal hari ini sudah masa tenang.",
    "Saya ditolak KPPS di TPS 12 Kelurahan Sukajadi karena tidak membawa undangan, padahal nama saya ada di DPT. "
    "Saya kehilangan hak pilih.",
]
PERSON = ["tolong hubungkan saya dengan petugas Bawaslu", "saya ingin bicara dengan admin", "mau ngobrol sama orang bawaslu aja"]
OWN_CASE = ["saya dicoret dari daftar calon anggota DPRD, bantu saya mengajukan banding"]
ANSWERABLE = [
    "apa syarat pendidikan calon gubernur?",
    "berapa lama masa kampanye pilkada?",
    "apa sanksi politik uang dalam pilkada?",
    "apakah pns boleh ikut kampanye?",
]


async def test_escalations_open_tickets_of_the_right_kind(stub, tmp_path, real_engine):
    bot = await start_bot(stub, desk_settings(stub, tmp_path), real_engine)
    cases = [(m, "laporan pelanggaran") for m in REPORTS] + [(m, "permintaan petugas") for m in PERSON] + \
            [(m, "pertanyaan") for m in OWN_CASE] + [(m, None) for m in ANSWERABLE]
    try:
        users = {}
        for i, (text, _) in enumerate(cases):
            users[text] = 5000 + i  # one citizen each (a report keeps its sender in the intake)
            await stub.send_text(users[text], text)
        await stub.wait_for(lambda: all(stub.messages(u) for u in users.values()), 30, "a reply to everyone")
        await asyncio.sleep(0.5)
        await stub.settle()
        svc, desk = bot.services.ask, bot.services.desk
        for text, kind in cases:
            got = await desk.tickets.for_user(svc.pseudonym(users[text]))
            assert [t.kind for t in got] == ([kind] if kind else []), text
            if kind:
                assert any(f"Nomor tiket Anda: #{got[0].id}" in m.text for m in stub.messages(users[text])), text
    finally:
        await stop_application(bot.app)
