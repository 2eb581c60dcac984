"""The worker: which jobs it finds, when it runs them, and the housekeeping jobs themselves
under a frozen clock (the way reminders will be tested)."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from clientela import worker
from clientela.accounts.models import LoginFailure
from clientela.accounts.throttle import login_failed
from clientela.core import registries
from clientela.core.registries import PeriodicJob

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def registered():
    """Register test jobs for the duration of a test."""
    added = []

    def _register(job):
        registries.jobs.register(job)
        added.append(job.name)
        return job

    yield _register
    for name in added:
        registries.jobs.unregister(name)


def test_the_worker_finds_the_jobs_apps_registered_in_ready(registered):
    job = registered(PeriodicJob("test_job", datetime.timedelta(seconds=30), lambda: 0))

    names = [j.name for j in worker.discover_jobs()]

    assert names[:2] == ["clear_expired_sessions", "prune_login_failures"]
    assert "test_job" in names
    assert job in worker.discover_jobs()


def test_a_job_runs_when_due_and_again_one_interval_later():
    runs = []
    clock = FakeClock()
    job = PeriodicJob("count", datetime.timedelta(seconds=60), lambda: runs.append(1))
    loop = worker.Worker([job], clock=clock)

    loop.run_due()
    clock.now += 59
    loop.run_due()
    assert len(runs) == 1
    assert loop.seconds_to_next_job() == pytest.approx(1)
    clock.now += 1
    loop.run_due()
    assert len(runs) == 2


def test_a_busy_job_marked_again_when_busy_runs_again_at_once():
    batches = [3, 2, 0]
    clock = FakeClock()
    job = PeriodicJob("drain", datetime.timedelta(minutes=5), lambda: batches.pop(0), True)
    loop = worker.Worker([job], clock=clock)

    for _ in range(3):
        loop.run_due()

    assert batches == []
    assert loop.seconds_to_next_job() == pytest.approx(300)


def test_a_failing_job_is_logged_retried_sooner_and_does_not_stop_the_others(caplog):
    clock = FakeClock()
    ran = []

    def broken():
        raise RuntimeError("boom")

    jobs = [
        PeriodicJob("broken", datetime.timedelta(hours=1), broken),
        PeriodicJob("fine", datetime.timedelta(hours=1), lambda: ran.append(1)),
    ]
    loop = worker.Worker(jobs, clock=clock)

    loop.run_due()

    assert ran == [1]
    assert "job broken failed" in caplog.text
    assert loop.next_due["broken"] == pytest.approx(clock.now + worker.RETRY_AFTER_FAILURE)
    assert not loop.run_once()  # run_once reports the failure


def test_expired_sessions_are_cleared_under_a_frozen_clock():
    with time_machine.travel(START, tick=False):
        old = SessionStore()
        old.set_expiry(60)
        old.create()
        fresh = SessionStore()
        fresh.set_expiry(3600)
        fresh.create()
    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        removed = registries.jobs.get("clear_expired_sessions").func()

    assert removed == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]


def test_login_failures_older_than_a_day_are_forgotten_under_a_frozen_clock():
    with time_machine.travel(START, tick=False):
        login_failed("ana", "10.0.0.1")
    with time_machine.travel(START + datetime.timedelta(hours=23), tick=False):
        assert registries.jobs.get("prune_login_failures").func() == 0
        login_failed("bruno", "10.0.0.2")
    with time_machine.travel(START + datetime.timedelta(hours=25), tick=False):
        assert registries.jobs.get("prune_login_failures").func() > 0
        keys = set(LoginFailure.objects.values_list("key", flat=True))

    assert keys and all("ana" not in key and "10.0.0.1" not in key for key in keys)
    assert timezone.now() > START
