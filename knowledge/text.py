"""Indonesian text handling: query normalisation (slang, abbreviations, typos), tokenising,
stemming (PySastrawi) and stopwords.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

WORD = re.compile(r"[0-9a-z]+")

# Everyday spellings -> the words the law uses. Each value is appended to the query, the
# original word stays (an expansion, not a replacement).
SLANG: dict[str, str] = {
    "yg": "yang", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "tdk": "tidak", "gk": "tidak", "kagak": "tidak", "jg": "juga", "jga": "juga", "dgn": "dengan",
    "utk": "untuk", "krn": "karena", "karna": "karena", "sy": "saya", "aku": "saya", "gue": "saya",
    "gw": "saya", "gmn": "bagaimana", "gimana": "bagaimana", "blh": "boleh", "bs": "bisa", "bsa": "bisa",
    "aja": "saja", "sdh": "sudah", "udah": "sudah", "udh": "sudah", "blm": "belum", "tp": "tapi",
    "kalo": "kalau", "klo": "kalau", "dr": "dari", "pd": "pada", "org": "orang", "bgmn": "bagaimana",
    "nerima": "menerima", "ngasih": "memberi", "kasih": "memberi", "dikasih": "diberi", "bikin": "membuat",
    "nyoblos": "memberikan suara pemungutan suara", "coblos": "memberikan suara pemungutan suara",
    "nyalon": "mencalonkan diri", "nyaleg": "mencalonkan diri calon anggota",
    "mundur": "mengundurkan diri pengunduran diri", "dipenjara": "pidana penjara",
    "dipidana": "pidana", "dihukum": "pidana sanksi",
    # the criminal provisions say "dipidana", never "hukuman" ("sanksi" is also the administrative
    # sanctions' own word: it stays unexpanded)
    "hukuman": "pidana", "hukumannya": "pidana", "dendanya": "pidana",
    "paslon": "pasangan calon", "caleg": "calon anggota dprd dpr", "capres": "calon presiden",
    "cawapres": "calon wakil presiden", "cagub": "calon gubernur", "cawagub": "calon wakil gubernur",
    "cabup": "calon bupati", "cawabup": "calon wakil bupati", "cawalkot": "calon walikota",
    "walkot": "walikota", "pilkada": "pemilihan gubernur bupati walikota",
    "pemilukada": "pemilihan gubernur bupati walikota", "pilgub": "pemilihan gubernur",
    "pilbup": "pemilihan bupati", "pilwalkot": "pemilihan walikota",
    "pileg": "pemilu anggota dpr dpd dprd", "pilpres": "pemilu presiden wakil presiden",
    "dpt": "daftar pemilih tetap", "dps": "daftar pemilih sementara", "dptb": "daftar pemilih tambahan",
    "asn": "aparatur sipil negara pegawai negeri sipil", "pns": "pegawai negeri sipil aparatur sipil negara",
    "tps": "tempat pemungutan suara", "ktp": "kartu tanda penduduk", "ektp": "kartu tanda penduduk elektronik",
    "timses": "tim kampanye", "parpol": "partai politik", "medsos": "media sosial",
    "apk": "alat peraga kampanye", "baliho": "alat peraga kampanye", "spanduk": "alat peraga kampanye",
    "poster": "alat peraga kampanye", "kades": "kepala desa", "lurah": "kepala kelurahan",
    "incumbent": "petahana", "golput": "tidak menggunakan hak pilih", "mk": "mahkamah konstitusi",
    "tni": "tentara nasional indonesia", "polri": "kepolisian negara republik indonesia",
    "pemda": "pemerintah daerah", "amplop": "uang materi lainnya",
    "sembako": "materi lainnya", "suap": "menjanjikan memberikan uang materi lainnya",
    "dinas": "fasilitas pemerintah", "pemilu": "pemilihan umum", "wna": "warga negara asing",
    "wni": "warga negara indonesia", "tuna": "penyandang disabilitas", "difabel": "penyandang disabilitas",
    "disabilitas": "penyandang disabilitas", "umur": "usia berumur", "syarat": "persyaratan",
    "perempuan": "perempuan keterwakilan", "wanita": "perempuan", "milih": "memilih pemilih",
    "dicoret": "tidak terdaftar", "kpps": "kelompok penyelenggara pemungutan suara",
    "pps": "panitia pemungutan suara", "ppk": "panitia pemilihan kecamatan",
    # abbreviations citizens and the press use that the bundled laws never write
    "psu": "pemungutan suara ulang", "ptps": "pengawas tps", "pkd": "pengawas kelurahan desa",
    "panwascam": "panwaslu kecamatan panwas kecamatan", "cakada": "calon kepala daerah",
    "dpk": "daftar pemilih khusus", "c1": "sertifikat hasil penghitungan suara",
    "rekap": "rekapitulasi", "pj": "penjabat", "plt": "pelaksana tugas",
    # the law says "paling rendah / paling sedikit / paling lama", citizens say "minimal / maksimal"
    "minimal": "paling rendah paling sedikit", "minimum": "paling rendah paling sedikit",
    "maksimal": "paling lama paling banyak", "maksimum": "paling lama paling banyak",
}
# Election-type words: their expansion names the kind of election, not the subject of the question.
ROUTING = {"pilkada", "pemilukada", "pilgub", "pilbup", "pilwalkot", "pileg", "pilpres", "pemilu"}
PHRASES: dict[str, str] = {
    "serangan fajar": "menjanjikan memberikan uang materi lainnya mempengaruhi pemilih politik uang",
    "money politic": "politik uang menjanjikan memberikan uang materi lainnya",
    "money politics": "politik uang menjanjikan memberikan uang materi lainnya",
    "politik uang": "menjanjikan memberikan uang materi lainnya mempengaruhi pemilih",
    "bagi bagi uang": "memberikan uang materi lainnya", "bagi-bagi uang": "memberikan uang materi lainnya",
    "beli suara": "politik uang menjanjikan memberikan uang materi lainnya mempengaruhi pemilih",
    "vote buying": "politik uang menjanjikan memberikan uang materi lainnya mempengaruhi pemilih",
    "quick count": "penghitungan cepat hasil", "hitung cepat": "penghitungan cepat hasil",
    "mobil dinas": "fasilitas pemerintah",
    "tim sukses": "tim kampanye pelaksana kampanye",
    "kampanye hitam": "menghina fitnah menghasut", "black campaign": "menghina fitnah menghasut",
    "hak pilih": "hak memilih pemilih", "tidak terdaftar": "tidak terdaftar daftar pemilih tetap",
    "masa tenang": "masa tenang kampanye",
    "pegawai negeri": "aparatur sipil negara",
    # a single-candidate Pilkada: the law says "Pemilihan 1 (satu) pasangan calon", its ballot a
    # "kolom kosong yang tidak bergambar" (UU 10/2016 Pasal 54C-54D)
    "calon tunggal": "satu pasangan calon", "paslon tunggal": "satu pasangan calon",
    "kotak kosong": "kolom kosong tidak bergambar satu pasangan calon",
}

# Kinds of question whose answer is worded quite differently from the question. Each rule adds
# the law's wording for that kind of question (a retrieval expansion, never shown to anyone).
_GROUPS = (r"perempuan|wanita|ibu rumah tangga|disabilitas|difabel|tuna\s?\w+|buta|tuli|bisu|lansia|lanjut usia|"
           r"miskin|minoritas|suku|etnis|agama|keturunan|orang tua")
INTENTS: list[tuple[re.Pattern, str]] = [
    # "can women / the deaf run or vote?" -> equal standing of every citizen
    (re.compile(rf"\b({_GROUPS})\b.*\b(hak|berhak|boleh|bisa|dapat|mencalonkan|memilih|dipilih|ikut)\b|"
                rf"\b(hak|berhak|boleh|bisa|dapat|mencalonkan|memilih|dipilih|ikut)\b.*\b({_GROUPS})\b"),
     "setiap warga negara berhak kesempatan sama kedudukan hukum pemerintahan"),
    # "who may vote?", "requirements to be a voter" -> the voter's definition and the right to vote
    (re.compile(r"\bsiapa\b.*\b(boleh|bisa|dapat|berhak)\s+(memilih|milih|nyoblos|mencoblos)\b|"
                r"\b(syarat|persyaratan)\b.*\bpemilih\b"),
     "pemilih warga negara genap berumur 17 tahun sudah pernah kawin hak memilih"),
    # "not on the voter list", "what to bring to the polling station" -> voting with an ID card
    (re.compile(r"\btidak terdaftar\b|\bbelum terdaftar\b|\b(dibawa|bawa|membawa)\b.*\b(tps|memilih|nyoblos)\b"),
     "pemilih tidak terdaftar menggunakan kartu tanda penduduk paspor"),
]

# Greetings, thanks and the formulas that announce a question ("Assalamualaikum, izin bertanya",
# "selamat pagi", "mohon pencerahannya", "terima kasih atas jawabannya"), and how they address the
# reader ("pak", "min"): how citizens open and close a message, never what they ask. Their words
# are not all stopwords, and some are the law's in other senses ("izin", "terima", "jawab",
# "jelas"), so the formulas go as phrases.
FRAMING = re.compile(
    r"\b(?:assalamu'?\s?alaikum(?:\s+(?:wr\.?\s*wb\.?|warahmatullahi?\s+wabarakatuh))?|wa'?alaikum\s*salam|"
    r"wassalam\w*|selamat\s+(?:pagi|siang|sore|malam)|halo|hallo|hai|permisi|admin|"
    r"(?:izin|ijin|numpang|mau|ingin|pengen|mo)\s+(?:bertanya|tanya|nanya)|"
    r"(?:terima\s*kasih|makasih|trims|thx)\w*(?:\s+(?:banyak|sebelumnya))?(?:\s+atas\s+\w+)?|"
    r"mohon\s+(?:penjelasan|pencerahan|informasi|info|jawaban|bantuan)\w*|"
    # the address and the chat particles (stopwords of the lexical search already; they moved
    # the dense search's vector: bench/framing_dense.py)
    r"pak|bu|kak|min|ya|dong|saya)\b")


def unframed(low: str) -> str:
    """The (lower-cased) question without its greeting and thanks formulas (FRAMING), whitespace
    collapsed; the text itself when nothing else is left ("halo min")."""
    kept = [w for w in FRAMING.sub(" ", low).split() if any(ch.isalnum() for ch in w)]  # no orphan ", ."
    return " ".join(kept) or low


# Interrogatives and chat filler: meaningful in a sentence, noise for retrieval.
_EXTRA_STOP = {
    "apa", "apakah", "siapa", "bagaimana", "gimana", "kapan", "dimana", "mana", "berapa", "mengapa", "kenapa",
    "bisa", "bisakah", "boleh", "bolehkah", "gak", "ga", "nggak", "tidak", "ya", "dong", "sih", "deh", "kah",
    "saja", "aja", "tolong", "mohon", "tanya", "pak", "bu", "min", "kak", "jika", "kalau", "bila", "saya",
    "jelaskan", "sebutkan", "itu", "ini", "yang", "juga", "jg", "yg", "nya", "tersebut", "maksud", "dimaksud",
    "sebagaimana", "bunyi", "isi", "pasal", "ayat", "huruf", "uu", "undang", "nomor", "tahun",
    # how one asks for a procedure, as "cara" (a Sastrawi stopword): the register, not the topic
    "prosedur", "prosedurnya",
}
# Words that carry legal meaning even though generic stopword lists drop them.
_KEEP = {"hak", "wajib", "dilarang", "larangan", "sanksi", "pidana", "sama", "dapat", "harus", "baru", "lama",
         "umum", "akhir", "awal", "tetap", "tinggi", "rendah", "paling", "luar", "dalam", "negeri"}


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=1)
def _root_words():
    """Sastrawi's dictionary of root words (the one its stemmer uses), or None."""
    return getattr(getattr(_stemmer(), "delegatedStemmer", None), "dictionary", None)


