"""A trigram index for the search columns on SQLite: an FTS5 table kept in step by triggers.

PostgreSQL has had its pg_trgm indexes since 0002; on SQLite a rare word read
the whole registry. See clientela.parties.search_index for how the search uses
it. Nothing happens on PostgreSQL, so the model state is the same on both.
"""

import sqlite3

from django.db import migrations

TABLE = "party_search"

CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "search_text, search_digits, tokenize='trigram', columnsize=0)",
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON parties_party BEGIN
        INSERT INTO {TABLE}(rowid, search_text, search_digits)
        VALUES (new.id, new.search_text, new.search_digits);
    END""",
    f"""CREATE TRIGGER {TABLE}_update
    AFTER UPDATE OF search_text, search_digits ON parties_party
    WHEN old.search_text IS NOT new.search_text OR old.search_digits IS NOT new.search_digits
    BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, search_text, search_digits)
        VALUES (new.id, new.search_text, new.search_digits);
    END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON parties_party BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    # The parties already there.
    f"INSERT INTO {TABLE}(rowid, search_text, search_digits) "
    "SELECT id, search_text, search_digits FROM parties_party",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def run_on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        if sqlite3.sqlite_version_info < (3, 34, 0):  # the trigram tokenizer's first release
            raise RuntimeError(
                "Clientela's search needs SQLite 3.34 or newer; this Python has SQLite "
                f"{sqlite3.sqlite_version}. Use a newer Python, or PostgreSQL."
            )
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("parties", "0006_registrations_and_birth_date")]

    operations = [migrations.RunPython(run_on_sqlite(CREATE), run_on_sqlite(DROP))]
