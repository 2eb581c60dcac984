"""Time zones (a DST change in New York), whole days, and what the calendar feed holds."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from clientela.activities import feeds, services
from clientela.activities.models import Activity

NY = zoneinfo.ZoneInfo("America/New_York")


def _new(user, party, **fields):
    data = {"party_id": party.pk, "type": "call", **fields}
    return services.activity_create(actor=user, data=data, default_unit_id=party.unit_id)


@pytest.fixture
def new_yorker(manager):
    manager.time_zone = "America/New_York"
    manager.save()
    return manager


def test_ten_o_clock_in_new_york_on_both_sides_of_the_dst_change(
    new_yorker, party_matriz, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 10, 20, 9, tzinfo=NY))
    before = _new(new_yorker, party_matriz, due_at=datetime.datetime(2026, 10, 31, 10, tzinfo=NY))
    after = _new(new_yorker, party_matriz, due_at=datetime.datetime(2026, 11, 2, 10, tzinfo=NY))

    assert before.due_at.astimezone(datetime.UTC).hour == 14  # EDT, UTC-4
    assert after.due_at.astimezone(datetime.UTC).hour == 15  # EST, UTC-5
    assert (before.due_date, after.due_date) == (
        datetime.date(2026, 10, 31),
        datetime.date(2026, 11, 2),
    )


def test_a_whole_day_on_the_day_of_the_change_starts_at_its_local_midnight(
    new_yorker, party_matriz, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 10, 20, 9, tzinfo=NY))
    activity = _new(
        new_yorker,
        party_matriz,
        due_at=datetime.datetime(2026, 11, 1, 0, tzinfo=NY),
        all_day=True,
    )
    assert activity.due_date == datetime.date(2026, 11, 1)
    assert activity.due_at == datetime.datetime(2026, 11, 1, 4, tzinfo=datetime.UTC)


def test_a_whole_day_written_in_another_offset_keeps_the_day_written(
    manager, party_matriz, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    activity = _new(
        manager, party_matriz, due_at=datetime.datetime(2026, 12, 5, 0, tzinfo=tokyo), all_day=True
    )
    assert activity.due_date == datetime.date(2026, 12, 5)


def test_the_feed_holds_open_follow_ups_moves_them_and_drops_the_done(
    client, manager, party_matriz, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    timed = _new(
        manager,
        party_matriz,
        due_at=datetime.datetime(2026, 12, 3, 13, tzinfo=datetime.UTC),
        internal_note="margem baixa, não contar ao cliente",
        description="Ligar sobre o orçamento",
    )
    whole = _new(
        manager,
        party_matriz,
        due_at=datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC),
        all_day=True,
    )
    done = _new(manager, party_matriz, description="Só um registro")
    secret = feeds.feed_rotate(manager).secret
    url = reverse("activities:feed", kwargs={"secret": secret})

    def events():
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert "margem baixa" not in response.content.decode()
        return {
            str(e["uid"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        }

    first = events()
    assert len(first) == 2
    uid = next(u for u in first if u.startswith(f"activity-{timed.pk}@"))
    assert first[uid].decoded("dtstart") == datetime.datetime(2026, 12, 3, 13, tzinfo=datetime.UTC)
    whole_event = next(e for u, e in first.items() if u.startswith(f"activity-{whole.pk}@"))
    assert whole_event.decoded("dtstart") == datetime.date(2026, 12, 4)
    assert not any(u.startswith(f"activity-{done.pk}@") for u in first)

    services.activity_update(
        actor=manager,
        activity=timed,
        data={"due_at": datetime.datetime(2026, 12, 10, 13, tzinfo=datetime.UTC)},
    )
    moved = events()[uid]
    assert moved.decoded("dtstart").day == 10
    assert int(moved["sequence"]) > int(first[uid]["sequence"])

    services.activity_complete(actor=manager, activity=Activity.objects.get(pk=timed.pk))
    assert uid not in events()


def test_a_wrong_or_revoked_feed_is_a_404_without_login(client, manager):
    secret = feeds.feed_rotate(manager).secret
    url = reverse("activities:feed", kwargs={"secret": secret})
    assert client.get(url).status_code == 200
    assert client.get(reverse("activities:feed", kwargs={"secret": "x" * 43})).status_code == 404
    feeds.feed_revoke(manager)
    assert client.get(url).status_code == 404


def test_a_feed_of_a_user_without_crm_access_is_a_404(client, manager):
    secret = feeds.feed_rotate(manager).secret
    manager.crm_access = False
    manager.save()
    assert client.get(reverse("activities:feed", kwargs={"secret": secret})).status_code == 404
