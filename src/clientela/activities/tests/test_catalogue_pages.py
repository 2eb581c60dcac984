"""The admins' activity-type pages and everyone's preset pages."""

import datetime

import pytest
from django.utils import translation

from clientela.activities import catalogue, services
from clientela.activities.catalogue_forms import PresetForm, TypeForm, delay_in_words
from clientela.activities.catalogue_views import save_type
from clientela.activities.forms import ActivityForm
from clientela.activities.models import ActivityType, Preset
from clientela.audit.models import ChangeRecord
from conftest import make_user

TYPE_PAGES = ["/activities/types/", "/activities/types/new/"]


def type_post(**changes) -> dict:
    values = {
        "name": "Video call",
        "name_pt_br": "Videochamada",
        "slug": "",
        "color": "#123abc",
        "icon": "meeting",
        "order": "50",
        "is_active": "on",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def preset_post(**changes) -> dict:
    values = {
        "name": "Ligar em 2 dias",
        "type": "call",
        "text": "Confirmar o orçamento.",
        "due_in_days": "2",
        "due_time": "09:00",
        "reminder_channel_1": "in_app",
        "reminder_minutes_1": "15",
        "reminder_channel_2": "",
        "reminder_minutes_2": "0",
        "reminder_channel_3": "",
        "reminder_minutes_3": "0",
        "is_active": "on",
        "order": "100",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def shown_form_data(response) -> dict:
    """What the browser would send back untouched: the rendered form's values."""
    form = response.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(value, datetime.time):
            data[bound.html_name] = value.strftime("%H:%M")
        else:
            data[bound.html_name] = str(value)
    return data


@pytest.fixture
def login_en(login):
    """login(user), with the pages in English (the words the tests look for)."""

    def _login(user):
        client = login(user)
        client.cookies["clientela_language"] = "en"
        return client

    return _login


@pytest.fixture
def call_type(db):
    return ActivityType.objects.get(slug="call")


@pytest.fixture
def shared_preset(admin, call_type):
    return catalogue.preset_create(
        actor=admin, data={"name": "Para todos", "type": "call", "due_in_days": 1}
    )


@pytest.fixture
def other_agent(unit_matriz):
    return make_user("outro_agente", units=[unit_matriz])


# --- types -----------------------------------------------------------------------------


def test_the_seeded_types_are_listed_with_both_names_and_a_swatch(login, admin):
    response = login(admin).get("/activities/types/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Phone call" in page and "Ligação" in page
    assert '<rect width="14" height="14" rx="3" fill="#1d4ed8"/>' in page
    assert "style=" not in page


def test_an_admin_creates_a_type(login, admin):
    response = login(admin).post("/activities/types/new/", type_post())

    assert response.status_code == 302
    assert response["Location"] == "/activities/types/"
    kind = ActivityType.objects.get(slug="video-call")
    assert (kind.name, kind.name_pt_br, kind.color, kind.icon, kind.order, kind.is_active) == (
        "Video call",
        "Videochamada",
        "#123abc",
        "meeting",
        50,
        True,
    )


def test_an_admin_edits_a_type_and_its_code_stays(login, admin, call_type):
    client = login(admin)
    shown = shown_form_data(client.get(f"/activities/types/{call_type.pk}/"))

    response = client.post(
        f"/activities/types/{call_type.pk}/",
        {**shown, "name": "Call", "color": "#000000", "slug": "other-code"},
    )

    assert response.status_code == 302
    call_type.refresh_from_db()
    assert (call_type.name, call_type.color, call_type.slug) == ("Call", "#000000", "call")
    assert call_type.name_pt_br == "Ligação"
    assert call_type.version == 2


def test_a_deactivated_type_stays_on_an_old_activity(login, admin, call_type, party_own):
    activity = services.activity_create(
        actor=admin,
        data={"party_id": party_own.pk, "type": "call", "description": "Antes"},
        default_unit_id=party_own.unit_id,
    )
    client = login(admin)
    shown = shown_form_data(client.get(f"/activities/types/{call_type.pk}/"))
    shown.pop("is_active")

    response = client.post(f"/activities/types/{call_type.pk}/", shown)

    assert response.status_code == 302
    call_type.refresh_from_db()
    assert not call_type.is_active
    activity.refresh_from_db()
    assert activity.type == call_type
    # Still listed for admins, no longer offered for new activities, kept on the old one.
    assert "Phone call" in client.get("/activities/types/").content.decode()
    assert "call" not in dict(ActivityForm(actor=admin).fields["type"].choices)
    form = ActivityForm(actor=admin, activity=activity, initial={"type": "call"})
    assert "call" in dict(form.fields["type"].choices)


@pytest.mark.parametrize("user", ["manager", "agent_own", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_non_admin_gets_403_on_every_type_page(request, login, call_type, user, method):
    client = login(request.getfixturevalue(user))

    for path in [*TYPE_PAGES, f"/activities/types/{call_type.pk}/"]:
        response = getattr(client, method)(path, type_post() if method == "post" else None)
        assert response.status_code == 403, path
    assert not ActivityType.objects.filter(slug="video-call").exists()
    call_type.refresh_from_db()
    assert call_type.version == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 61),
        ("name_pt_br", "y" * 61),
        ("name", ""),
        ("color", "#zzz"),
        ("color", "red"),
        ("icon", "rocket"),
        ("order", "-1"),
        ("order", "abc"),
        ("order", "99999999999999999999999"),
        ("slug", "Não Vale"),
        ("slug", "call"),
        ("name", "Nome\x00"),
    ],
)
def test_bad_type_input_gives_the_form_back_and_saves_nothing(login, admin, field, value):
    changes_before = ChangeRecord.objects.count()

    response = login(admin).post("/activities/types/new/", type_post(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ActivityType.objects.count() == 9
    assert ChangeRecord.objects.count() == changes_before


def test_bad_input_on_an_edit_changes_nothing(login, admin, call_type):
    client = login(admin)
    shown = shown_form_data(client.get(f"/activities/types/{call_type.pk}/"))

    response = client.post(
        f"/activities/types/{call_type.pk}/", {**shown, "name": "Ok", "color": "#zzz"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["color"]
    call_type.refresh_from_db()
    assert (call_type.name, call_type.version) == ("Phone call", 1)


def test_a_lone_surrogate_in_a_type_name_is_refused(admin):
    """Over HTTP Django decodes such bytes as U+FFFD; any other caller gets an error."""
    form = TypeForm(data=type_post(name="Nome \ud800"))
    assert form.is_valid()

    saved, conflict = save_type(form, admin, None)

    assert (saved, conflict) == (None, None)
    assert "U+D800" in form.errors["name"][0]
    assert not ActivityType.objects.filter(name__startswith="Nome").exists()


def test_the_bytes_of_a_surrogate_in_a_page_form_never_store_one(login, admin):
    body = "name=Nome%ED%A0%80&name_pt_br=Nome&color=%23123abc&icon=dot&order=1&is_active=on"

    response = login(admin).post(
        "/activities/types/new/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in (200, 302)
    assert all("\ud800" not in name for name in ActivityType.objects.values_list("name", flat=True))


def test_a_stale_type_edit_is_a_conflict_that_keeps_the_input(login_en, admin, call_type):
    client = login_en(admin)
    shown = shown_form_data(client.get(f"/activities/types/{call_type.pk}/"))
    other_admin = make_user("outro_admin", role="admin")
    catalogue.type_update(actor=other_admin, kind=call_type, data={"color": "#ff0000"})

    response = client.post(f"/activities/types/{call_type.pk}/", {**shown, "name": "Call"})

    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert conflict is not None
    assert ("Colour", "#ff0000") in conflict.differences
    form = response.context["form"]
    assert form["name"].value() == "Call"
    assert form["color"].value() == "#ff0000"
    call_type.refresh_from_db()
    assert (call_type.name, call_type.color, call_type.version) == ("Phone call", "#ff0000", 2)

    # Saving again, informed, goes through and keeps the other admin's colour.
    again = client.post(f"/activities/types/{call_type.pk}/", shown_form_data(response))

    assert again.status_code == 302
    call_type.refresh_from_db()
    assert (call_type.name, call_type.color, call_type.version) == ("Call", "#ff0000", 3)


def test_an_unknown_type_is_a_404(login, admin):
    assert login(admin).get("/activities/types/999999/").status_code == 404


# --- presets ---------------------------------------------------------------------------


def test_an_agent_creates_their_own_preset_and_sees_it(login_en, agent_own, call_type):
    client = login_en(agent_own)
    form_page = client.get("/activities/presets/new/")
    assert "shared" not in form_page.context["form"].fields

    response = client.post("/activities/presets/new/", preset_post())

    assert response.status_code == 302
    assert response["Location"] == "/activities/presets/"
    preset = Preset.objects.get(name="Ligar em 2 dias")
    assert preset.owner == agent_own
    assert (preset.type, preset.due_in_days, preset.due_time) == (
        call_type,
        2,
        datetime.time(9, 0),
    )
    assert preset.reminders == [{"channel": "in_app", "minutes_before": 15}]
    page = client.get("/activities/presets/").content.decode()
    assert "Ligar em 2 dias" in page
    assert "+2 days at 09:00" in page
    assert "In the app, 15 minutes before" in page
    assert f'href="/activities/presets/{preset.pk}/"' in page


def test_an_agent_cannot_share_a_preset(login, agent_own, call_type):
    login(agent_own).post("/activities/presets/new/", preset_post(shared="on"))

    assert Preset.objects.get(name="Ligar em 2 dias").owner == agent_own


def test_an_admins_presets_are_for_everyone(login_en, admin, agent_own, call_type):
    response = login_en(admin).post("/activities/presets/new/", preset_post(shared="on"))

    assert response.status_code == 302
    preset = Preset.objects.get(name="Ligar em 2 dias")
    assert preset.shared
    page = login_en(agent_own).get("/activities/presets/").content.decode()
    assert "Ligar em 2 dias" in page
    assert "for everyone" in page
    assert f'href="/activities/presets/{preset.pk}/"' not in page


def test_an_agent_cannot_edit_a_shared_preset(login, agent_own, shared_preset):
    client = login(agent_own)

    assert client.get(f"/activities/presets/{shared_preset.pk}/").status_code == 403
    response = client.post(f"/activities/presets/{shared_preset.pk}/", preset_post(name="Meu"))

    assert response.status_code == 403
    shared_preset.refresh_from_db()
    assert (shared_preset.name, shared_preset.version) == ("Para todos", 1)


def test_the_service_refuses_a_shared_preset_to_a_non_admin(agent_own, shared_preset):
    """The page's 403 comes from the service's PermissionDenied, not from the view only."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        catalogue.preset_update(actor=agent_own, preset=shared_preset, data={"name": "Meu"})


def test_an_admin_edits_a_shared_preset(login, admin, shared_preset):
    client = login(admin)
    shown = shown_form_data(client.get(f"/activities/presets/{shared_preset.pk}/"))

    response = client.post(f"/activities/presets/{shared_preset.pk}/", {**shown, "name": "Todos"})

    assert response.status_code == 302
    shared_preset.refresh_from_db()
    assert (shared_preset.name, shared_preset.shared) == ("Todos", True)


def test_another_agents_preset_does_not_exist(login, agent_own, other_agent, call_type):
    theirs = catalogue.preset_create(
        actor=other_agent, data={"name": "Só meu", "type": "call", "due_in_days": 3}
    )
    client = login(agent_own)

    assert client.get(f"/activities/presets/{theirs.pk}/").status_code == 404
    assert client.post(f"/activities/presets/{theirs.pk}/", preset_post()).status_code == 404
    assert "Só meu" not in client.get("/activities/presets/").content.decode()
    theirs.refresh_from_db()
    assert theirs.version == 1


def test_an_outsider_gets_403_on_the_preset_pages(login, outsider, shared_preset):
    client = login(outsider)

    for path in ["/activities/presets/", "/activities/presets/new/"]:
        assert client.get(path).status_code == 403
    assert client.get(f"/activities/presets/{shared_preset.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "n" * 61),
        ("name", ""),
        ("text", "t" * 2001),
        ("type", "no-such-type"),
        ("due_in_days", "366"),
        ("due_in_days", "dois"),
        ("due_time", "25:00"),
        ("reminder_channel_1", "pigeon"),
        ("reminder_minutes_1", "7"),
        ("order", "10001"),
    ],
)
def test_bad_preset_input_gives_the_form_back_and_saves_nothing(
    login, agent_own, call_type, field, value
):
    response = login(agent_own).post("/activities/presets/new/", preset_post(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Preset.objects.exists()


def test_a_deactivated_type_can_only_stay_on_a_preset(login, admin, agent_own, call_type):
    preset = catalogue.preset_create(
        actor=agent_own, data={"name": "Antigo", "type": "call", "due_in_days": 1}
    )
    catalogue.type_update(actor=admin, kind=call_type, data={"is_active": False})
    client = login(agent_own)

    response = client.get(f"/activities/presets/{preset.pk}/")
    choices = dict(response.context["form"].fields["type"].choices)
    assert "call" in choices
    saved = client.post(f"/activities/presets/{preset.pk}/", {**shown_form_data(response)})
    assert saved.status_code == 302
    new_one = client.post("/activities/presets/new/", preset_post(name="Novo", type="call"))

    assert new_one.status_code == 200
    assert "type" in new_one.context["form"].errors
    preset.refresh_from_db()
    assert preset.type == call_type


def test_a_preset_edit_changes_only_the_touched_fields(login, agent_own, call_type):
    preset = catalogue.preset_create(actor=agent_own, data=preset_post_data())
    client = login(agent_own)
    shown = shown_form_data(client.get(f"/activities/presets/{preset.pk}/"))
    # Meanwhile, in another tab, the text changes (a new version).
    catalogue.preset_update(actor=agent_own, preset=preset, data={"text": "Texto novo"})
    preset.refresh_from_db()

    # With the version of the other tab's save, only the name is sent: the text stays.
    response = client.post(
        f"/activities/presets/{preset.pk}/",
        {**shown, "name": "Nome novo", "version": str(preset.version)},
    )

    assert response.status_code == 302
    preset.refresh_from_db()
    assert (preset.name, preset.text, preset.version) == ("Nome novo", "Texto novo", 3)
    assert preset.due_time == datetime.time(9, 0)
    assert preset.reminders == [{"channel": "email", "minutes_before": 60}]


def test_a_stale_preset_edit_is_a_conflict_notice(login_en, agent_own, call_type):
    preset = catalogue.preset_create(actor=agent_own, data=preset_post_data())
    client = login_en(agent_own)
    shown = shown_form_data(client.get(f"/activities/presets/{preset.pk}/"))
    catalogue.preset_update(actor=agent_own, preset=preset, data={"text": "Texto novo"})

    response = client.post(f"/activities/presets/{preset.pk}/", {**shown, "name": "Nome novo"})

    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert conflict is not None and conflict.by_yourself
    assert ("Text", "Texto novo") in conflict.differences
    assert "Your changes were not saved." in response.content.decode()
    form = response.context["form"]
    assert (form["name"].value(), form["text"].value()) == ("Nome novo", "Texto novo")
    preset.refresh_from_db()
    assert (preset.name, preset.text) == ("Revisão", "Texto novo")


def test_changing_a_reminder_sends_every_row(login, agent_own, call_type):
    preset = catalogue.preset_create(actor=agent_own, data=preset_post_data())
    client = login(agent_own)
    shown = shown_form_data(client.get(f"/activities/presets/{preset.pk}/"))

    response = client.post(
        f"/activities/presets/{preset.pk}/",
        {**shown, "reminder_channel_2": "sms", "reminder_minutes_2": "0"},
    )

    assert response.status_code == 302
    preset.refresh_from_db()
    assert preset.reminders == [
        {"channel": "email", "minutes_before": 60},
        {"channel": "sms", "minutes_before": 0},
    ]


def preset_post_data() -> dict:
    return {
        "name": "Revisão",
        "type": "call",
        "text": "Texto",
        "due_in_days": 1,
        "business_days": True,
        "due_time": "09:00",
        "reminders": [{"channel": "email", "minutes_before": 60}],
    }


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"due_in_days": 2, "due_time": datetime.time(9, 0)}, "+2 days at 09:00"),
        (
            {"due_in_days": 1, "business_days": True, "all_day": True},
            "next business day, whole day",
        ),
        ({"due_in_days": 1}, "+1 day, at the time it is used"),
        ({"due_in_days": 0, "all_day": True}, "today, whole day"),
        ({"due_in_days": 5, "business_days": True}, "+5 business days, at the time it is used"),
    ],
)
def test_a_presets_delay_in_words(fields, words):
    with translation.override("en"):
        assert delay_in_words(Preset(**fields)) == words


# --- both languages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Phone call", "Status", 'lang="en"', "Save"]),
        ("pt-br", ["Ligação", "Situação", 'lang="pt-br"', "Salvar"]),
    ],
)
def test_the_pages_render_in_both_languages(login, admin, shared_preset, language, words):
    client = login(admin)
    client.cookies["clientela_language"] = language

    pages = [
        client.get("/activities/types/"),
        client.get("/activities/presets/"),
        client.get(f"/activities/presets/{shared_preset.pk}/"),
        client.get("/activities/presets/new/"),
        client.get(f"/activities/types/{shared_preset.type_id}/"),
    ]

    assert all(page.status_code == 200 for page in pages)
    listing = pages[1].content.decode()
    assert words[0] in listing and words[2] in listing
    assert words[1] in pages[0].content.decode()
    assert words[3] in pages[2].content.decode()


def test_the_form_pages_carry_no_inline_style_or_script(login, admin, shared_preset):
    client = login(admin)

    for path in [
        "/activities/types/new/",
        "/activities/presets/",
        f"/activities/presets/{shared_preset.pk}/",
    ]:
        page = client.get(path).content.decode()
        assert "style=" not in page
        assert "<script>" not in page


def test_preset_form_binds_a_shown_time(agent_own, call_type):
    """The signed shown values carry the time as text and read it back as a time."""
    preset = catalogue.preset_create(actor=agent_own, data=preset_post_data())
    shown = PresetForm(actor=agent_own, preset=preset, initial={"due_time": datetime.time(9, 0)})
    token = shown.initial["shown"]

    bound = PresetForm(
        data={**preset_post(), "shown": token, "due_time": "09:00"},
        actor=agent_own,
        preset=preset,
        initial={"due_time": datetime.time(10, 0)},
    )

    assert bound.is_valid(), bound.errors
    assert "due_time" not in bound.changed_data
