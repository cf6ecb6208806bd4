"""The knowledge core: passages, retrieval, decisions and answers. No Telegram.

Telemetry is switched off here, once for every process: every path to chromadb or onnxruntime
(the bot, the CLI, ingestion, the benchmarks, the tests) imports this package first.
"""
import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
