"""A user's phone is their mobile, where SMS reminders go: stored E.164, typed any common way,
refused with a clear message when it is not a mobile — on the profile page, the admin's
user form and the API alike — and shown in the national format."""

import pytest
from django.utils import translation

from clientela.accounts import services
from clientela.accounts.models import User
from clientela.core.phones import normalize_mobile
from clientela.parties import brazil

EN = {"accept-language": "en"}
NOT_A_MOBILE = "Enter a mobile number, such as (11) 98765-4321"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(11) 98765-4321", "+5511987654321"),
        ("11987654321", "+5511987654321"),
        ("+55 11 98765-4321", "+5511987654321"),
        ("11 8765-4321", "+5511987654321"),  # an old 8-digit mobile gains its 9
        ("+351 912 345 678", "+351912345678"),  # Portugal, a mobile
        ("+1 415 555 2671", "+14155552671"),  # the US cannot tell mobiles by the number
    ],
)
def test_mobiles_are_stored_in_e164(typed, stored):
    assert normalize_mobile(typed) == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("ligar depois", NOT_A_MOBILE),
        ("123", NOT_A_MOBILE),
        ("(11) 3333-4444", "(11) 3333-4444 is not a mobile number"),
        ("0800 123 4567", "0800 123 4567 is not a mobile number"),
        ("+351 212 345 678", "+351 21 234 5678 is not a mobile number"),  # a Lisbon landline
    ],
)
def test_anything_but_a_mobile_is_refused_clearly(typed, problem):
    with translation.override("en"), pytest.raises(services.ValidationError) as refused:
        normalize_mobile(typed)

    assert problem in refused.value.messages[0]


def test_the_party_registry_keeps_its_phone_names():
    assert brazil.normalize_phone("(11) 3333-4444") == "+551133334444"
    assert brazil.normalize_phone_with_notice("11 8765-4321")[0] == "+5511987654321"
    assert brazil.format_phone("+5511987654321") == "(11) 98765-4321"


# --- the profile page ------------------------------------------------------------------


def profile(**changes):
    data = {"full_name": "Ana", "email": "", "phone": "", "language": "", "time_zone": ""}
    return {**data, **changes}


def test_the_profile_stores_the_mobile_in_e164_and_shows_it_nationally(login, agent_own):
    client = login(agent_own)

    response = client.post("/accounts/profile/", profile(phone="11 98765 4321"))

    assert response.status_code == 302
    agent_own.refresh_from_db()
    assert agent_own.phone == "+5511987654321"
    page = client.get("/accounts/profile/", headers=EN).content.decode()
    assert 'value="(11) 98765-4321"' in page
    # Saving again without touching it keeps it.
    assert client.post("/accounts/profile/", profile(phone="(11) 98765-4321")).status_code == 302
    agent_own.refresh_from_db()
    assert agent_own.phone == "+5511987654321"


@pytest.mark.parametrize("typed", ["ligar depois", "(11) 3333-4444"])
def test_the_profile_refuses_what_is_not_a_mobile_next_to_the_field(login, agent_own, typed):
    response = login(agent_own).post("/accounts/profile/", profile(phone=typed), headers=EN)

    assert response.status_code == 200
    [message] = response.context["form"].errors["phone"]
    assert "mobile" in message
    agent_own.refresh_from_db()
    assert agent_own.phone == ""


def test_an_older_unchecked_phone_does_not_block_saving_the_rest(login, agent_own):
    User.objects.filter(pk=agent_own.pk).update(phone="ligar depois")

    response = login(agent_own).post("/accounts/profile/", profile(phone="ligar depois"))

    assert response.status_code == 302
    agent_own.refresh_from_db()
    assert (agent_own.full_name, agent_own.phone) == ("Ana", "ligar depois")


# --- the admin's user pages ----------------------------------------------------------


def new_user(**changes):
    data = {
        "username": "daniel",
        "full_name": "Daniel Rocha",
        "email": "",
        "phone": "",
        "role": "agent",
        "scope": "own",
        "crm_access": "on",
        "is_active": "on",
        "language": "",
        "password": "daniel-senha-longa-8",
    }
    return {**data, **changes}


