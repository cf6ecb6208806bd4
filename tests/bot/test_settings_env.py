"""Settings the way an admin writes them (issue 13 §11): ids, the pseudonym salt in production."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "ids"), [("9001", [9001]), ("1,2", [1, 2]), (" 1, 2 ", [1, 2]), ("[1, 2]", [1, 2]),
                                           ("", [])])
def test_staff_and_admin_ids_as_an_admin_writes_them(monkeypatch, raw, ids):
    monkeypatch.setenv("KEPEMILUAN_STAFF_IDS", raw)
    monkeypatch.setenv("KEPEMILUAN_ADMIN_IDS", raw)
    s = Settings(_env_file=None)
    assert s.staff_ids == ids and s.admin_ids == ids


def test_a_bad_id_list_is_one_clear_line_from_the_cli(tmp_path):
    env = {**os.environ, "KEPEMILUAN_ADMIN_IDS": "1,dua", "KEPEMILUAN_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "sources"], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode != 0
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "KEPEMILUAN_ADMIN_IDS" in lines[0] and "dua" in lines[0]
    assert "Traceback" not in proc.stderr and "pydantic" not in proc.stderr


def test_the_default_pseudonym_salt_is_refused_in_production(tmp_path):
    webhook = Settings(_env_file=None, data_dir=tmp_path, webhook_url="https://bot.example.org/hook")
    with pytest.raises(SettingsError, match="KEPEMILUAN_PSEUDONYM_SALT"):
        webhook.check_production()
    pg = Settings(_env_file=None, data_dir=tmp_path, database_url="postgresql+asyncpg://u@127.0.0.1/db")
    with pytest.raises(SettingsError):
        pg.check_production()
    Settings(_env_file=None, data_dir=tmp_path, webhook_url="https://x.org/h",
             pseudonym_salt=SecretStr("garam-rahasia")).check_production()
    Settings(_env_file=None, data_dir=tmp_path, webhook_url="https://x.org/h", allow_default_salt=True).check_production()
    Settings(_env_file=None, data_dir=tmp_path).check_production()  # polling + SQLite: a trial run
