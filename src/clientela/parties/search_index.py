"""The trigram index of the party search on SQLite: an FTS5 table kept in step by triggers.

PostgreSQL indexes `search_text` and `search_digits` with pg_trgm (migration
0002). SQLite has no trigram index type, so without this a rare word reads the
whole registry. Here an FTS5 table with the `trigram` tokenizer (SQLite >= 3.34)
holds a copy of the two columns, one row per party (rowid = party id, trash
included), and answers "which rows contain this substring" from its index.

Triggers on parties_party keep it in step, so every write path — the services,
the seed's bulk inserts, purges, raw SQL — is covered without calling anything.
The search still states every condition with LIKE on the party's own columns:
the trigram table only finds the candidate rows, it decides nothing, so results
are the same with it and without it.
"""

from django.db import connections
from django.db.models.expressions import RawSQL

# The phrase queries need at least three characters: the tokenizer's smallest unit.
MIN_PATTERN = 3

# As migration 0007 makes them (a migration keeps its own copy). UPDATE OF fires on every
# Django save, which sets every column: the WHEN leaves the index alone unless a search
# column really changed.
TRIGGERS = {
    "party_search_insert": """
        CREATE TRIGGER party_search_insert AFTER INSERT ON parties_party BEGIN
            INSERT INTO party_search(rowid, search_text, search_digits)
            VALUES (new.id, new.search_text, new.search_digits);
        END""",
    "party_search_update": """
        CREATE TRIGGER party_search_update
        AFTER UPDATE OF search_text, search_digits ON parties_party
        WHEN old.search_text IS NOT new.search_text OR old.search_digits IS NOT new.search_digits
        BEGIN
            DELETE FROM party_search WHERE rowid = old.id;
            INSERT INTO party_search(rowid, search_text, search_digits)
            VALUES (new.id, new.search_text, new.search_digits);
        END""",
    "party_search_delete": """
        CREATE TRIGGER party_search_delete AFTER DELETE ON parties_party BEGIN
            DELETE FROM party_search WHERE rowid = old.id;
        END""",
}
REFILL = [
    "DELETE FROM party_search",
    "INSERT INTO party_search(rowid, search_text, search_digits) "
    "SELECT id, search_text, search_digits FROM parties_party",
]
TABLE = "party_search"
MATCHES = "party_search MATCH %s"
CANDIDATES = "SELECT rowid FROM party_search WHERE party_search MATCH %s"
JOIN_ON = 'party_search.rowid = "parties_party"."id"'


def in_use(alias: str) -> bool:
    """Whether searches on this database go through the trigram table (SQLite only)."""
    return connections[alias].vendor == "sqlite"


def match_expression(patterns: list[tuple[str, str]]) -> str | None:
    """The FTS5 query for [(column, pattern)], every pattern a substring of its column.

    Patterns are folded text or digits (a-z, 0-9 and a leading space), so quoting
    them as phrases is safe. Patterns too short for a trigram are left out (the
    LIKE conditions still apply them); None when none is long enough.
    """
    phrases = [
        f'{column} : "{pattern}"' for column, pattern in patterns if len(pattern) >= MIN_PATTERN
    ]
    return " AND ".join(phrases) or None


class Candidates(RawSQL):
    """`id IN (this)`: the ids of the parties whose search columns match `expression`."""

    def __init__(self, expression: str):
        super().__init__(CANDIDATES, [expression])
        self.expression = expression


# The most candidates for_sorted_page counts (0.2-0.9 ms for a word that has more).
COUNT_CANDIDATES_UP_TO = 2500


def candidates_and_rows(alias: str, expression: str) -> tuple[int, int]:
    """How many parties match (any scope, trash included), counted up to one more than
    COUNT_CANDIDATES_UP_TO, and about how many the table holds (its largest id)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM ({CANDIDATES} LIMIT %s)), "  # noqa: S608 - constants
            "(SELECT coalesce(max(rowid), 0) FROM party_search)",
            [expression, COUNT_CANDIDATES_UP_TO + 1],
        )
        return cursor.fetchone()


def repair(connection) -> bool:
    """Put back missing triggers, then refill the table from the parties.

    Django rebuilds a SQLite table for many schema changes (copy, drop, rename),
    and dropping parties_party drops its triggers: run after every migrate, this
    puts them back and catches up on what they missed. True when it refilled.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s "
            "OR (type = 'trigger' AND tbl_name = 'parties_party')",
            [TABLE],
        )
        present = {row[0] for row in cursor.fetchall()}
        # No table: the migration that makes it has not run (or was reversed).
        if TABLE not in present or set(TRIGGERS) <= present:
            return False
        for name, sql in TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
        for sql in REFILL:
            cursor.execute(sql)
    return True
