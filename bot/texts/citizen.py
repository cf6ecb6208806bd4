"""Everything the bot says to citizens, in Indonesian, in one place.

All strings are Telegram HTML (the application's default parse mode): literal `<`, `>`,
`&` must be escaped, and any value formatted in must go through `bot.render.esc`.
"""
from __future__ import annotations

COMMANDS: list[tuple[str, str]] = [
    ("start", "Mulai dan kenali layanan ini"),
    ("bantuan", "Cara bertanya dan contoh pertanyaan"),
    ("tanya", "Ajukan pertanyaan (untuk grup): /tanya pertanyaan Anda"),
    ("sumber", "Daftar peraturan yang saya gunakan dan statusnya"),
    ("petugas", "Minta bantuan petugas"),
    ("lapor", "Laporkan dugaan pelanggaran pemilu"),
    ("batal", "Batalkan laporan yang sedang diisi"),
    ("hapusdata", "Hapus semua data Anda yang tersimpan"),
]



WELCOME = (
    "Halo! 👋 Saya <b>Konsultasi Hukum Kepemiluan</b>.\n\n"
    "<b>Yang bisa saya bantu:</b>\n"
    "• menjawab pertanyaan tentang aturan pemilu dan pilkada dengan mengutip "
    "pasal undang-undang secara utuh, lengkap dengan sumbernya;\n"
    "• memberi tahu bila suatu aturan sudah diubah atau dicabut;\n"
    "• meneruskan pertanyaan sulit kepada petugas (/petugas).\n\n"
    "<b>Yang tidak bisa saya lakukan:</b>\n"
    "• memberi nasihat hukum untuk kasus pribadi atau pendapat politik;\n"
    "• menerima laporan pelanggaran secara resmi: lewat /lapor saya mencatat keterangan Anda untuk "
    "petugas, tetapi laporan baru resmi setelah petugas Bawaslu mengonfirmasinya;\n"
    "• membaca gambar, suara, atau video.\n\n"
    "Cukup ketik pertanyaan Anda, misalnya: <i>Apa syarat pendidikan calon bupati?</i>\n\n"
    "🔒 <b>Privasi:</b> pertanyaan Anda disimpan paling lama {days} hari bersama kode samaran "
    "(bukan nama atau nomor Anda) untuk memperbaiki layanan. Bila Anda meminta petugas atau melapor, "
    "kami menyimpan ID chat dan keterangan tiket agar petugas dapat membalas, juga paling lama {days} hari. "
    "Hapus kapan saja dengan /hapusdata."
)

HELP = (
    "<b>Cara bertanya</b>\n"
    "Tulis pertanyaan Anda dengan kalimat biasa. Satu pesan, satu pertanyaan.\n\n"
    "<b>Contoh:</b>\n"
    "• Apa syarat pendidikan calon bupati?\n"
    "• Berapa lama masa kampanye pilkada?\n"
    "• Siapa yang berhak memilih dalam pemilu?\n"
    "• Apa sanksi politik uang dalam pilkada?\n\n"
    "<b>Perintah:</b>\n"
    "/tanya &lt;pertanyaan&gt; — bertanya di grup\n"
    "/sumber — daftar peraturan dan statusnya\n"
    "/petugas — minta bantuan petugas\n"
    "/lapor — laporkan dugaan pelanggaran (/batal untuk membatalkan)\n"
    "/hapusdata — hapus data Anda\n\n"
    "Di grup, saya hanya menjawab bila disebut (@{username}), dibalas, atau lewat /tanya.\n"
    "Di bawah setiap jawaban ada tombol 👍/👎 untuk menilai, «Lihat pasal lengkap», "
    "dan «Tanya petugas»."
)

ASK_USAGE = "Tulis pertanyaan setelah perintahnya, misalnya:\n/tanya Apa syarat pendidikan calon bupati?"
EMPTY = "Pesan Anda kosong. Silakan ketik pertanyaan tentang hukum kepemiluan."
TOO_LONG = (
    "Pertanyaan Anda terlalu panjang ({length} karakter). Saya hanya membaca {limit} karakter "
    "pertama; kirim sisanya sebagai pertanyaan terpisah bila perlu."
)
FORWARDED = "Ini pesan terusan; saya menjawab isinya sebagai pertanyaan."
EDITED = "Jawaban untuk pertanyaan yang Anda ubah:"
RATE_LIMITED = (
    "Mohon maaf, Anda sudah mengirim {limit} pertanyaan dalam satu menit terakhir. "
    "Silakan tunggu sekitar {seconds} detik, lalu kirim lagi pertanyaan Anda. 🙏"
)
OVER_BUDGET = (
    "Mohon maaf, terlalu banyak pesan dari Anda dalam satu menit terakhir. Silakan tunggu sekitar "
    "{seconds} detik; pesan yang dikirim sebelum itu tidak akan dibalas. 🙏"
)
RATE_LIMITED_BUTTON = "Terlalu banyak permintaan dalam satu menit. Silakan tunggu sekitar {seconds} detik."
TEMPORARY = (
    "Maaf, layanan pencarian dasar hukum kami sedang terganggu sementara, sehingga pertanyaan Anda "
    "belum bisa dijawab sekarang. Silakan kirim pertanyaan yang sama lagi dalam beberapa menit."
)

