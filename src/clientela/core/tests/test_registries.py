"""The registries higher apps plug into: navigation, top bar, party tabs, timeline, /me."""

import datetime

import pytest
from django.utils import translation

from clientela.api.accounts import _me_schema
from clientela.core import registries
from clientela.core.registries import MeField, TimelineEvent, TimelineSource, TopbarItem
from clientela.parties import services

EN = {"accept-language": "en"}
T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def temporary():
    """Register into a registry for one test only."""
    undo = []

    def _add(registry, item):
        registry.register(item)
        undo.append((registry, item))

    yield _add
    for registry, item in undo:
        registry.unregister(registry._key(item))


def events_every(hours: int, count: int, kind: str):
    def source(record, user, *, before=None, limit):
        moments = [T0 + datetime.timedelta(hours=hours * n) for n in range(count)]
        moments = sorted((m for m in moments if before is None or m < before), reverse=True)
        return [TimelineEvent(at=m, kind=kind, title=f"{kind} {m:%H}") for m in moments[:limit]]

    return source


def test_the_timeline_merges_every_source_newest_first_and_stops_at_the_limit(temporary):
    page = "test-page"
    temporary(registries.timeline_registry(page), TimelineSource("a", events_every(2, 10, "a")))
    temporary(registries.timeline_registry(page), TimelineSource("b", events_every(3, 10, "b")))

    events = registries.timeline_for(page, None, None, limit=5)

    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert len(events) == 5
    hours = [(e.at - T0).total_seconds() / 3600 for e in events]
    assert hours == [27, 24, 21, 18, 18]  # b every 3 h up to 27, a every 2 h up to 18
    later = registries.timeline_for(page, None, None, limit=3, before=events[-1].at)
    assert all(e.at < events[-1].at for e in later)


def test_a_partys_timeline_tells_its_registration_not_each_field_change(admin, unit_matriz):
    party = services.party_create(actor=admin, data={"name": "Cliente", "unit_id": unit_matriz.pk})
    services.party_update(actor=admin, party=party, data={"city": "Santos"})

    with translation.override("en"):
        events = registries.timeline_for("party", party, admin, limit=10)

    # Field changes are on the Changes tab; the timeline tells what happened.
    assert [e.kind for e in events] == ["change"]
    assert events[0].title.startswith("Registered by admin")
    assert events[0].url == f"/parties/{party.pk}/history/"


def test_top_bar_items_show_in_order_and_only_to_whom_they_are_for(
    temporary, login, agent_own, outsider
):
    temporary(
        registries.topbar,
        TopbarItem("test", "core/messages.html", 50, lambda user: user.username == "agent_own"),
    )

    keys = [item.key for item in registries.topbar_for(agent_own)]
    assert keys[0] == "test"
    assert keys.index("search") < keys.index("unit")
    assert [item.key for item in registries.topbar_for(outsider)] == []
    page = login(outsider).get("/accounts/profile/").content.decode()
    assert 'id="global-q"' not in page


def test_navigation_shows_only_what_the_user_may_open(admin, agent_own, outsider):
    assert [e.key for e in registries.nav_for(agent_own)] == [
        "agenda",
        "customers",
        "suppliers",
        "followups",
        "calendar",
    ]
    assert registries.nav_for(outsider) == []
    assert [e.key for e in registries.nav_for(admin, settings=True)] == [
        "activity_types",
        "presets",
        "calendar_feed",
        "users",
        "units",
        "trash",
        "activity_trash",
    ]
    assert [e.key for e in registries.nav_for(agent_own, settings=True)] == [
        "presets",
        "calendar_feed",
    ]


def test_a_registered_me_field_is_in_the_schema_and_the_answer(temporary, api, agent_own):
    temporary(
        registries.me_fields,
        MeField("favourite_number", int, lambda user, request: 42, "A number."),
    )

    schema = _me_schema()

    assert schema.model_fields["favourite_number"].annotation is int
    from clientela.api.accounts import _me

    class Request:
        auth = agent_own

    assert _me(Request()).favourite_number == 42


def test_a_tab_of_another_app_renders_with_the_party_header(temporary, login, agent_own, party_own):
    tabs = registries.tab_registry("party")
    temporary(tabs, registries.Tab("extra", "Extra", "parties:history", 500))

    page = login(agent_own).get(f"/parties/{party_own.pk}/", headers=EN).content.decode()

    assert ">Extra</a>" in page
    assert page.index(">General</a>") < page.index(">Extra</a>") < page.index(">Changes</a>")
