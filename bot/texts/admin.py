"""What the bot says to admins (Indonesian, Telegram HTML: format values through bot.render.esc)."""
from __future__ import annotations

NOT_ADMIN = (
    "Maaf, perintah ini hanya untuk admin basis pengetahuan. "
    "Bila Anda ingin bertanya, cukup ketik pertanyaan Anda."
)
PRIVATE_ONLY = "Demi keamanan, perintah admin hanya dapat dipakai di chat pribadi dengan saya."
NOT_AVAILABLE = "Pemuatan dokumen tidak tersedia di instalasi ini (mesin tanpa indeks)."
INGEST_USAGE = (
    "Cara memuat dokumen:\n"
    "• kirim berkas PDF, HTML, TXT, atau Markdown dengan keterangan (caption) <code>/ingest</code>;\n"
    "• atau balas (reply) berkas yang sudah dikirim dengan <code>/ingest</code>;\n"
    "• atau <code>/ingest https://alamat-halaman</code> untuk mengunduh dari situs."
)
DOC_SAVED = (
    "📥 Berkas <b>{name}</b> ({size} KB) diterima dan disimpan. "
    "Untuk memuatnya ke basis pengetahuan, balas berkas itu dengan <code>/ingest</code>."
)
TOO_BIG = "❌ <b>{name}</b>: berkas terlalu besar (batas {limit} MB). Tidak ada yang diubah."
STARTED = "⏳ Memuat <b>{name}</b> …"
DOWNLOADING = "⏳ Mengunduh <b>{name}</b> …"
PROGRESS = "⏳ Memuat <b>{name}</b> … {done}/{total} pasase diproses ({seconds:.0f} detik)"
FAILED = (
    "❌ Gagal memuat <b>{name}</b>: {reason}\n\n"
    "Tidak ada yang diubah; versi sebelumnya (bila ada) tetap dipakai untuk menjawab."
)
ERROR = (
    "❌ Terjadi kesalahan di sistem saat memuat <b>{name}</b>. Tidak ada yang diubah; "
    "versi sebelumnya tetap dipakai. Periksa log server."
)
DONE = (
    "✅ <b>{name}</b> selesai dimuat.\n"
    "Dikenali sebagai: {recognised}\n"
    "ID dokumen: <code>{doc_id}</code> · versi {version} ({state})\n"
    "Pasase: {added} ditambah, {removed} dihapus, {unchanged} tidak berubah (total {total})\n"
    "Waktu: {seconds:.1f} detik"
)
UNCHANGED = (
    "ℹ️ <b>{name}</b>: isinya sama dengan versi {version} yang sudah dimuat; tidak ada yang diubah.\n"
    "Dikenali sebagai: {recognised}\n"
    "ID dokumen: <code>{doc_id}</code>\n"
    "Pasase: 0 ditambah, 0 dihapus, {unchanged} tidak berubah\n"
    "Waktu: {seconds:.1f} detik"
)
PREVIOUS = "Versi sebelumnya: {version} (tercatat; lihat /sumber)."
WARNING = "⚠️ {text}"

REMOVE_USAGE = "Tulis ID dokumennya, misalnya: <code>/hapus uu-8-2012</code>. Daftar ID ada di /sumber."
UNKNOWN_DOC = "Dokumen <code>{doc_id}</code> tidak ada di basis pengetahuan. Lihat /sumber untuk daftar ID."
REMOVE_CONFIRM = (
    "Hapus <b>{title}</b> (<code>{doc_id}</code>, {passages} pasase) dari basis pengetahuan? "
    "Jawaban tidak akan lagi mengutip dokumen ini."
)
REMOVE_YES = "Ya, hapus"
REMOVE_NO = "Batal"
REMOVED = "🗑️ <code>{doc_id}</code> dihapus ({passages} pasase). Sudah tidak dipakai untuk menjawab."
REMOVE_CANCELLED = "Penghapusan <code>{doc_id}</code> dibatalkan."
REMOVE_GONE = "Dokumen <code>{doc_id}</code> sudah tidak ada."
CONFIRM_EXPIRED = "Konfirmasi ini sudah kedaluwarsa. Kirim perintahnya lagi."

STATUS_USAGE = (
    "Cara pakai: <code>/status &lt;id_dokumen&gt; berlaku|diubah|dicabut [oleh &lt;id_dokumen&gt;]</code>\n"
    "Contoh: <code>/status uu-8-2012 dicabut oleh uu-7-2017</code>"
)
STATUS_BAD = "Status «{status}» tidak dikenal. Pilih salah satu: berlaku, diubah, dicabut."
STATUS_DONE = (
    "✅ Status <code>{doc_id}</code> sekarang: <b>{label}</b> ({passages} pasase). "
    "Berlaku seketika untuk jawaban berikutnya."
)
STATUS_UNKNOWN_BY = "Catatan: dokumen pengubah/pencabut <code>{by}</code> belum ada di basis pengetahuan."

SOURCES_HEADER = "📚 <b>Sumber di basis pengetahuan</b> ({n} dokumen, {passages} pasase)"
SOURCES_AUDIT = "🧾 <b>Riwayat perubahan terakhir</b>"
SOURCES_NO_AUDIT = "Belum ada perubahan oleh admin."
BUNDLED = "korpus bawaan"

NEWS_DONE = "📰 Berita baru dimuat: {title} (<code>{doc_id}</code>)"
INDEX_MISMATCH = ("indeks tidak cocok dengan model embedding yang dipakai sekarang; operator perlu menjalankan "
                  "<code>kepemiluan reindex</code>.")
INDEX_DOWN = "indeks tidak dapat dihubungi."
TOO_BIG_REASON = "berkas terlalu besar"

# issue 11: one article's legal effect (/status <doc> pasal N [ayat M] [huruf x] <efek> oleh <sumber>)
ARTICLE_STATUS_USAGE = (
    "Cara pakai untuk satu pasal: <code>/status &lt;id_dokumen&gt; pasal N [ayat M] [huruf x] "
    "dimaknai|dibatalkan|ditolak|diubah|dihapus|dicabut oleh &lt;id_sumber&gt;</code>, atau "
    "<code>… pasal N [ayat M] berlaku</code> untuk menghapus catatan.\n"
    "Contoh: <code>/status uu-10-2016 pasal 40 ayat 1 dimaknai oleh putusan-mk-60-2024</code>"
)
ARTICLE_STATUS_BAD = "Efek «{kind}» tidak dikenal. Pilih: {kinds}."
ARTICLE_STATUS_NEEDS_BY = "Sebutkan sumbernya: «… {kind} oleh &lt;id_dokumen&gt;»."
ARTICLE_STATUS_DONE = (
    "✅ {where} <code>{doc_id}</code> sekarang tercatat <b>{kind}</b> oleh <code>{by}</code>. "
    "Berlaku seketika untuk jawaban berikutnya."
)
ARTICLE_STATUS_CLEARED = "✅ Catatan efek untuk {where} <code>{doc_id}</code> dihapus. Berlaku seketika."
ARTICLE_STATUS_PENDING = ("Catatan: <code>{doc_id}</code> belum ada di basis pengetahuan; efeknya diterapkan "
                          "begitu dokumen itu dimuat.")
SOURCES_EFFECT = "  ↳ {kind} <code>{target}</code>{item}"
SOURCES_EFFECT_ITEM = " (amar {item})"
SOURCES_ADMIN_EFFECTS = "📌 <b>Efek pasal yang dicatat admin</b>"
SOURCES_PENDING_EFFECTS = "⏳ <b>Efek yang menunggu dokumen sasarannya</b>"
