"""`clientela manage seed`: append synthetic parties and activities for benchmarks, fast
and without history.

PostgreSQL gets COPY in batches, SQLite batched inserts, one transaction per
batch; `TableSeeder` does that for any model, its subclasses only build rows.
Rows bypass the services on purpose (no history, no per-row validation), but
they follow the services' rules where a rule shapes the data: the parties'
search columns come from `Party.refresh_search_columns`, a whole-day
follow-up starts at `services.start_of_day` in its assignee's zone, and the
(party, assignee) links of scope "own" are filled afterwards with the rule of
`services.sync_assignments`, in one statement.
"""

import bisect
import contextlib
import datetime
import json
import math
import queue
import random
import threading
import time
from array import array

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from clientela.accounts.models import Role, Scope, Unit, User
from clientela.accounts.services import ensure_default_unit
from clientela.activities.models import Activity, ActivityType, PartyAssignment, Status
from clientela.activities.services import start_of_day
from clientela.devdata.fake_data import (
    CUSTOMER_TYPE_WEIGHTS,
    OTHER_TYPE_WEIGHT,
    SUPPLIER_TYPE_WEIGHTS,
    ActivityFaker,
    PartyFaker,
    Weighted,
)
from clientela.parties.models import Party

SECOND_UNIT_NAME = "Filial Campinas"
AGENT_COUNT = 20
AGENT_PREFIX = "seed_agent_"
MANAGER_USERNAME = "seed_manager"
POSTGRESQL_BATCH = 10_000
SQLITE_BATCH = 5_000
HISTORY_YEARS = 5
PROGRESS_EVERY_SECONDS = 5.0
# Fields whose values (text, numbers, booleans, keys, None) drivers take as they are.
PLAIN_FIELDS = {
    "BooleanField", "CharField", "EmailField", "ForeignKey", "SlugField", "TextField",
    "BigIntegerField", "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SmallIntegerField",
}  # fmt: skip

# The relationship log's spread.
ACTIVITY_YEARS = 2  # contacts from two years back (more recent ones more frequent)
BUSINESS_HOURS = (datetime.time(8), datetime.time(18, 30))  # weekdays, in the installation's zone
PARTY_SPREAD = 1.6  # sigma of each party's lognormal weight: a minority gets most contacts
SUPPLIER_WEIGHT = 0.6  # a supplier-only party is contacted less than a customer
OTHER_ASSIGNEE_SHARE = 0.15  # else the party's owner
OPEN_SHARE = 0.10  # still to do, due from OVERDUE_DAYS back to AHEAD_DAYS ahead
OPEN_CONTACT_DAYS = 90  # open ones were logged within this many days (recent ones more often)
OVERDUE_DAYS = 21
AHEAD_DAYS = 60
CANCELLED_SHARE = 0.03
FOLLOW_UP_SHARE = 0.55  # of the done ones: a follow-up completed (else a contact alone)
OUTCOME_SHARE = 0.45  # of the completed follow-ups (a tenth of that for contacts alone)
ALL_DAY_SHARE = 0.2
TRASH_SHARE = 0.004
OTHER_DONE_BY_SHARE = 0.08
QUARTERS = (0, 15, 30, 45)
IN_APP_15 = {"channel": "in_app", "minutes_before": 15}
REMINDERS = Weighted([
    ((), 80), ((IN_APP_15,), 14),
    (({"channel": "email", "minutes_before": 60}, IN_APP_15), 4),
    (({"channel": "sms", "minutes_before": 30},), 2),
])  # fmt: skip


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
    help = (
        "Append synthetic customers and suppliers (--parties) and activities on the parties "
        "in the database (--activities; parties first when both are given) for benchmarks. "
        "Writes no history."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parties", type=int, default=0, metavar="N", help="How many parties to add."
        )
        parser.add_argument(
            "--activities",
            type=int,
            default=0,
            metavar="M",
            help="How many activities (contacts and follow-ups) to add over the parties, "
            "after the new parties when --parties is given too.",
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
        # Refusals come before anything is written (the seed users included).
        if activities and not parties and not Party.objects.alive().exists():
            raise CommandError(
                "There are no customers or suppliers to log activities on: add parties "
                "first (--parties N, alone or together with --activities)."
            )
        if activities and not ActivityType.objects.filter(is_active=True).exists():
            raise CommandError("There are no active activity types to log activities with.")
        owners = ensure_seed_users()
        if not parties and not activities:
            self.stdout.write("Seed users are in place; no parties or activities requested.")
            return
        if parties:
            PartySeeder(owners, random_seed, self.stdout).run(parties)
        if activities:
            ActivitySeeder(owners, random_seed, self.stdout).run(activities)


# PostgreSQL's COPY text format: tab-separated, backslash escapes, \N for NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_text(value) -> str:
    """One value in COPY text format (only the types seeded rows have; text first, the
    common one)."""
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):  # date-times too: ISO 8601 with the offset
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    raise TypeError(f"seed cannot write {type(value).__name__} values yet")


