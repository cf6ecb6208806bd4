"""Prometheus metrics of one bot process (served at /metrics in webhook mode).

    kepemiluan_questions_total{decision}          answered questions by the engine's decision
    kepemiluan_answer_seconds                     engine time per question (histogram)
    kepemiluan_update_seconds                     webhook update received -> handled, replies sent (histogram)
    kepemiluan_open_tickets{age}                  open tickets by age bucket (from a registered provider)
    kepemiluan_ingest_runs_total{result}          ingest runs recorded in the shared database
    kepemiluan_telegram_api_errors_total{method,kind}  failed Bot API calls (429, 5xx, network, ...)
    kepemiluan_temporary_errors_total{dependency}      questions refused because Chroma/the DB was down

Each `Metrics` has its own registry (several bots in one test process never clash). Providers
for values that live elsewhere (open tickets: the ticket desk; ingest runs: the database) are
async callables awaited on each scrape; a provider that fails is logged and reads as empty.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# open tickets are reported in these age buckets (label values), youngest first
TICKET_AGE_BUCKETS = ("<1j", "1-4j", "4-24j", ">24j")

Provider = Callable[[], Awaitable[dict[str, float]]]


def ticket_age_bucket(age_seconds: float) -> str:
    hours = age_seconds / 3600
    if hours < 1:
        return "<1j"
    if hours < 4:
        return "1-4j"
    if hours < 24:
        return "4-24j"
    return ">24j"


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.questions = Counter("kepemiluan_questions", "Questions answered, by decision", ["decision"], registry=r)
        self.answer_seconds = Histogram("kepemiluan_answer_seconds", "Engine time per question", buckets=LATENCY_BUCKETS,
                                        registry=r)
        self.update_seconds = Histogram("kepemiluan_update_seconds",
                                        "Webhook update received -> handled (replies sent)", buckets=LATENCY_BUCKETS,
                                        registry=r)
        self.open_tickets = Gauge("kepemiluan_open_tickets", "Open tickets by age", ["age"], registry=r)
        self.ingest_runs = Gauge("kepemiluan_ingest_runs_total", "Ingest runs recorded in the database",
                                 ["result"], registry=r)
        self.telegram_errors = Counter("kepemiluan_telegram_api_errors", "Failed Telegram Bot API calls",
                                       ["method", "kind"], registry=r)
        self.temporary_errors = Counter("kepemiluan_temporary_errors",
                                        "Updates answered with the temporary-error reply", ["dependency"], registry=r)
        for age in TICKET_AGE_BUCKETS:
            self.open_tickets.labels(age=age).set(0)
        self.ingest_runs.labels(result="ok").set(0)
        self._open_tickets_provider: Provider | None = None
        self._ingest_provider: Provider | None = None

    # -- providers ---------------------------------------------------------------------------
    def register_open_tickets(self, provider: Provider) -> None:
        """`provider()` -> {age bucket: count}; see `ticket_age_bucket`. Until one is registered: 0."""
        self._open_tickets_provider = provider

    def register_ingest_runs(self, provider: Provider) -> None:
        """`provider()` -> {result: total runs}."""
        self._ingest_provider = provider

    async def refresh(self) -> None:
        if self._open_tickets_provider is not None:
            counts = await self._safe(self._open_tickets_provider, "open tickets")
            for age in TICKET_AGE_BUCKETS:
                self.open_tickets.labels(age=age).set(float(counts.get(age, 0)))
        if self._ingest_provider is not None:
            for result, n in (await self._safe(self._ingest_provider, "ingest runs")).items():
                self.ingest_runs.labels(result=result).set(float(n))

    @staticmethod
    async def _safe(provider: Provider, what: str) -> dict[str, float]:
        try:
            return dict(await provider())
        except Exception:
            log.warning("metrics: could not read %s", what, exc_info=True)
            return {}

    # -- observations ------------------------------------------------------------------------
    def observe_answer(self, decision: str, seconds: float) -> None:
        self.questions.labels(decision=decision).inc()
        self.answer_seconds.observe(seconds)

    def telegram_error(self, method: str, exc: BaseException) -> None:
        self.telegram_errors.labels(method=method, kind=error_kind(exc)).inc()

    async def render(self) -> bytes:
        await self.refresh()
        return generate_latest(self.registry)


def error_kind(exc: BaseException) -> str:
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

    if isinstance(exc, RetryAfter):
        return "429"
    if isinstance(exc, Forbidden):
        return "403"
    if isinstance(exc, BadRequest):
        return "400"
    if isinstance(exc, TimedOut):
        return "timeout"
    if isinstance(exc, NetworkError):
        # PTB reports 5xx answers (e.g. 502 Bad Gateway) as NetworkError
        return "5xx" if "Bad Gateway" in str(exc) or "50" in str(exc)[:40] else "network"
    return type(exc).__name__
