"""Stand-ins for what the bot talks to, shared by the tests and the load benchmarks (bench/):
the Bot API (`bot_api`), scratch PostgreSQL databases (`postgres`), `chroma run` servers and
bot replicas as processes (`servers`). Not part of the installed package; nothing in bot/,
ingest/ or knowledge/ imports it."""
