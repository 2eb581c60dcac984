"""Trigram GIN indexes for the search columns, on PostgreSQL only.

SQLite has no trigram index; there the same columns are scanned, which stays
comfortable to about 50,000 parties.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS party_search_text_trgm ON parties_party "
    "USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL",
    "CREATE INDEX IF NOT EXISTS party_search_digits_trgm ON parties_party "
    "USING gin (search_digits gin_trgm_ops) WHERE deleted_at IS NULL",
]
DROP = [
    "DROP INDEX IF EXISTS party_search_digits_trgm",
    "DROP INDEX IF EXISTS party_search_text_trgm",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
