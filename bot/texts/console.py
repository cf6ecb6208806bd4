"""What the bot and the web console say about the console (Indonesian; Telegram HTML where sent
by the bot: format values through bot.render.esc)."""
from __future__ import annotations

LOGIN_LINK = (
    "🔐 <b>Masuk ke konsol petugas</b>\n"
    "Buka tautan ini di peramban Anda (sekali pakai, berlaku 10 menit, hanya untuk akun Anda):\n"
    "{url}\n\n"
    "Jangan teruskan tautan ini kepada siapa pun. Ketik <code>/konsol keluar</code> untuk mengakhiri "
    "semua sesi konsol Anda."
)
REFUSED = (
    "Maaf, konsol web hanya untuk petugas dan admin. "
    "Bila Anda ingin bertanya, cukup ketik pertanyaan Anda."
)
PRIVATE_ONLY = "Demi keamanan, tautan masuk konsol hanya dikirim di chat pribadi dengan saya."
NOT_ENABLED = (
    "Konsol web belum diaktifkan di instalasi ini. Admin server dapat mengaktifkannya dengan "
    "KEPEMILUAN_CONSOLE_PORT (atau mode webhook)."
)
LOGGED_OUT = "🚪 Semua sesi konsol Anda telah diakhiri ({n} sesi). Tautan masuk yang belum dipakai juga tidak berlaku lagi."

# ------------------------------------------------------------------ the web pages and the API

NO_SESSION = "Anda belum masuk. Kirim /konsol ke bot di chat pribadi untuk mendapatkan tautan masuk."
LINK_REFUSED = (
    "Tautan masuk ini tidak berlaku: sudah dipakai, sudah kedaluwarsa (10 menit), atau tidak dikenal. "
    "Kirim /konsol ke bot untuk tautan baru."
)
CSRF_MISSING = "Permintaan ditolak: token keamanan (CSRF) tidak ada atau salah. Muat ulang halaman lalu coba lagi."
STAFF_ONLY = "Halaman ini hanya untuk petugas."
ADMIN_ONLY = "Halaman ini hanya untuk admin basis pengetahuan."
NOT_FOUND = "Tidak ditemukan."
NO_TICKET = "Tiket #{n} tidak ditemukan."
EMPTY_REPLY = "Jawaban kosong: tulis jawaban untuk warga terlebih dahulu."
REPLY_TOO_LONG = "Jawaban terlalu panjang (batas {limit} karakter)."
RELAYED = "Jawaban disimpan dan sedang dikirim ke warga (tiket #{n})."
BAD_JSON = "Permintaan tidak sah: kirim JSON."
EVIDENCE_TOO_BIG = "Berkas bukti terlalu besar untuk ditampilkan (batas {mb} MB). Buka di grup petugas Telegram."
EVIDENCE_UNAVAILABLE = "Berkas bukti tidak dapat diambil dari Telegram saat ini."
REMOVE_CONFIRM = "Ketik kode dokumen ({doc}) untuk mengonfirmasi penghapusan."
REMOVED = "Dokumen {doc} dihapus ({n} pasase)."
NOT_REMOVED = "Dokumen {doc} tidak ada di indeks."
STATUS_SET = "Status {doc} menjadi {status} ({n} pasase)."
BAD_STATUS = "Status tidak dikenal: pilih berlaku, diubah, atau dicabut."
UPLOAD_EMPTY = "Berkas kosong atau tidak ada nama berkas."
UPLOAD_TOO_BIG = "Berkas terlalu besar (batas {mb} MB)."
URL_MISSING = "Tulis alamat (URL) halaman atau berkas yang akan dimuat."
INGEST_UNAVAILABLE = "Pemuatan dokumen tidak tersedia di instalasi ini (mesin tanpa indeks)."
INGEST_FAILED = "Gagal memuat: {reason}"
INGEST_DONE = "Selesai: {doc_id} versi {version} ({state}); +{added} −{removed} ={unchanged} pasase."
FAQ_PUBLISH_EMPTY = "Tulis pertanyaan FAQ yang umum (tanpa nama atau nomor warga) sebelum menerbitkan."

STAGES = {"parse": "membaca berkas", "chunk": "memotong pasase", "embed": "membuat vektor",
          "stage": "menulis indeks", "swap": "mengganti versi", "finish": "merapikan"}
