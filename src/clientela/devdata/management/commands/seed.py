"""`clientela manage seed`: append synthetic parties for benchmarks, fast and without history.

PostgreSQL gets COPY in batches, SQLite batched inserts, one transaction per
batch. Rows bypass the services on purpose (no history, no
per-row validation), but their search columns come from the same
`Party.refresh_search_columns` the services use.
"""

import contextlib
import datetime
import json
import math
import queue
import random
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from clientela.accounts.models import Role, Scope, Unit, User
from clientela.accounts.services import ensure_default_unit
from clientela.devdata.fake_data import PartyFaker
from clientela.parties.models import Party

SECOND_UNIT_NAME = "Filial Campinas"
AGENT_COUNT = 20
AGENT_PREFIX = "seed_agent_"
MANAGER_USERNAME = "seed_manager"
POSTGRESQL_BATCH = 10_000
SQLITE_BATCH = 5_000
HISTORY_YEARS = 5
PROGRESS_EVERY_SECONDS = 5.0


def ensure_seed_users() -> list[tuple[int, list[int], float]]:
    """The seed's units and users, created when missing: [(user id, unit ids, weight)]."""
    with transaction.atomic():
        main_unit = ensure_default_unit()
        second_unit, _created = Unit.objects.get_or_create(name=SECOND_UNIT_NAME)
        names = PartyFaker(seed="seed-users")
        specs = []
        for n in range(1, AGENT_COUNT + 1):
            # 12 agents at the head office, 6 at the branch, 2 working in both.
            if n <= 12:
                units = [main_unit]
            elif n <= 18:
                units = [second_unit]
            else:
                units = [main_unit, second_unit]
            # A few agents hold most customers, as in real sales teams.
            specs.append((f"{AGENT_PREFIX}{n:02d}", Role.AGENT, Scope.OWN, units, 1 / math.sqrt(n)))
        specs.append((MANAGER_USERNAME, Role.MANAGER, Scope.UNIT, [main_unit, second_unit], 0.3))

        owners = []
        for username, role, scope, units, weight in specs:
            full_name = names.person_name()[0]
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    full_name=full_name,
                    role=role,
                    scope=scope,
                    crm_access=True,
                    email=f"{username}@example.com",
                )
                user.set_unusable_password()
                user.save()
                user.units.set(units)
            unit_ids = list(user.units.filter(is_active=True).values_list("id", flat=True))
            owners.append((user.pk, unit_ids or [main_unit.pk], weight))
        return owners


class Command(BaseCommand):
    help = "Append synthetic customers and suppliers for benchmarks. Writes no history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--parties", type=int, default=0, metavar="N", help="How many parties to add."
        )
        parser.add_argument(
            "--activities",
            type=int,
            default=0,
            metavar="M",
            help="How many activities to add (only 0 for now).",
        )
        parser.add_argument(
            "--random-seed",
            type=int,
            default=1,
            metavar="S",
            help="Seed of the generator (default 1).",
        )

    def handle(self, *args, parties: int, activities: int, random_seed: int, **options):
        if parties < 0 or activities < 0:
            raise CommandError("--parties and --activities must be 0 or more.")
        if activities:
            raise CommandError("Activities arrive with the relationship log; use --activities 0.")
        owners = ensure_seed_users()
        if not parties:
            self.stdout.write("Seed users are in place; no parties requested.")
            return
        seeder = Seeder(owners, random_seed, self.stdout)
        seeder.run(parties)


# PostgreSQL's COPY text format: tab-separated, backslash escapes, \N for NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_text(value) -> str:
    """One value in COPY text format (only the types a party has; text first, the common one)."""
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    raise TypeError(f"seed cannot write {type(value).__name__} values yet")