def test_the_admin_form_stores_e164_and_the_pages_show_it_nationally(login, admin):
    client = login(admin)

    response = client.post("/accounts/users/new/", new_user(phone="+55 (21) 99876-5432"))

    assert response.status_code == 302
    daniel = User.objects.get(username="daniel")
    assert daniel.phone == "+5521998765432"
    edit = client.get(f"/accounts/users/{daniel.pk}/", headers=EN).content.decode()
    assert 'value="(21) 99876-5432"' in edit
    listing = client.get("/accounts/users/", headers=EN).content.decode()
    assert "(21) 99876-5432" in listing
    assert "+5521998765432" not in listing


def test_the_admin_form_refuses_what_is_not_a_mobile(login, admin):
    response = login(admin).post("/accounts/users/new/", new_user(phone="ligar depois"), headers=EN)

    assert response.status_code == 200
    assert NOT_A_MOBILE in response.context["form"].errors["phone"][0]
    assert not User.objects.filter(username="daniel").exists()


def test_an_admin_edit_normalises_a_changed_phone_and_keeps_an_untouched_one(admin, agent_own):
    User.objects.filter(pk=agent_own.pk).update(phone="ligar depois")
    agent_own.refresh_from_db()

    services.user_update(actor=admin, user=agent_own, data={"phone": "ligar depois"})
    saved = services.user_update(actor=admin, user=agent_own, data={"phone": "11 98765-4321"})

    assert saved.phone == "+5511987654321"
    with pytest.raises(services.ValidationError) as refused:
        services.user_update(actor=admin, user=agent_own, data={"phone": "depois"})
    assert list(refused.value.message_dict) == ["phone"]


# --- the API ---------------------------------------------------------------------------


def test_patch_me_stores_e164_and_refuses_other_text(api, agent_own):
    client = api(agent_own)

    saved = client.patch("/api/v1/me", {"phone": "(11) 98765-4321"})
    refused = client.patch("/api/v1/me", {"phone": "ligar depois"})

    assert (saved.status_code, saved.json()["phone"]) == (200, "+5511987654321")
    assert refused.status_code == 422
    assert NOT_A_MOBILE in refused.json()["errors"]["phone"][0]
    agent_own.refresh_from_db()
    assert agent_own.phone == "+5511987654321"


def test_a_get_patch_round_trip_of_me_works_with_an_older_phone(api, agent_own):
    User.objects.filter(pk=agent_own.pk).update(phone="ligar depois")
    client = api(agent_own)

    me = client.get("/api/v1/me").json()
    response = client.patch("/api/v1/me", me)

    assert response.status_code == 200, response.json()


def test_the_users_api_stores_e164_and_refuses_other_text(api, admin, agent_own):
    client = api(admin)

    created = client.post(
        "/api/v1/users",
        {"username": "daniel", "password": "daniel-senha-longa-8", "phone": "21 99876 5432"},
    )
    refused_create = client.post(
        "/api/v1/users",
        {"username": "eva", "password": "eva-senha-longa-8", "phone": "(11) 3333-4444"},
    )
    changed = client.patch(f"/api/v1/users/{agent_own.pk}", {"phone": "+351 912 345 678"})
    refused_change = client.patch(f"/api/v1/users/{agent_own.pk}", {"phone": "ligar depois"})

    assert (created.status_code, created.json()["phone"]) == (201, "+5521998765432")
    assert refused_create.status_code == 422
    assert "is not a mobile number" in refused_create.json()["errors"]["phone"][0]
    assert not User.objects.filter(username="eva").exists()
    assert (changed.status_code, changed.json()["phone"]) == (200, "+351912345678")
    assert refused_change.status_code == 422
    agent_own.refresh_from_db()
    assert agent_own.phone == "+351912345678"


def test_the_upgrade_stores_the_mobiles_typed_before_in_e164(agent_own, manager, admin):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clientela.accounts.migrations.0005_user_phones_in_e164")
    User.objects.filter(pk=agent_own.pk).update(phone="(11) 98765-4321")
    User.objects.filter(pk=manager.pk).update(phone="ligar depois")
    User.objects.filter(pk=admin.pk).update(phone="11 3333-4444")

    migration.mobiles_in_e164(apps, None)

    phones = dict(User.objects.values_list("username", "phone"))
    assert phones["agent_own"] == "+5511987654321"
    assert phones["manager"] == "ligar depois"  # kept: nothing is thrown away
    assert phones["admin"] == "11 3333-4444"  # a landline, left for a person to fix