def is_word(word: str) -> bool:
    """An Indonesian word: its stem is in Sastrawi's dictionary of root words ("pemenang" ->
    "menang"). A word no law writes is still no typo."""
    roots = _root_words()
    return roots is not None and roots.contains(stem(word))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    base = set(StopWordRemoverFactory().get_stop_words())
    return frozenset((base | _EXTRA_STOP) - _KEEP)


# Sastrawi folds words the law keeps apart: "Pemilihan" (the election, in nearly every Pilkada
# article) and "Pemilih" (the voter) both become "pilih", which then means nothing. Keep the
# nouns of office and procedure distinct from the verb.
STEM_EXCEPTIONS = {
    "pemilihan": "pemilihan", "penyelenggaraan": "penyelenggaraan",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word.isdigit() or len(word) <= 3:
        return word
    if word in STEM_EXCEPTIONS:
        return STEM_EXCEPTIONS[word]
    return _stemmer().stem(word)


_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]")


def clean_input(text: str) -> str:
    """Drop control / bidi characters and normalise Unicode; keep everything a reader sees."""
    text = unicodedata.normalize("NFKC", text)
    text = _BIDI.sub("", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def expand_query(text: str, vocabulary: frozenset[str] | set[str] | None = None, *,
                 written: frozenset[str] = frozenset(), phrases: bool = True,
                 slang_off: frozenset[str] = frozenset(), verbs: bool = True, typos: bool = True,
                 framing: bool = True) -> tuple[str, str]:
    """Split a question into (the citizen's words, typo-fixed, with the law's words for slang and
    everyday phrases) and (the expansion of election-type words such as pilkada -> "pemilihan
    gubernur bupati walikota"). Retrieval weighs the second part less: it routes a question to a
    family of laws, it must not outvote the words that say what is asked.
    `written`: words the laws write often (LexicalIndex.written); a SLANG entry among them is
    not spelled out. The switches turn one hand-written list off, for the ablation (bench/rules_ablation.py):
    `phrases` PHRASES, `slang_off` these SLANG entries (a routing word still routes), `verbs` the
    colloquial-verb forms, `typos` the spelling correction, `framing` dropping the greetings and
    thanks (FRAMING)."""
    low = clean_input(text).lower()
    if framing:
        low = FRAMING.sub(" ", low)
    low = re.sub(r"(\w)-(\w)", r"\1 \2", low)
    extra: list[str] = []
    route: list[str] = []  # weighed less: see the docstring
    for phrase, exp in PHRASES.items() if phrases else ():
        if phrase in low:
            extra.append(exp)
    for rx, exp in INTENTS:
        if rx.search(low):
            route.append(exp)
    out: list[str] = []
    for w in words(low):
        # a SLANG word the laws themselves write often (`written`: "tps", "kpps", "ppk") is matched
        # as written: spelled out it also matched every passage on "pemungutan suara"
        # (bench/rules_ablation.py); a routing word always routes
        if w in SLANG and (w in ROUTING or (w not in slang_off and w not in written)):
            out.append(w)
            (route if w in ROUTING else extra).append(SLANG[w])
            continue
        if (vocabulary is not None and len(w) >= 5 and not w.isdigit() and w not in vocabulary
                and w not in stopwords()):
            fixed = (colloquial(w, vocabulary) if verbs else None) or (
                None if is_word(w) or not typos else correct(w, vocabulary))
            if fixed:
                out.append(fixed)
                continue
        out.append(w)
    return " ".join(out + extra), " ".join(route)


def normalize_query(text: str, vocabulary: frozenset[str] | set[str] | None = None) -> str:
    """Lowercase, expand slang / abbreviations / everyday phrases, fix typos against the corpus vocabulary."""
    core, extra = expand_query(text, vocabulary)
    return f"{core} {extra}".strip()


def colloquial(word: str, vocabulary) -> str | None:
    """The written form of a colloquial (Jakarta-style) verb, when the corpus has it: "ngawasin" ->
    "mengawasi", "nyelenggarain" -> "menyelenggarakan", "diusulin" -> "diusulkan", "ngurus" ->
    "mengurus". Only a form the law's own vocabulary contains is returned."""
    stems = [word]
    if len(word) >= 5 and word.endswith("in"):
        stems = [word[:-2] + "kan", word[:-2] + "i", word[:-2]]
    out = []
    for st in stems:
        out.append(st)
        if st.startswith("nge") and len(st) > 5:
            out += ["menge" + st[3:], "me" + st[3:], "meng" + st[3:]]
        elif st.startswith("ng"):
            out += ["meng" + st[2:], "me" + st[2:]]
        elif st.startswith("ny"):
            out += ["meny" + st[2:], "menc" + st[2:], "memp" + st[2:]]
        elif st[:1] in "bcdfgjklmprstwz" and not st.startswith(("di", "ber", "ter", "me", "pe", "ke", "se")):
            out += ["me" + st, "mem" + st, "men" + st, "meng" + st]
    for cand in out:
        if cand != word and cand in vocabulary:
            return cand
    return None


def correct(word: str, vocabulary) -> str | None:
    """A typo fix: a glued pair of known words ('dalampilkada'), or one edit away from a known word."""
    for i in range(3, len(word) - 2):
        a, b = word[:i], word[i:]
        if a in vocabulary and b in vocabulary and len(a) >= 3 and len(b) >= 4:
            return f"{a} {b}"
    cands = [c for c in _edits1(word) if c in vocabulary]
    if cands:
        # sorted: among equally good fixes the same one in every process (set order varies with the hash seed)
        return max(sorted(cands), key=lambda c: (c[:2] == word[:2], -abs(len(c) - len(word))))
    return None


_ALPHA = "abcdefghijklmnopqrstuvwxyz"


def _edits1(w: str) -> set[str]:
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHA]
    inserts = [a + c + b for a, b in splits for c in _ALPHA]
    return set(deletes + transposes + replaces + inserts)


