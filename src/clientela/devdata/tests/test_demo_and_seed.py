"""The demo data (`clientela demo`) and the benchmark seed (`clientela manage seed`)."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clientela.accounts.models import User
from clientela.accounts.services import bootstrap_admin
from clientela.activities.models import Activity, ActivityType, PartyAssignment, Status
from clientela.activities.services import start_of_day
from clientela.audit.models import ChangeRecord
from clientela.devdata.demo import DemoRefused, load_demo
from clientela.parties.models import Party


@pytest.fixture
def first_run(db):
    admin, _password = bootstrap_admin("uma-senha-bem-longa-1")
    return admin


def test_the_demo_loads_once_with_users_units_and_parties_through_the_services(first_run):
    result = load_demo()

    assert result["loaded"] is True
    assert {username for username, _password, _role in result["users"]} == {
        "gerente", "ana", "bruno",
    }  # fmt: skip
    assert Party.objects.count() == result["parties"] > 270
    # Through the services: every party has its creation recorded, every CPF/CNPJ is valid.
    assert ChangeRecord.objects.filter(entity="party", action="create").count() == result["parties"]
    assert Party.objects.filter(employer__isnull=False, is_customer=False).exists()
    again = load_demo()
    assert again["loaded"] is False and again["users"] == []
    assert Party.objects.count() == result["parties"]


def test_the_demo_refuses_a_database_with_data_of_its_own(first_run):
    from clientela.parties.services import party_create

    unit = first_run.units.get()
    party_create(actor=first_run, data={"name": "Cliente Real", "unit_id": unit.pk})

    with pytest.raises(DemoRefused):
        load_demo()
    assert not User.objects.filter(username="gerente").exists()


def test_the_seed_appends_parties_without_history_and_with_search_columns(first_run):
    call_command("seed", parties=300, activities=0, random_seed=7, verbosity=0)

    assert Party.objects.count() == 300
    assert not ChangeRecord.objects.filter(entity="party").exists()
    assert not Party.objects.filter(search_text="").exists()
    sample = Party.objects.order_by("pk").first()
    assert Party.objects.search(sample.name.split()[0]).filter(pk=sample.pk).exists()


def _pairs_sync_assignments_would_keep() -> set[tuple[int, int]]:
    """services.sync_assignments's rule: an open or done activity outside the trash."""
    return set(
        Activity.objects.alive()
        .filter(status__in=[Status.OPEN, Status.DONE])
        .values_list("party_id", "assignee_id")
    )


def _assignment_pairs() -> set[tuple[int, int]]:
    pairs = list(PartyAssignment.objects.values_list("party_id", "user_id"))
    assert len(pairs) == len(set(pairs))
    return set(pairs)


def test_the_seed_logs_activities_on_the_parties_with_a_realistic_spread(first_run):
    call_command("seed", parties=200, activities=2000, random_seed=7, verbosity=0)

    activities = list(Activity.objects.select_related("party", "assignee", "type"))
    assert len(activities) == 2000 and Party.objects.count() == 200
    now = timezone.now()
    by_status = Counter(a.status for a in activities)
    assert 0.05 < by_status[Status.OPEN] / 2000 < 0.15
    assert 0 < by_status[Status.CANCELLED] / 2000 < 0.08
    assert by_status[Status.DONE] / 2000 > 0.75
    assert Activity.objects.alive().overdue(now).exists()
    assert Activity.objects.alive().open().filter(due_at__gt=now).exists()
    # Every type, calls and WhatsApp ahead; suppliers get theirs too.
    types = Counter(a.type.slug for a in activities)
    assert set(types) == set(ActivityType.objects.values_list("slug", flat=True))
    assert {slug for slug, _n in types.most_common(2)} == {"call", "whatsapp"}
    assert any(not a.party.is_customer for a in activities)
    # The party's unit; mostly its owner, sometimes another seed user of that unit.
    assert all(a.unit_id == a.party.unit_id for a in activities)
    owned = sum(a.assignee_id == a.party.owner_id for a in activities)
    assert 0.7 < owned / 2000 < 0.98
    assert all(a.unit_id in a.assignee.unit_ids() for a in activities)
    # A minority of the parties has most of the contacts.
    per_party = sorted(Counter(a.party_id for a in activities).values(), reverse=True)
    assert sum(per_party[: len(per_party) // 5]) > 0.5 * 2000
    # Two years of contacts, more of them lately; never in the future.
    ages = [now - a.contacted_at for a in activities]
    assert max(ages) < datetime.timedelta(days=731) and min(ages) >= datetime.timedelta(0)
    last_year = sum(age < datetime.timedelta(days=365) for age in ages)
    assert last_year > 0.6 * 2000
    for a in activities:
        assert a.description
        assert a.created_at >= a.contacted_at and a.updated_at >= a.created_at
        if a.status == Status.OPEN:
            assert a.done_at is None and a.done_by_id is None
            assert now - datetime.timedelta(days=22) < a.due_at < now + datetime.timedelta(days=61)
        elif a.status == Status.DONE:
            assert a.done_at is not None and a.done_by_id is not None
        else:
            assert a.due_at is not None and a.done_at is None
        if a.due_at is None:
            assert a.due_date is None and not a.all_day and a.reminders == []
            continue
        zone = a.assignee.zone
        if a.all_day:
            assert a.due_at == start_of_day(a.due_date, zone)
            assert a.due_date >= a.contacted_at.astimezone(zone).date()
            assert a.reminders == []
        else:
            assert a.due_date == a.due_at.astimezone(zone).date()
            assert a.due_at >= a.contacted_at
    with_due = [a for a in activities if a.due_at is not None]
    assert 0.1 < sum(a.all_day for a in with_due) / len(with_due) < 0.3
    assert 0 < sum(bool(a.outcome) for a in activities) < 0.5 * 2000
    assert 0 < sum(bool(a.reminders) for a in activities) < 0.2 * 2000
    # No history; scope "own" sees what services.sync_assignments would have linked.
    assert not ChangeRecord.objects.filter(entity__in=["party", "activity"]).exists()
    assert _assignment_pairs() == _pairs_sync_assignments_would_keep()


def test_a_second_run_appends_activities_and_their_links(first_run):
    call_command("seed", parties=60, activities=300, random_seed=3, verbosity=0)
    first = dict(Activity.objects.values_list("id", "contacted_at"))

    call_command("seed", activities=200, random_seed=3, verbosity=0)

    assert Party.objects.count() == 60
    assert Activity.objects.count() == 500
    assert dict(Activity.objects.filter(pk__in=first).values_list("id", "contacted_at")) == first
    assert _assignment_pairs() == _pairs_sync_assignments_would_keep()
    assert not ChangeRecord.objects.filter(entity__in=["party", "activity"]).exists()


def test_the_seed_refuses_activities_without_parties_and_leaves_no_trace(first_run):
    with pytest.raises(CommandError, match="no customers or suppliers"):
        call_command("seed", activities=5, verbosity=0)
    assert not User.objects.filter(username__startswith="seed_").exists()
    assert not Activity.objects.exists()
