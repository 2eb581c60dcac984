"""The README's backup and restore, end to end, with the real command line on a real file."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

CLIENTELA = [sys.executable, "-m", "clientela.cli"]


def run(args, data_dir: Path, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTELA_")}
    env["CLIENTELA_DATA_DIR"] = str(data_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        CLIENTELA + args, env=env, capture_output=True, text=True, check=check, timeout=120
    )


BOOTSTRAP = (
    "from clientela.accounts.services import bootstrap_admin; bootstrap_admin('x-Pass-1234')"
)

SNIPPET = """
from clientela.accounts.models import User
from clientela.parties.models import Party
from clientela.parties.services import party_create
admin = User.objects.get(username="admin")
party_create(actor=admin, data={"name": "Conceição Backup", "unit_id": admin.unit_ids()[0]})
"""

COUNT = """
from clientela.parties.models import Party
print(Party.objects.filter(name="Conceição Backup").count())
"""


def test_a_backup_taken_while_running_restores_into_a_working_install(tmp_path):
    live = tmp_path / "live"
    run(["manage", "migrate", "-v", "0"], live)
    run(
        [
            "manage",
            "shell",
            "-c",
            BOOTSTRAP,
        ],
        live,
    )
    run(["manage", "shell", "-c", SNIPPET], live)
    # A writer holds the database open in WAL mode while the backup runs.
    writer = sqlite3.connect(live / "clientela.sqlite3")
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN")
    writer.execute("UPDATE parties_party SET notes = 'uncommitted' WHERE 1 = 1")
    try:
        result = run(["manage", "backup", str(tmp_path / "backup")], live)
    finally:
        writer.rollback()
        writer.close()
    assert "Backup written" in result.stdout
    assert (tmp_path / "backup" / "secret_key").read_text() == (live / "secret_key").read_text()

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy2(tmp_path / "backup" / "clientela.sqlite3", restored / "clientela.sqlite3")
    shutil.copy2(tmp_path / "backup" / "secret_key", restored / "secret_key")
    assert run(["manage", "shell", "-v", "0", "-c", COUNT], restored).stdout.strip() == "1"
    check = sqlite3.connect(restored / "clientela.sqlite3")
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT notes FROM parties_party").fetchone()[0] == ""
    check.close()


def test_backup_refuses_an_existing_file(tmp_path):
    live = tmp_path / "live"
    run(["manage", "migrate", "-v", "0"], live)
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "clientela.sqlite3").write_text("old")
    result = run(["manage", "backup", str(tmp_path / "backup")], live, check=False)
    assert result.returncode == 1
    assert "exists already" in result.stderr