def tokens(text: str) -> list[str]:
    """Index/query tokens: lowercase words, stopwords dropped, stemmed."""
    sw = stopwords()
    return [stem(w) for w in words(text) if w not in sw and (len(w) > 1 or w.isdigit())]


class OcrRepair:
    """Index-side repair of noisy OCR ("dibenttrk", "rekapihrlasi", "lkbupaten"): a word the clean
    texts never use is read as the clean texts' commonest word one edit away (two for a word of
    eight letters or more), found with symspellpy. Only what the index sees changes; every quote
    is still the passage's verbatim text."""

    def __init__(self, counts: dict[str, int]):
        from symspellpy import SymSpell

        self._known = counts
        self._sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for w, c in counts.items():
            if len(w) >= 3 and not w.isdigit():
                self._sym.create_dictionary_entry(w, c)
        self._memo: dict[str, str] = {}

    def word(self, w: str) -> str:
        if w in self._known or len(w) < 5 or any(ch.isdigit() for ch in w):
            return w
        got = self._memo.get(w)
        if got is None:
            from symspellpy import Verbosity

            hits = self._sym.lookup(w, Verbosity.TOP, max_edit_distance=1 if len(w) < 8 else 2)
            got = self._memo[w] = hits[0].term if hits else w
        return got

    def text(self, text: str) -> str:
        return " ".join(self.word(w) for w in words(text))
