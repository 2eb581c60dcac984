"""`clientela manage backup DEST`: a consistent copy of the embedded SQLite database."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database (safe while Clientela runs) and the "
        "secret key into DEST, a folder. For PostgreSQL use pg_dump."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="folder to write clientela.sqlite3 and secret_key into")

    def handle(self, *args, dest, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This database is PostgreSQL: back it up with pg_dump -Fc.")
        folder = Path(dest).expanduser().resolve()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "clientela.sqlite3"
        if target.exists():
            raise CommandError(f"{target} exists already; choose an empty folder.")
        connection.ensure_connection()
        # VACUUM INTO reads one consistent snapshot, even with writers active under WAL;
        # a plain file copy could catch the database file and its WAL out of step.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        key_file = Path(settings.DATA_DIR) / "secret_key"
        if key_file.exists():
            shutil.copy2(key_file, folder / "secret_key")
            (folder / "secret_key").chmod(0o600)
        self.stdout.write(f"Backup written to {folder}")
