"""Settings from the environment (prefix KEPEMILUAN_), one object for the whole process.

Secrets (the Telegram token, database passwords) come from here only and are never logged:
`Settings.__repr__` hides them through SecretStr.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None  # PTB convention: http://127.0.0.1:PORT/bot
    telegram_base_file_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_max_connections: int = 40  # Telegram's parallel webhook connections (1-100)
    # outgoing messages/s of this process (Telegram allows ~30/s per bot in total: with N replicas
    # use 30/N); 0 = no throttling. 429 retry_after is honoured either way.
    flood_limit_per_s: float = 30.0

    # Scale-out / operations
    shared_state: bool | None = None  # rate limits + job leases in the DB; None = when database_url is not SQLite
    log_format: str = "text"  # "json" for one JSON object per line (with request ids)
    log_level: str = "INFO"
    catalog_refresh_s: float = 60.0  # reload the passage catalog when the index changed (0 = never)

    # Citizens
    rate_limit_per_minute: int = 10
    max_question_chars: int = 2000
    log_retention_days: int = 90
    pseudonym_salt: SecretStr = SecretStr("ganti-salt-ini")

    # Staff / admin
    staff_chat_id: int | None = None
    staff_ids: list[int] = Field(default_factory=list)
    admin_ids: list[int] = Field(default_factory=list)

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