def refresh_statistics(*tables: str) -> None:
    """Fresh statistics, or the planner guesses badly on the grown table (on SQLite it
    otherwise walks a partial index, row by row, to count search matches). On
    PostgreSQL, VACUUM also marks the pages all-visible, which index-only scans need."""
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql" and connection.get_autocommit():
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


class TableSeeder:
    """Builds rows of one model and stores them in batches.

    A subclass sets `model` and `noun` and writes `build()`, which returns one row as
    {attname: value} for every concrete field but the primary key. It may also drop
    rows of a batch before they are stored (`usable`), do set-based work after the
    rows (`after_rows`) and name more tables whose statistics change (`tables`).

    On PostgreSQL a thread builds and encodes the rows (COPY text) while the
    calling thread hands each finished batch to the server as one string: with
    the GIL, many small driver calls would wait on the builder all the time.
    """

    model = None
    noun = "rows"

    def __init__(self, stdout):
        self.stdout = stdout
        # The connection itself, not the proxy: each attribute of that is a lookup.
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.postgresql = connection.vendor == "postgresql"
        self.fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.table = connection.ops.quote_name(self.model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        # Django's conversion of each value for the backend (JSON, date-times), or None
        # where the driver takes the value as it is: asking each field costs more than
        # building the row.
        self.converters = [
            None if f.get_internal_type() in PLAIN_FIELDS else f.get_db_prep_save
            for f in self.fields
        ]
        self.now = timezone.now()

    # --- what subclasses write ---

    def build(self) -> dict:
        raise NotImplementedError

    def key(self, row: dict):
        """What `usable` needs to know of a row (nothing, by default)."""
        return None

    def usable(self, batch: list[tuple[object, object]]) -> list:
        """The encoded rows of [(key, encoded row)] to store: all of them by default."""
        return [encoded for _key, encoded in batch]

    def prepare(self, total: int) -> None:
        """Called once before the first row is built."""

    def after_rows(self) -> str | None:
        """Set-based work once every row is stored; returns a line for the report."""
        return None

    def tables(self) -> list[str]:
        return [self.table]

    # --- the machinery ---

    def copy_line(self, row: dict) -> str:
        return "\t".join([copy_text(row[name]) for name in self.attnames]) + "\n"

    def insert_row(self, row: dict) -> list:
        # Django's own conversions (JSON, date-times) for the backend; no query is made.
        return [
            row[name] if convert is None else convert(row[name], self.connection)
            for name, convert in zip(self.attnames, self.converters, strict=True)
        ]

    def build_batch(self, size: int) -> list[tuple[object, object]]:
        """[(key, encoded row)]: COPY text on PostgreSQL, parameters on SQLite."""
        encode = self.copy_line if self.postgresql else self.insert_row
        batch = []
        for _ in range(size):
            row = self.build()
            batch.append((self.key(row), encode(row)))
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

    def run(self, total: int) -> None:
        self.prepare(total)
        batch_size = min(POSTGRESQL_BATCH if self.postgresql else SQLITE_BATCH, total)
        write = self.copy_batch if self.postgresql else self.insert_batch
        started = last_report = time.monotonic()
        written = 0
        with self.batch_source(batch_size) as next_batch:
            while written < total:
                rows = self.usable(next_batch())[: total - written]
                write(rows)
                written += len(rows)
                now = time.monotonic()
                if now - last_report >= PROGRESS_EVERY_SECONDS and written < total:
                    last_report = now
                    rate = written / (now - started)
                    self.stdout.write(f"  {written:,} / {total:,} {self.noun} ({rate:,.0f} rows/s)")
        report = self.after_rows()
        if report:
            self.stdout.write(report)
        refresh_statistics(*self.tables())
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {written:,} {self.noun} in {elapsed:,.1f} s ({written / elapsed:,.0f} rows/s)."
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


class PartySeeder(TableSeeder):
    """Customers and suppliers of the seed users, in their units, with unique CPFs/CNPJs."""

    model = Party
    noun = "parties"

    def __init__(self, owners, random_seed: int, stdout):
        super().__init__(stdout)
        # Start the tax-id counter after existing rows, so a second run with the same
        # seed continues the sequence instead of repeating it.
        start = Party.objects.aggregate(top=Max("id"))["top"] or 0
        self.faker = PartyFaker(seed=random_seed, start=start)
        self.rng = random.Random(f"clientela-seed:{random_seed}:{start}")
        self.owner_ids = [owner_id for owner_id, _units, _weight in owners]
        self.owner_units = {owner_id: units for owner_id, units, _weight in owners}
        self.owner_weights = [weight for _owner, _units, weight in owners]

    def build(self) -> dict:
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
        return vars(party)

    def key(self, row: dict) -> str | None:
        return row["tax_id"]

    def usable(self, batch):
        taken = self.taken_tax_ids([tax_id for tax_id, _row in batch if tax_id])
        return [row for tax_id, row in batch if tax_id not in taken]

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


def business_windows(start, end, zone) -> tuple[list[datetime.datetime], list[float]]:
    """The weekdays' business hours between two instants: ([each window's opening, in
    UTC], [seconds of business time before each window, then the total])."""
    opens, offsets = [], [0.0]
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if day.weekday() < 5:
            begin = max(start, datetime.datetime.combine(day, BUSINESS_HOURS[0], tzinfo=zone))
            finish = min(end, datetime.datetime.combine(day, BUSINESS_HOURS[1], tzinfo=zone))
            if finish > begin:
                opens.append(begin.astimezone(datetime.UTC))
                offsets.append(offsets[-1] + (finish - begin).total_seconds())
        day += datetime.timedelta(days=1)
    return opens, offsets


class ActivitySeeder(TableSeeder):
    """Contacts made and follow-ups to make, on the parties already in the database.

    - Parties: each has a lognormal weight (suppliers a little less), so a minority of
      them gets most of the contacts; the busiest of a million parties gets about one
      activity in 2,000 (some 5,000 of 10,000,000).
    - Assignee: the party's owner, sometimes another seed user of the party's unit; the
      unit is the party's.
    - Contact dates: weekday business hours over two years, more recent ones more
      often, in ascending order (ids grow with time, as in a real database).
    - Status: about OPEN_SHARE open among the recent contacts (due from OVERDUE_DAYS
      back to AHEAD_DAYS ahead, so some are overdue), CANCELLED_SHARE cancelled, the
      rest done (a completed follow-up with done_at/done_by and often an outcome, or a
      contact with nothing to follow up); a few in the trash.
    """

    model = Activity
    noun = "activities"

    def __init__(self, owners, random_seed: int, stdout):
        super().__init__(stdout)
        start = Activity.objects.aggregate(top=Max("id"))["top"] or 0
        self.rng = random.Random(f"clientela-seed-activities:{random_seed}:{start}")
        self.texts = ActivityFaker(self.rng)
        self.zone = timezone.get_default_timezone()
        self.zones = {user.pk: user.zone for user in User.objects.only("id", "time_zone")}
        self.day_starts: dict[tuple, datetime.datetime] = {}
        self._load_parties()
        self._load_types()
        # Other assignees: the seed users of each unit, busy agents more often.
        by_unit: dict[int, list[tuple[int, float]]] = {}
        for user_id, unit_ids, weight in owners:
            for unit_id in unit_ids:
                by_unit.setdefault(unit_id, []).append((user_id, weight))
        self.unit_users = {unit_id: Weighted(users) for unit_id, users in by_unit.items()}

    def _load_parties(self) -> None:
        ids, owners, units, weights = array("q"), array("q"), array("q"), []
        rng = self.rng
        parties = (
            Party.objects.alive()
            .order_by("id")
            .values_list("id", "owner_id", "unit_id", "is_customer")
            .iterator(chunk_size=10_000)
        )
        for party_id, owner_id, unit_id, is_customer in parties:
            ids.append(party_id)
            owners.append(owner_id)
            units.append(unit_id)
            weight = rng.lognormvariate(0, PARTY_SPREAD)
            weights.append(weight if is_customer else -weight * SUPPLIER_WEIGHT)
        # The sign carries "supplier only" (for the mix of types); the weight its size.
        self.party_ids, self.party_owners, self.party_units = ids, owners, units
        self.supplier_only = bytearray(w < 0 for w in weights)
        self.parties = Weighted.of(range(len(ids)), [abs(w) for w in weights])

    def _load_types(self) -> None:
        types = list(ActivityType.objects.filter(is_active=True).values_list("id", "slug"))
        self.customer_types = Weighted(
            [(kind, CUSTOMER_TYPE_WEIGHTS.get(kind[1], OTHER_TYPE_WEIGHT)) for kind in types]
        )
        self.supplier_types = Weighted(
            [(kind, SUPPLIER_TYPE_WEIGHTS.get(kind[1], OTHER_TYPE_WEIGHT)) for kind in types]
        )

    def prepare(self, total: int) -> None:
        now = self.now
        first = now - datetime.timedelta(days=365 * ACTIVITY_YEARS)
        self.opens, self.offsets = business_windows(first, now, self.zone)
        self.business_seconds = self.offsets[-1]
        # Contact dates come in ascending order: the sorted sample of `total` uniforms,
        # drawn one after the other (each the least of those left, above the last).
        self.left, self.position = total, 0.0
        # The chance that a recent contact is still open, falling with its age, scaled so
        # that about OPEN_SHARE of all are open: the share of contacts (density 2s/B²
        # over business time s) weighted by that fall, window by window.
        expected = 0.0
        for index, opening in enumerate(self.opens):
            low, high = self.offsets[index], self.offsets[index + 1]
            mass = (high * high - low * low) / self.business_seconds**2
            expected += mass * self._open_shape(now - opening)
        self.open_scale = min(0.95, OPEN_SHARE / expected) if expected else 0.0

    @staticmethod
    def _open_shape(age: datetime.timedelta) -> float:
        return max(0.0, 1 - age / datetime.timedelta(days=OPEN_CONTACT_DAYS))

    def _next_contact(self) -> datetime.datetime:
        rng = self.rng
        if self.left > 0:
            # The least of k uniforms above u is 1 - (1 - u)·V^(1/k).
            self.position = 1 - (1 - self.position) * math.exp(
                math.log(1 - rng.random()) / self.left
            )
            self.left -= 1
        # Density growing linearly towards now: business time s = B·√u.
        seconds = self.business_seconds * math.sqrt(self.position)
        index = min(bisect.bisect_right(self.offsets, seconds) - 1, len(self.opens) - 1)
        offset = int(seconds - self.offsets[index])
        return self.opens[index] + datetime.timedelta(seconds=offset)

    def _start_of_day(self, day: datetime.date, zone) -> datetime.datetime:
        key = (day, zone.key)
        moment = self.day_starts.get(key)
        if moment is None:
            moment = self.day_starts[key] = start_of_day(day, zone)
        return moment

    def _due(self, moment, zone, not_before) -> tuple[datetime.datetime, datetime.date, bool]:
        """(due_at, due_date, all_day) on the local day of `moment`: the whole day, or a
        round time of the working day (never before `not_before`)."""
        rng = self.rng
        day = moment.astimezone(zone).date()
        if rng.random() < ALL_DAY_SHARE:
            return self._start_of_day(day, zone), day, True
        wall = datetime.time(rng.randint(8, 17), rng.choice(QUARTERS))
        due_at = datetime.datetime.combine(day, wall, tzinfo=zone).astimezone(datetime.UTC)
        if due_at < not_before:  # earlier the same day than the contact itself
            due_at = not_before.replace(second=0) + datetime.timedelta(hours=1)
            day = due_at.astimezone(zone).date()
        return due_at, day, False

    def _someone_of(self, unit_id: int, instead_of: int) -> int:
        users = self.unit_users.get(unit_id)
        if users is not None:
            for _ in range(3):
                user_id = users.pick(self.rng)
                if user_id != instead_of:
                    return user_id
        return instead_of

    def build(self) -> dict:
        rng, now, day = self.rng, self.now, datetime.timedelta(days=1)
        index = self.parties.pick(rng)
        unit_id, assignee_id = self.party_units[index], self.party_owners[index]
        if rng.random() < OTHER_ASSIGNEE_SHARE:
            assignee_id = self._someone_of(unit_id, assignee_id)
        zone = self.zones.get(assignee_id, self.zone)
        type_id, slug = (
            self.supplier_types if self.supplier_only[index] else self.customer_types
        ).pick(rng)
        contacted = self._next_contact()
        created = min(now, contacted + datetime.timedelta(seconds=int(rng.expovariate(1 / 240))))
        row = {
            "party_id": self.party_ids[index],
            "type_id": type_id,
            "description": self.texts.description(slug),
            "complaint": self.texts.complaint(slug),
            "internal_note": self.texts.internal_note(),
            "contacted_at": contacted,
            "due_at": None,
            "all_day": False,
            "due_date": None,
            "assignee_id": assignee_id,
            "unit_id": unit_id,
            "status": Status.DONE.value,
            "done_at": None,
            "done_by_id": None,
            "outcome": "",
            "reminders": [],
            "created_by_id": assignee_id,
            "version": 1,
            "created_at": created,
            "updated_at": created,
            "deleted_at": None,
            "deleted_by_id": None,
        }
        roll = rng.random()
        if roll < self.open_scale * self._open_shape(now - contacted):
            # Still to do: due from a few weeks back (overdue) to two months ahead.
            low = max(contacted, now - OVERDUE_DAYS * day)
            high = min(contacted + OPEN_CONTACT_DAYS * day, now + AHEAD_DAYS * day)
            target = low + (high - low) * rng.random()
            row["due_at"], row["due_date"], row["all_day"] = self._due(target, zone, contacted)
            row["status"] = Status.OPEN.value
        elif rng.random() < CANCELLED_SHARE / (1 - OPEN_SHARE):
            target = contacted + min(rng.expovariate(1 / 5) + 0.05, AHEAD_DAYS) * day
            row["due_at"], row["due_date"], row["all_day"] = self._due(target, zone, contacted)
            row["status"] = Status.CANCELLED.value
            row["updated_at"] = created + max(min(now, target) - created, 0 * day) * rng.random()
            row["outcome"] = self.texts.cancel_reason() if rng.random() < 0.3 else ""
            row["version"] = 2
        elif rng.random() < FOLLOW_UP_SHARE:
            # A follow-up completed around its due time (or early, when that is ahead).
            target = contacted + min(rng.expovariate(1 / 5) + 0.05, AHEAD_DAYS) * day
            row["due_at"], row["due_date"], row["all_day"] = self._due(target, zone, contacted)
            done = row["due_at"] + (rng.random() * 3 - 1) * day
            if done > now:
                done = created + (now - created) * rng.random()
            done = max(done, created)
            row.update(done_at=done, updated_at=done, version=2)
            row["done_by_id"] = (
                self._someone_of(unit_id, assignee_id)
                if rng.random() < OTHER_DONE_BY_SHARE
                else assignee_id
            )
            row["outcome"] = self.texts.outcome() if rng.random() < OUTCOME_SHARE else ""
        else:
            # A contact with nothing to follow up: done as it was written down.
            row.update(done_at=created, done_by_id=assignee_id)
            if rng.random() < OUTCOME_SHARE / 10:
                row["outcome"] = self.texts.outcome()
        if row["due_at"] is not None and not row["all_day"]:
            row["reminders"] = list(REMINDERS.pick(rng))
        if rng.random() < TRASH_SHARE:
            row["deleted_at"] = row["updated_at"] + (now - row["updated_at"]) * rng.random()
            row.update(deleted_by_id=assignee_id, updated_at=row["deleted_at"])
            row["version"] += 1
        return row

    def after_rows(self) -> str:
        """The (party, assignee) links of scope "own", as services.sync_assignments keeps
        them: one per pair with an open or done activity outside the trash."""
        started = time.monotonic()
        quote = connection.ops.quote_name
        links = quote(PartyAssignment._meta.db_table)
        party = quote(PartyAssignment._meta.get_field("party").column)
        user = quote(PartyAssignment._meta.get_field("user").column)
        column = {name: quote(Activity._meta.get_field(name).column) for name in (
            "party", "assignee", "status", "deleted_at"
        )}  # fmt: skip
        # Identifiers from the models' metadata, quoted; values are parameters. SQLite
        # needs the WHERE for ON CONFLICT after a SELECT (and 3.24 or later).
        sql = (
            f"INSERT INTO {links} ({party}, {user}) "  # noqa: S608
            f"SELECT DISTINCT {column['party']}, {column['assignee']} FROM {self.table} "
            f"WHERE {column['deleted_at']} IS NULL AND {column['status']} IN (%s, %s) "
            "ON CONFLICT DO NOTHING"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [Status.OPEN.value, Status.DONE.value])
            added = cursor.rowcount
        elapsed = time.monotonic() - started
        return f"  {added:,} new (party, assignee) links in {elapsed:,.1f} s."

    def tables(self) -> list[str]:
        return [self.table, connection.ops.quote_name(PartyAssignment._meta.db_table)]
