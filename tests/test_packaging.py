"""The wheel ships every data file the code opens at run time (package-data in pyproject)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _data_files(package: str) -> set[Path]:
    return {p for p in (ROOT / package).rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}


def test_package_data_covers_every_non_python_file():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = conf["tool"]["setuptools"]["package-data"]
    for package in ("bot", "ingest", "knowledge"):
        shipped = {p for pattern in package_data.get(package, []) for p in (ROOT / package).glob(pattern) if p.is_file()}
        missing = sorted(str(p.relative_to(ROOT)) for p in _data_files(package) - shipped)
        assert not missing, f"not in [tool.setuptools.package-data] {package}: {missing}"
    # the ones that matter most: Alembic's template and config, the bundled corpus
    assert (ROOT / "bot/migrations/script.py.mako") in _data_files("bot")
    assert any(p.name == "manifest.json" for p in _data_files("ingest"))
