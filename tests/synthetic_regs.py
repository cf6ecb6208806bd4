"""SYNTHETIC regulation texts for tests (issue 11). Made up, labelled as such, never shipped as
knowledge: realistic PKPU layout (title, Menimbang, MEMUTUSKAN, Pasal, a repeal clause in the
Ketentuan Penutup), with years far in the future so they cannot be mistaken for real ones."""
from __future__ import annotations

SYNTHETIC = "TEKS SINTETIS UNTUK PENGUJIAN, BUKAN PERATURAN YANG BERLAKU"


def pkpu(number: int, year: int, *, days: int, repeals: tuple[int, int] | None = None) -> str:
    """A made-up PKPU on the schedule of a (made-up) voter-list stage; `repeals` = (number, year)."""
    closing = ""
    if repeals:
        n, y = repeals
        closing = f"""
BAB III
KETENTUAN PENUTUP

Pasal 3
Pada saat Peraturan Komisi ini mulai berlaku, Peraturan Komisi Pemilihan Umum Nomor {n} Tahun {y} tentang
Jadwal Pengumuman Daftar Pemilih Sementara (Berita Negara Republik Indonesia Tahun {y} Nomor 17), dicabut dan
dinyatakan tidak berlaku.
"""
    last = 4 if repeals else 3
    return f"""{SYNTHETIC}
PERATURAN KOMISI PEMILIHAN UMUM REPUBLIK INDONESIA
NOMOR {number} TAHUN {year}
TENTANG
JADWAL PENGUMUMAN DAFTAR PEMILIH SEMENTARA

DENGAN RAHMAT TUHAN YANG MAHA ESA

KETUA KOMISI PEMILIHAN UMUM REPUBLIK INDONESIA,

Menimbang: bahwa untuk melaksanakan pemutakhiran data pemilih perlu menetapkan Peraturan Komisi Pemilihan Umum tentang Jadwal Pengumuman Daftar Pemilih Sementara;

MEMUTUSKAN:
Menetapkan: PERATURAN KOMISI PEMILIHAN UMUM TENTANG JADWAL PENGUMUMAN DAFTAR PEMILIH SEMENTARA.

BAB I
KETENTUAN UMUM

Pasal 1
Daftar pemilih sementara diumumkan oleh PPS di kantor desa atau kelurahan selama {days} (hari) hari untuk mendapatkan masukan dan tanggapan masyarakat.

BAB II
TANGGAPAN MASYARAKAT

Pasal 2
Masukan dan tanggapan masyarakat terhadap daftar pemilih sementara disampaikan kepada PPS secara lisan atau tertulis.
{closing}
Pasal {last}
Peraturan Komisi ini mulai berlaku pada tanggal diundangkan.
"""
