"""The background worker: a loop of periodic jobs, each run when it is due.

Run it as `clientela worker` (or embedded in `clientela run`, as a thread).
On PostgreSQL any number of workers may run side by side: jobs that take
work from the database claim rows with `select_for_update(skip_locked=True)`.
On SQLite only one worker runs per database: it holds an exclusive lock on
`worker.lock` in the database's folder (the data dir), and a second worker
refuses to start.

A job is a function without arguments that does one bounded batch of work
and returns how many items it handled (or None). Jobs come from two places:
the housekeeping jobs below, and a `PERIODIC_JOBS` list in any installed
app's `jobs` module, so apps add jobs without importing this module:

    # clientela/reminders/jobs.py
    PERIODIC_JOBS = [
        # (name, interval, function[, again_when_busy])
        ("send_due_reminders", timedelta(seconds=15), send_due_reminders, True),
    ]

A job marked `again_when_busy` that handled something is due again at once
(there may be more waiting); otherwise it next runs one interval later. A
job that raises is logged and retried at its next turn; it never stops the
loop or the other jobs.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import IO

logger = logging.getLogger("clientela.worker")

SESSION_BATCH_SIZE = 1000
# After a failure, try again sooner than a long interval, but not in a tight loop.
RETRY_AFTER_FAILURE = 60.0


@dataclass(frozen=True)
class PeriodicJob:
    """A function the worker runs every `interval`."""

    name: str
    interval: datetime.timedelta
    func: Callable[[], int | None]
    again_when_busy: bool = False

    @property
    def seconds(self) -> float:
        return max(self.interval.total_seconds(), 1.0)


# --- housekeeping jobs ------------------------------------------------------


def clear_expired_sessions(batch_size: int = SESSION_BATCH_SIZE) -> int:
    """Delete expired sessions in small batches (Django's `clearsessions`, batched)."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    if settings.SESSION_ENGINE not in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }:
        # Other engines (cache, signed cookies) expire sessions themselves.
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return 0

    now = timezone.now()
    total = 0
    while True:
        keys = list(
            Session.objects.filter(expire_date__lt=now).values_list("pk", flat=True)[:batch_size]
        )
        if not keys:
            break
        deleted, _details = Session.objects.filter(pk__in=keys).delete()
        total += deleted
        if len(keys) < batch_size:
            break
    return total


def prune_login_failures() -> int:
    from clientela.accounts.services import prune_login_failures as prune

    return prune()


HOUSEKEEPING_JOBS = [
    PeriodicJob("clear_expired_sessions", datetime.timedelta(hours=1), clear_expired_sessions),
    PeriodicJob("prune_login_failures", datetime.timedelta(hours=1), prune_login_failures),
]


def _as_job(entry) -> PeriodicJob:
    if isinstance(entry, PeriodicJob):
        return entry
    if isinstance(entry, tuple | list) and len(entry) in (3, 4):
        name, interval, func, *rest = entry
        if isinstance(interval, int | float):
            interval = datetime.timedelta(seconds=interval)
        return PeriodicJob(str(name), interval, func, bool(rest[0]) if rest else False)
    raise TypeError(f"not a periodic job: {entry!r}")


def discover_jobs() -> list[PeriodicJob]:
    """Housekeeping plus every installed app's `jobs.PERIODIC_JOBS`."""
    from django.apps import apps

    jobs = list(HOUSEKEEPING_JOBS)
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.jobs":
                continue
            raise
        jobs.extend(_as_job(entry) for entry in getattr(module, "PERIODIC_JOBS", []))
    names = [job.name for job in jobs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate worker job names: {', '.join(duplicates)}")
    return jobs


# --- the loop -----------------------------------------------------------------


class Worker:
    """Runs each job when it is due until `stop` is set.

    The wait between jobs is `stop.wait(timeout)`, so setting `stop` ends the
    loop at once (or after the job that is running finishes).
    """

    def __init__(self, jobs: Iterable[PeriodicJob], stop: threading.Event | None = None):
        self.jobs = list(jobs)
        self.stop = stop or threading.Event()
        # Every job is due when the worker starts.
        self.next_due = {job.name: 0.0 for job in self.jobs}

    def run_job(self, job: PeriodicJob) -> bool:
        """Run one job now; True when it succeeded. Schedules its next run."""
        from django.db import close_old_connections

        close_old_connections()
        started = time.monotonic()
        try:
            result = job.func()
        except Exception:
            logger.exception("job %s failed", job.name)
            self.next_due[job.name] = time.monotonic() + min(job.seconds, RETRY_AFTER_FAILURE)
            # A broken connection must not poison the next job.
            close_old_connections()
            return False
        elapsed = time.monotonic() - started
        if result:
            logger.info("job %s handled %s item(s) in %.2fs", job.name, result, elapsed)
        else:
            logger.debug("job %s: nothing to do (%.2fs)", job.name, elapsed)
        busy = bool(result) and job.again_when_busy
        self.next_due[job.name] = time.monotonic() + (0.0 if busy else job.seconds)
        close_old_connections()
        return True

    def run_due(self) -> None:
        for job in self.jobs:
            if self.stop.is_set():
                return
            if self.next_due[job.name] <= time.monotonic():
                self.run_job(job)

    def seconds_to_next_job(self) -> float:
        if not self.jobs:
            return 3600.0
        return max(0.0, min(self.next_due.values()) - time.monotonic())

    def run_forever(self) -> None:
        logger.info("worker started; jobs: %s", ", ".join(job.name for job in self.jobs))
        try:
            while not self.stop.is_set():
                self.run_due()
                self.stop.wait(self.seconds_to_next_job())
        finally:
            from django.db import connections

            connections.close_all()
            logger.info("worker stopped")

    def run_once(self) -> bool:
        """Run every job once; True when all succeeded."""
        ok = True
        for job in self.jobs:
            ok = self.run_job(job) and ok
        return ok


# --- one worker per SQLite database ---------------------------------------------


class WorkerLockHeld(Exception):
    """Another worker already runs on this SQLite database."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"another worker is already running on this SQLite database (it holds {path}). "
            "On SQLite only one worker may run; use PostgreSQL for several."
        )


def sqlite_file(connection=None) -> Path | None:
    """The SQLite database file, or None (PostgreSQL, or an in-memory database)."""
    if connection is None:
        from django.db import connection
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return Path(name).expanduser().resolve()


def worker_lock_path(connection=None) -> Path | None:
    database = sqlite_file(connection)
    return None if database is None else database.parent / "worker.lock"


def acquire_worker_lock(connection=None) -> IO | None:
    """Take the single-worker lock on SQLite; keep the returned file open while working.

    Returns None when no lock is needed (PostgreSQL). Raises WorkerLockHeld.
    """
    path = worker_lock_path(connection)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held open for the worker's lifetime
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise WorkerLockHeld(path) from None
    return handle


def release_worker_lock(handle: IO | None) -> None:
    if handle is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def pending_migrations(connection=None) -> int:
    from django.db import connection as default_connection
    from django.db.migrations.executor import MigrationExecutor

    connection = connection or default_connection
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def start_in_thread(stop: threading.Event) -> threading.Thread:
    """The embedded worker of `clientela run`. Raises WorkerLockHeld on a busy SQLite file."""
    lock = acquire_worker_lock()
    worker = Worker(discover_jobs(), stop)

    def target() -> None:
        try:
            worker.run_forever()
        finally:
            release_worker_lock(lock)

    thread = threading.Thread(target=target, name="clientela-worker", daemon=True)
    thread.start()
    return thread
