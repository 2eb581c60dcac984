"""Finer planner statistics for the search columns, on PostgreSQL only.

PostgreSQL estimates `LIKE '%word%'` by testing the pattern against the
column's histogram. With the default 100 entries a mid-frequency word (a city)
is misjudged by two orders of magnitude, and the planner sorts thousands of
rows instead of walking the name index; 1,000 entries judge it well.
"""

from django.db import migrations

COLUMNS = ["search_text", "search_digits"]


def set_statistics(target):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for column in COLUMNS:
                schema_editor.execute(
                    f"ALTER TABLE parties_party ALTER COLUMN {column} SET STATISTICS {target}"
                )
            # The new target counts from the next ANALYZE: take it now.
            schema_editor.execute("ANALYZE parties_party")

    return run


class Migration(migrations.Migration):
    dependencies = [("parties", "0004_cover_list_filters_in_list_indexes")]

    operations = [migrations.RunPython(set_statistics(1000), set_statistics(-1))]
