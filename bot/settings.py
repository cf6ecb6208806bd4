"""Settings from the environment (prefix KEPEMILUAN_), one object for the whole process.

Secrets (the Telegram token, database passwords) come from here only and are never logged:
`Settings.__repr__` hides them through SecretStr.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SALT = "ganti-salt-ini"

# a list of Telegram ids as an admin writes it: 9001 · 1,2 · [1, 2]
IdList = Annotated[list[int], NoDecode]


class SettingsError(ValueError):
    """A setting the bot cannot start with; the message is one line for the admin."""


def parse_ids(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise ValueError(f"bukan daftar JSON yang sah: {text!r}") from None
        else:
            value = [part.strip() for part in text.split(",") if part.strip()]
    ids = []
    for item in value:
        try:
            ids.append(int(str(item).strip()))
        except ValueError:
            raise ValueError(f"{item!r} bukan ID Telegram (angka); tulis misalnya 9001 atau 1,2") from None
    return ids


def explain(exc: ValidationError) -> str:
    """One line naming the environment variable(s) at fault (no pydantic traceback)."""
    parts = []
    for e in exc.errors():
        name = "KEPEMILUAN_" + str(e["loc"][0]).upper() if e.get("loc") else "pengaturan"
        parts.append(f"{name}: {str(e.get('msg', '')).removeprefix('Value error, ')}")
    return "Pengaturan tidak sah: " + "; ".join(parts)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEPEMILUAN_", env_file=".env", extra="ignore")

    # Storage
    data_dir: Path = Path("data")
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8000 -> chromadb.HttpClient
    database_url: str | None = None  # default: sqlite in data_dir
    collection: str = "kepemiluan"

    # Retrieval
    embedding_model: str = "default"  # "default" = bundled all-MiniLM-L6-v2; or a path / HF id
    embedding_device: str = "cpu"
    embedding_max_tokens: int = 128
    dense_weight: float | None = None  # None = the measured default in knowledge.retrieval
    # "exact": the stored vectors are copied into memory and all scored (knowledge/vectors.py: the
    # same answer in every process); "chroma": Chroma's approximate HNSW index answers each query
    # (for a corpus of millions of passages)
    dense_search: Literal["exact", "chroma"] = "exact"
    # the learned re-ranker (knowledge/rerank.py), where it was fitted for this model and weight; off by
    # default: trained on the law in force it gains only there and loses over all questions (README)
    rerank: bool = False

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None  # PTB convention: http://127.0.0.1:PORT/bot
    telegram_base_file_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    # outgoing messages/s of THIS PROCESS (Telegram allows ~30/s per bot in total: with N replicas
    # use 30/N); 0 = no throttling. 429 retry_after is honoured either way.
    telegram_flood_limit: float = 30.0
    telegram_pool_size: int = 16  # HTTP connections to the Bot API
    engine_workers: int = 0  # threads answering questions; 0 = min(4, CPUs)
    webhook_max_connections: int = 40  # Telegram's parallel webhook connections (1-100)

    # Scale-out / operations
    shared_state: bool | None = None  # rate limits + job leases in the DB; None = when database_url is not SQLite
    log_format: str = "text"  # "json" for one JSON object per line (with request ids)
    log_level: str = "INFO"
    catalog_refresh_s: float = 60.0  # reload the passage catalog when the index changed (0 = never)

    # Citizens
    rate_limit_per_minute: int = 10  # questions (engine runs) per user per minute
    # one budget across EVERY handler that sends or runs the engine (commands, buttons, media,
    # report steps, questions): per user per minute; staff and admins are exempt (0 = off)
    user_budget_per_minute: int = 30
    max_open_tickets_per_user: int = 3  # a citizen with this many open tickets gets the newest back
    max_tickets_per_hour: int = 5  # tickets a citizen may open in an hour (a /lapor → /batal loop)
    max_evidence_items: int = 10  # evidence photos/documents per report
    max_report_field_chars: int = 1000  # each report fact (account, reporter, reported, time and place)
    max_question_chars: int = 2000
    log_retention_days: int = 90
    pseudonym_salt: SecretStr = SecretStr(DEFAULT_SALT)
    allow_default_salt: bool = False  # production (webhook or PostgreSQL) refuses the default salt unless set

    # Staff / admin
    staff_chat_id: int | None = None
    staff_ids: IdList = Field(default_factory=list)
    admin_ids: IdList = Field(default_factory=list)

    # Ticket desk (bot/application/desk/, bot/handlers/desk.py, bot/jobs.py)
    staff_role: str = "Petugas Bawaslu"  # how staff answers are signed (never the person's name)
    staff_response_hours: int = 24  # what citizens are told to expect
    ticket_overdue_minutes: float = 120  # an open ticket older than this is overdue
    reminder_interval_minutes: float = 30  # the reminder job's period; one reminder per ticket per period
    outbox_poll_seconds: float = 1.0
    outbox_orphan_wait_seconds: float = 60.0  # a reply to a card still pending waits at most this long
    # Admin re-ingestion and the news job (issue 5)
    ingest_max_bytes: int = 20_000_000  # uploads and downloads; the Bot API serves files up to 20 MB
    fetch_timeout_seconds: float = 20.0
    fetch_max_redirects: int = 5
    # hosts / addresses / networks that /ingest <url> and the news job may fetch although they are
    # internal (loopback, private, link-local): comma-separated, e.g. "127.0.0.1,10.0.0.0/8". Empty:
    # none. ingest.fetch reads the same variable (KEPEMILUAN_FETCH_ALLOW) when given no allow-list.
    fetch_allow: str = ""
    ingest_progress_seconds: float = 2.0  # progress message edits at most this often
    news_sources: list[str] = Field(default_factory=list)  # Bawaslu news listing pages
    news_interval_minutes: float = 60.0
    news_delay_seconds: float = 2.0  # pause between two requests to the same site
    # The staff and admin web console (issue 14, bot/console/): served on 127.0.0.1:console_port
    # when set (polling mode), and beside /tg/* in webhook mode. console_url: the address the
    # /konsol login links start with (default: the webhook's host in webhook mode, else
    # http://127.0.0.1:<console_port>); behind https the session cookie is Secure.
    console_port: int | None = None
    console_url: str | None = None
    console_session_hours: float = 8.0  # a console session ends after this long (or /konsol keluar)

    @field_validator("staff_ids", "admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> list[int]:
        return parse_ids(value)

    def check_production(self) -> None:
        """Refuse what must not reach production: the default pseudonym salt with a webhook or a
        shared database (pseudonyms would be computable by anyone who reads this code)."""
        production = bool(self.webhook_url) or self.use_shared_state or (
            bool(self.database_url) and not self.database_url.startswith("sqlite")
        )
        if production and self.pseudonym_salt.get_secret_value() == DEFAULT_SALT and not self.allow_default_salt:
            raise SettingsError(
                "KEPEMILUAN_PSEUDONYM_SALT masih bawaan: isi dengan rahasia acak sebelum berjalan di produksi "
                "(webhook atau PostgreSQL), atau set KEPEMILUAN_ALLOW_DEFAULT_SALT=true untuk uji coba."
            )

    @property
    def console_enabled(self) -> bool:
        """Something serves the console: its own port, the webhook server, or a given URL."""
        return bool(self.console_port or self.webhook_url or self.console_url)

    @property
    def console_base_url(self) -> str:
        """Where the console's login links point (no trailing slash)."""
        if self.console_url:
            return self.console_url.rstrip("/")
        if self.webhook_url:  # webhook mode serves it beside the webhook: same host
            from urllib.parse import urlparse

            u = urlparse(self.webhook_url)
            return f"{u.scheme}://{u.netloc}"
        return f"http://127.0.0.1:{self.console_port or self.webhook_port}"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "kepemiluan.sqlite3"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.sqlite_path}"

    @property
    def use_shared_state(self) -> bool:
        if self.shared_state is not None:
            return self.shared_state
        return bool(self.database_url) and not self.database_url.startswith("sqlite")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


def get_settings(**overrides) -> Settings:
    return Settings(**overrides)


def load_settings(**overrides) -> Settings:
    """Settings from the environment; a bad value raises SettingsError with one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(explain(exc)) from None