ERROR = (
    "Maaf, terjadi kesalahan di sistem kami saat memproses pesan Anda. "
    "Silakan coba kirim lagi sebentar lagi."
)

STICKER = "Terima kasih stikernya 🙂 Saya hanya bisa menjawab pertanyaan yang diketik. Silakan tulis pertanyaan Anda."
PHOTO = "Saya belum bisa membaca gambar atau foto. Silakan ketik pertanyaan Anda sebagai teks."
VOICE = "Saya belum bisa mendengarkan pesan suara atau audio. Silakan ketik pertanyaan Anda sebagai teks."
VIDEO = "Saya belum bisa memutar video. Silakan ketik pertanyaan Anda sebagai teks."
LOCATION = (
    "Terima kasih, tetapi saya tidak memerlukan lokasi Anda dan tidak menyimpannya. "
    "Silakan ketik pertanyaan Anda tentang aturan kepemiluan."
)
CONTACT = (
    "Demi privasi, mohon jangan mengirim kontak atau nomor telepon. Saya tidak menyimpannya. "
    "Silakan ketik pertanyaan Anda sebagai teks."
)
DOCUMENT = "Maaf, saya tidak menerima berkas. Silakan ketik pertanyaan Anda sebagai teks."
OTHER = "Saya hanya bisa membaca pesan teks. Silakan ketik pertanyaan Anda."
CAPTION = "Saya menjawab keterangan (caption) yang Anda tulis; isi lampirannya tidak saya baca."

ADMIN_DOC_SAVED = (
    "📥 Berkas <b>{name}</b> ({size} KB) diterima dan disimpan untuk diproses. "
    "Pemuatan ke basis pengetahuan dilakukan oleh admin lewat perintah ingest."
)
ADMIN_DOC_TOO_BIG = "Berkas terlalu besar untuk diunduh bot (maksimal 20 MB)."


DELETE_CONFIRM = (
    "Anda yakin ingin menghapus <b>semua</b> data Anda yang tersimpan (riwayat pertanyaan, "
    "penilaian, permintaan petugas, laporan beserta buktinya, dan FAQ yang dibuat dari tiket Anda)? "
    "Pesan bot tentang Anda di grup petugas juga dihapus. Tindakan ini tidak dapat dibatalkan."
)
DELETE_DONE = (
    "🗑️ Data Anda sudah dihapus: {conversations} pertanyaan dan {requests} permintaan petugas."
)
DELETE_CANCELLED = "Penghapusan dibatalkan. Data Anda tidak diubah."
DELETE_PRIVATE_ONLY = "Demi privasi, gunakan /hapusdata di chat pribadi dengan saya."
YES = "Ya, hapus"
CANCEL = "Batal"

FEEDBACK_THANKS = "Terima kasih atas penilaian Anda!"
FEEDBACK_NOT_YOURS = "Hanya penanya yang dapat menilai jawaban ini."
GONE = "Data jawaban ini sudah tidak tersedia (mungkin sudah dihapus). Silakan bertanya lagi."
PASSAGE_NOT_FOUND = "Maaf, teks lengkap pasal ini tidak ditemukan."
BUSY_RETRY = "Maaf, terjadi kesalahan. Silakan tekan tombolnya lagi."

BTN_UP = "👍"
BTN_DOWN = "👎"
BTN_PASSAGE = "📖 Lihat pasal lengkap"
BTN_PASSAGE_N = "📖 Pasal lengkap [{n}]"
BTN_STAFF = "🙋 Tanya petugas"
UNKNOWN_COMMAND = "Perintah itu tidak saya kenal. Lihat /bantuan."

# issue 11: an article's legal effects («Pasal lengkap» view, /sumber)
ARTICLE_CHAIN = "⚖️ <b>Riwayat pasal:</b>"
SOURCE_EFFECT = "  ↳ {what} <code>{target}</code>"
EFFECT_VERBS = {
    "dimaknai": "memberi makna baru pada",
    "dibatalkan": "menyatakan tidak mempunyai kekuatan hukum mengikat:",
    "ditolak": "menolak permohonan pengujian",
    "dicabut": "mencabut",
    "diubah": "mengubah",
    "dihapus": "menghapus",
}
