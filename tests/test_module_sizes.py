"""Module and function sizes (issue 12): no module in bot/ or ingest/ over MAX_MODULE_LINES, no
function over MAX_FUNCTION_LINES (an ast scan, like tests/test_import_cycles.py). Migrations are
included: they are code like any other, and a long one is as hard to review."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "ingest")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def sizes(root: Path = ROOT) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """([(lines, module)], [(lines, "module:line function")]), every module of PACKAGES."""
    modules, functions = [], []
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            name = str(path.relative_to(root))
            modules.append((len(source.splitlines()), name))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions.append((node.end_lineno - node.lineno + 1, f"{name}:{node.lineno} {node.name}"))
    return modules, functions


def _over(items: list[tuple[int, str]], limit: int) -> list[str]:
    return [f"{n} lines: {what}" for n, what in sorted(items, reverse=True) if n > limit]


def test_the_scan_measures_modules_and_functions(tmp_path):
    (tmp_path / "bot").mkdir()
    (tmp_path / "ingest").mkdir()
    body = "\n".join(f"    x = {i}" for i in range(61))
    (tmp_path / "bot" / "big.py").write_text(f"def long():\n{body}\n" + "\n" * 340, encoding="utf-8")
    modules, functions = sizes(tmp_path)
    assert _over(modules, MAX_MODULE_LINES) == ["402 lines: bot/big.py"]
    assert _over(functions, MAX_FUNCTION_LINES) == ["62 lines: bot/big.py:1 long"]


def test_no_module_over_the_limit():
    modules, _ = sizes()
    assert _over(modules, MAX_MODULE_LINES) == [], f"split these modules by concept (limit {MAX_MODULE_LINES} lines)"


def test_no_function_over_the_limit():
    _, functions = sizes()
    assert _over(functions, MAX_FUNCTION_LINES) == [], f"split these functions (limit {MAX_FUNCTION_LINES} lines)"
