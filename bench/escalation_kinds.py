"""Which ticket each dev-set item would open: the engine's decision → bot.application.ask.kind_for.

    python -m bench.escalation_kinds [path/to/dev.jsonl]     (default: ../shared/eval/dev.jsonl)

Runs the real engine (lexical, the bundled corpus) on every item. For `expect: escalate` items
it prints the ticket kind (citizen reports should give «laporan pelanggaran», requests for a
person «permintaan petugas»); for every other item it counts tickets that would be opened
(answerable questions should open none). No Telegram, no network.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.application.ask import kind_for  # noqa: E402
from ingest.pipeline import default_sources, prepare_path  # noqa: E402
from knowledge.engine import Engine  # noqa: E402
from knowledge.model import Decision  # noqa: E402


def expected_kind(item: dict) -> str:
    return "laporan pelanggaran" if item["id"].startswith("laporan-") else "permintaan petugas"


def main(path: str | None = None) -> int:
    dev = Path(path or ROOT.parent / "shared" / "eval" / "dev.jsonl")
    if not dev.exists():
        print(f"evaluation set not found: {dev} (give its path as the argument)", file=sys.stderr)
        return 2
    items = [json.loads(line) for line in dev.read_text().splitlines() if line.strip()]
    passages = [p for src, info in default_sources() for p in prepare_path(src, info)[2]]
    engine = Engine(passages)
    wrong, opened_for_others = 0, Counter()
    print(f"{'id':<16} {'expect':<9} {'decision':<9} {'reason':<18} ticket")
    for item in items:
        answer = engine.answer(item["question"])
        kind = kind_for(answer.reason, item["question"]) if answer.decision == Decision.ESCALATE else None
        if item.get("expect") == "escalate":
            ok = kind == expected_kind(item)
            wrong += not ok
            print(f"{item['id']:<16} {'escalate':<9} {answer.decision.value:<9} {answer.reason:<18} {kind or '-'}"
                  f"{'' if ok else '   <-- expected ' + expected_kind(item)}")
        elif kind:
            opened_for_others[item.get("expect")] += 1
            print(f"{item['id']:<16} {item.get('expect', '-'):<9} {answer.decision.value:<9} {answer.reason:<18} {kind}   <-- no ticket expected")
    n_esc = sum(1 for i in items if i.get("expect") == "escalate")
    print(f"\nescalate items: {n_esc}, right kind: {n_esc - wrong}; tickets opened for other items: "
          f"{sum(opened_for_others.values())} {dict(opened_for_others)}")
    return 1 if wrong or opened_for_others else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
