"""The background worker: a loop of periodic jobs, each run when it is due.

Run it as `clientela worker` (or embedded in `clientela run`, as a thread).
On PostgreSQL any number of workers may run side by side: jobs that take
work from the database claim rows with `select_for_update(skip_locked=True)`.
On SQLite only one worker runs per database: it holds an exclusive lock on
`worker.lock` in the database's folder (the data dir), and a second worker
refuses to start.

Jobs come from the `jobs` registry of clientela.core.registries, which apps
fill in their AppConfig.ready(), like every other registry:

    # clientela/reminders/apps.py, in ready()
    jobs.register(PeriodicJob("send_due_reminders", timedelta(seconds=15),
                              send_due_reminders, again_when_busy=True))

A job does one bounded batch of work and returns how many items it handled
(or None). A job marked `again_when_busy` that handled something is due
again at once (there may be more waiting); otherwise it next runs one
interval later. A job that raises is logged and retried at its next turn; it
never stops the loop or the other jobs.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from clientela.core import registries
from clientela.core.registries import PeriodicJob

logger = logging.getLogger("clientela.worker")

# After a failure, try again sooner than a long interval, but not in a tight loop.
RETRY_AFTER_FAILURE = 60.0


def discover_jobs() -> list[PeriodicJob]:
    """Every job the installed apps registered, in registration order."""
    return registries.jobs.all()


# --- the loop -----------------------------------------------------------------


class Worker:
    """Runs each job when it is due until `stop` is set.

    The wait between jobs is `stop.wait(timeout)`, so setting `stop` ends the
    loop at once (or after the job that is running finishes).
    """

    def __init__(
        self,
        jobs: Iterable[PeriodicJob],
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.jobs = list(jobs)
        self.stop = stop or threading.Event()
        # A monotonic clock; tests pass their own to step through time.
        self.clock = clock
        # Every job is due when the worker starts.
        self.next_due = {job.name: 0.0 for job in self.jobs}

    def run_job(self, job: PeriodicJob) -> bool:
        """Run one job now; True when it succeeded. Schedules its next run."""
        from django.db import close_old_connections

        close_old_connections()
        started = self.clock()
        try:
            result = job.func()
        except Exception:
            logger.exception("job %s failed", job.name)
            self.next_due[job.name] = self.clock() + min(job.seconds, RETRY_AFTER_FAILURE)
            # A broken connection must not poison the next job.
            close_old_connections()
            return False
        elapsed = self.clock() - started
        if result:
            logger.info("job %s handled %s item(s) in %.2fs", job.name, result, elapsed)
        else:
            logger.debug("job %s: nothing to do (%.2fs)", job.name, elapsed)
        busy = bool(result) and job.again_when_busy
        self.next_due[job.name] = self.clock() + (0.0 if busy else job.seconds)
        close_old_connections()
        return True

    def run_due(self) -> None:
        for job in self.jobs:
            if self.stop.is_set():
                return
            if self.next_due[job.name] <= self.clock():
                self.run_job(job)

    def seconds_to_next_job(self) -> float:
        if not self.jobs:
            return 3600.0
        return max(0.0, min(self.next_due.values()) - self.clock())

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