class Seeder:
    """Builds parties and stores them in batches.

    On PostgreSQL a thread builds and encodes the rows (COPY text) while the
    calling thread hands each finished batch to the server as one string: with
    the GIL, many small driver calls would wait on the builder all the time.
    """

    def __init__(self, owners, random_seed: int, stdout):
        self.stdout = stdout
        self.connection = connection
        self.postgresql = connection.vendor == "postgresql"
        # Start the tax-id counter after existing rows, so a second run with the same
        # seed continues the sequence instead of repeating it.
        start = Party.objects.aggregate(top=Max("id"))["top"] or 0
        self.faker = PartyFaker(seed=random_seed, start=start)
        self.rng = random.Random(f"clientela-seed:{random_seed}:{start}")
        self.owner_ids = [owner_id for owner_id, _units, _weight in owners]
        self.owner_units = {owner_id: units for owner_id, units, _weight in owners}
        self.owner_weights = [weight for _owner, _units, weight in owners]
        self.fields = [f for f in Party._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.table = connection.ops.quote_name(Party._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.now = timezone.now()

    def build(self) -> Party:
        rng = self.rng
        owner_id = rng.choices(self.owner_ids, self.owner_weights)[0]
        # More recent customers than old ones: a business that grows.
        age = HISTORY_YEARS * 365 * 86400 * (1 - math.sqrt(rng.random()))
        created = self.now - datetime.timedelta(seconds=age)
        updated = created
        if rng.random() < 0.5:
            updated = created + (self.now - created) * rng.random()
        party = Party(
            **self.faker.party(),
            owner_id=owner_id,
            unit_id=rng.choice(self.owner_units[owner_id]),
            created_at=created,
            updated_at=updated,
        )
        party.refresh_search_columns()
        return party

    def copy_line(self, party: Party) -> str:
        values = vars(party)
        return "\t".join([copy_text(values[name]) for name in self.attnames]) + "\n"

    def insert_row(self, party: Party) -> list:
        # Django's own conversions (JSON, date-times) for the backend; no query is made.
        return [f.get_db_prep_save(getattr(party, f.attname), self.connection) for f in self.fields]

    def build_batch(self, size: int) -> list[tuple[str | None, object]]:
        """[(tax id, encoded row)]: COPY text on PostgreSQL, parameters on SQLite."""
        encode = self.copy_line if self.postgresql else self.insert_row
        batch = []
        for _ in range(size):
            party = self.build()
            batch.append((party.tax_id, encode(party)))
        return batch

    def produce(self, size: int, batches: queue.Queue, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                batches.put(self.build_batch(size))
        except Exception as exc:  # noqa: BLE001 - handed to the storing thread, which raises it
            batches.put(exc)

    @contextlib.contextmanager
    def batch_source(self, size: int):
        """A function giving the next batch. On PostgreSQL batches are built ahead in a
        thread while the server stores the last one; SQLite's driver releases the GIL on
        every row, so there a busy builder thread would only slow the inserts down."""
        if not self.postgresql:
            yield lambda: self.build_batch(size)
            return
        batches: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()
        producer = threading.Thread(target=self.produce, args=(size, batches, stop), daemon=True)
        producer.start()

        def next_batch():
            batch = batches.get()
            if isinstance(batch, Exception):
                raise batch
            return batch

        try:
            yield next_batch
        finally:
            stop.set()
            while producer.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    batches.get(timeout=0.1)

    def taken_tax_ids(self, tax_ids: list[str]) -> set[str]:
        """CPFs/CNPJs of the batch already in use (earlier runs with another seed)."""
        taken = set()
        with self.connection.cursor() as cursor:
            if self.postgresql:
                cursor.execute(
                    f"SELECT tax_id FROM {self.table} "  # noqa: S608 - quoted model metadata
                    "WHERE deleted_at IS NULL AND tax_id = ANY(%s)",
                    [tax_ids],
                )
                taken.update(row[0] for row in cursor.fetchall())
            else:
                for i in range(0, len(tax_ids), 500):
                    chunk = tax_ids[i : i + 500]
                    taken.update(
                        Party.objects.alive()
                        .filter(tax_id__in=chunk)
                        .values_list("tax_id", flat=True)
                    )
        return taken

    def run(self, total: int) -> None:
        batch_size = min(POSTGRESQL_BATCH if self.postgresql else SQLITE_BATCH, total)
        write = self.copy_batch if self.postgresql else self.insert_batch
        started = last_report = time.monotonic()
        written = 0
        with self.batch_source(batch_size) as next_batch:
            while written < total:
                batch = next_batch()
                taken = self.taken_tax_ids([tax_id for tax_id, _row in batch if tax_id])
                rows = [row for tax_id, row in batch if tax_id not in taken][: total - written]
                write(rows)
                written += len(rows)
                now = time.monotonic()
                if now - last_report >= PROGRESS_EVERY_SECONDS and written < total:
                    last_report = now
                    rate = written / (now - started)
                    self.stdout.write(f"  {written:,} / {total:,} parties ({rate:,.0f} rows/s)")
        # Fresh statistics, or the planner guesses badly on the grown table (on SQLite it
        # otherwise walks a partial index, row by row, to count search matches). On
        # PostgreSQL, VACUUM also marks the pages all-visible, which index-only scans need.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.get_autocommit():
                cursor.execute(f"VACUUM ANALYZE {self.table}")
            else:
                cursor.execute(f"ANALYZE {self.table}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {written:,} parties in {elapsed:,.1f} s ({written / elapsed:,.0f} rows/s)."
        )

    def copy_batch(self, lines: list[str]) -> None:
        # The raw psycopg cursor (cursor.cursor): COPY is not part of Django's cursor API.
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy,
        ):
            copy.write("".join(lines))

    def insert_batch(self, rows: list[list]) -> None:
        # Not bulk_create: it would overwrite created_at/updated_at (auto_now) with "now".
        placeholders = ", ".join(["%s"] * len(self.fields))
        # Identifiers come from the model's metadata, quoted; values are parameters.
        sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
