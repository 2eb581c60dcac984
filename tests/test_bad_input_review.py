"""The outside review's "bad input that reaches the database gives 500s", case by case.

Each class it found, and those the property-based tests (test_bad_input_fuzz.py) found
since, as plain examples: refused with a 422 (API) or a form error / a first page
(pages), never a 500, nothing stored.
"""

import base64
import json

import pytest
from django.utils import timezone

from clientela.accounts.models import Unit, User
from clientela.accounts.tokens import token_create
from clientela.audit.models import ChangeRecord
from clientela.parties.models import Party
from conftest import make_party


def stored():
    return (
        Party.objects.count(),
        User.objects.count(),
        Unit.objects.count(),
        ChangeRecord.objects.count(),
    )


def send(client, token, method, path, body):
    """JSON built by hand: ensure_ascii sends a lone surrogate as the escape "\\ud800"."""
    return client.generic(
        method,
        path,
        json.dumps(body, ensure_ascii=True).encode(),
        content_type="application/json",
        headers={"authorization": f"Bearer {token}", "accept-language": "en"},
    )


def api_get(client, token, path, params):
    return client.get(
        path, params, headers={"authorization": f"Bearer {token}", "accept-language": "en"}
    )


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def token(admin):
    return token_create(user=admin, name="review")[1]


def assert_refused(response, field, before):
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in body["errors"], body
    assert stored() == before


# --- a state longer than two letters for an address outside Brazil ------------------


@pytest.mark.parametrize("state", ["California", "ABC", "Île"])
def test_a_long_state_abroad_is_a_422(client, token, unit_matriz, party_own, state):
    before = stored()
    body = {"name": "Acme Inc.", "country": "US", "state": state}

    created = send(client, token, "POST", "/api/v1/parties", body)
    changed = send(
        client, token, "PATCH", f"/api/v1/parties/{party_own.pk}", {"country": "US", "state": state}
    )

    assert_refused(created, "state", before)
    assert_refused(changed, "state", before)
    party_own.refresh_from_db()
    assert (party_own.country, party_own.state) == ("BR", "SP")


def test_a_short_state_abroad_is_stored(client, token, unit_matriz):
    response = send(
        client, token, "POST", "/api/v1/parties", {"name": "Acme", "country": "us", "state": "ca"}
    )

    assert response.status_code == 201
    assert (response.json()["country"], response.json()["state"]) == ("US", "CA")


# --- a lone surrogate in any text field -------------------------------------------------

SURROGATE = "Nome \ud800 partido"
PARTY_TEXT = [
    "name", "trade_name", "tax_id", "state_registration", "municipal_registration", "email",
    "street", "number", "complement", "district", "zip_code", "city", "state", "country",
    "notes", "job_title",
]  # fmt: skip


@pytest.mark.parametrize("field", PARTY_TEXT + ["phones", "tags"])
def test_a_lone_surrogate_in_a_party_is_a_422(client, token, unit_matriz, party_own, field):
    before = stored()
    value = [SURROGATE] if field in ("phones", "tags") else SURROGATE

    created = send(client, token, "POST", "/api/v1/parties", {"name": "Nome", field: value})
    changed = send(client, token, "PATCH", f"/api/v1/parties/{party_own.pk}", {field: value})

    assert_refused(created, field, before)
    assert_refused(changed, field, before)
    party_own.refresh_from_db()
    assert party_own.version == 1


@pytest.mark.parametrize("field", ["username", "password", "full_name", "email", "phone"])
def test_a_lone_surrogate_in_a_user_is_a_422(client, token, agent_own, field):
    before = stored()
    new_user = {"username": "novo", "password": "uma-senha-longa-44", field: SURROGATE}

    created = send(client, token, "POST", "/api/v1/users", new_user)
    changed = send(client, token, "PATCH", f"/api/v1/users/{agent_own.pk}", {field: SURROGATE})

    assert_refused(created, field, before)
    assert_refused(changed, field, before)


@pytest.mark.parametrize("field", ["full_name", "email", "phone", "time_zone"])
def test_a_lone_surrogate_in_ones_profile_is_a_422(client, token, admin, field):
    before = stored()

    response = send(client, token, "PATCH", "/api/v1/me", {field: SURROGATE})

    assert_refused(response, field, before)


def test_a_lone_surrogate_in_a_unit_is_a_422(client, token, unit_filial):
    before = stored()

    created = send(client, token, "POST", "/api/v1/units", {"name": SURROGATE})
    changed = send(client, token, "PATCH", f"/api/v1/units/{unit_filial.pk}", {"name": SURROGATE})

    assert_refused(created, "name", before)
    assert_refused(changed, "name", before)


def test_lone_surrogates_in_a_page_form_are_not_stored(login, admin, unit_matriz):
    """A browser cannot send one; a script can send its bytes (ED A0 80, invalid UTF-8)."""
    body = (
        f"kind=person&name=Nome%ED%A0%80&owner_id={admin.pk}&unit_id={unit_matriz.pk}"
        "&country=BR&is_active=on"
    )

    response = login(admin).post(
        "/parties/new/", body, content_type="application/x-www-form-urlencoded"
    )

    # Django decodes form data with replacement characters: the bytes of a surrogate
    # become U+FFFD ("Nome\ufffd\ufffd\ufffd"), which can be stored; never a surrogate.
    assert response.status_code == 302
    assert all("\ud800" not in name for name in Party.objects.values_list("name", flat=True))
    assert Party.objects.filter(name__startswith="Nome\ufffd").exists()


# --- a huge q or city, a thousand words -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("q", "a" * 50_000),
        ("q", " ".join(["silva"] * 1_000)),
        ("q", "9" * 50_000),
        ("city", "São Paulo" * 5_000),
        ("city", " ".join(["a"] * 1_000)),
        ("state", "S" * 10_000),
        ("cursor", "A" * 50_000),
    ],
)
def test_a_huge_list_parameter_is_a_422(client, token, party_own, name, value):
    response = api_get(client, token, "/api/v1/parties", {name: value})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [name]


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "a" * 50_000,
        "q=" + "+".join(["silva"] * 1_000),
        "city=" + "S%C3%A3o+Paulo" * 5_000,
        "q=%00",
        "q=%ED%A0%80",
        "cursor=" + "A" * 50_000,
    ],
)
def test_a_huge_list_parameter_in_the_pages_is_a_message(login, admin, party_own, query):
    response = login(admin).get("/parties/", QUERY_STRING=query)

    assert response.status_code == 200


# --- a cursor with a date out of range --------------------------------------------------

OUT_OF_RANGE = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59.999999-00:01",
    "0001-01-01T00:00:00",
]


@pytest.mark.parametrize("sort", ["created_at", "-updated_at"])
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_cursor_with_a_date_out_of_range_is_a_422(client, token, party_own, sort, value):
    params = {"sort": sort, "cursor": cursor_of([value, 1])}

    response = api_get(client, token, "/api/v1/parties", params)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("sort", ["-created_at", "-updated_at"])
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_cursor_with_a_date_out_of_range_gives_the_pages_first_page(
    login, admin, party_own, sort, value
):
    response = login(admin).get("/parties/", {"sort": sort, "cursor": cursor_of([value, 1])})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["\ud800", "ana\udfff", "\x00", "\x01"])
@pytest.mark.parametrize("path", ["/api/v1/parties", "/api/v1/users", "/api/v1/units"])
def test_a_cursor_with_a_lone_surrogate_is_a_422(client, token, party_own, path, value):
    """Found by the property-based tests: the sort value reached the query (a 500)."""
    response = api_get(client, token, path, {"cursor": cursor_of([value, 1])})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_with_a_lone_surrogate_gives_the_pages_first_page(login, admin, party_own):
    response = login(admin).get("/parties/", {"cursor": cursor_of(["\ud800", 1])})

    assert response.status_code == 200


def test_a_trash_cursor_with_a_date_out_of_range_gives_the_first_page(login, admin, unit_matriz):
    old = make_party(
        owner=admin, unit=unit_matriz, deleted_at=timezone.now(), deleted_by=admin, name="Velha"
    )

    for value in OUT_OF_RANGE:
        response = login(admin).get("/parties/trash/", {"cursor": cursor_of([value, 1])})
        # As on the lists: an edited address gives the first page, not an error page.
        assert response.status_code == 200, value
        assert [p.pk for p in response.context["page"].items] == [old.pk], value


# --- Unicode digits ("²") in the pages' ids and versions ---------------------------------

DIGITS = ["²", "٣", "１", "𝟙", "1²", "9" * 30]


@pytest.mark.parametrize("odd", DIGITS)
def test_unicode_digits_in_page_ids_and_versions(login, admin, party_own, party_matriz, odd):
    client = login(admin)

    # Only ASCII digits make an id: "²" and "１" are no id (the form opens without a
    # company), thirty nines are an id that cannot exist (404).
    expected = 404 if odd.isascii() and odd.isdigit() else 200
    assert client.get("/parties/new/", {"employer": odd}).status_code == expected
    assert client.get("/parties/", {"unit": odd}).status_code == 200
    edit = client.post(
        f"/parties/{party_own.pk}/edit/",
        {"kind": "person", "name": "João", "version": odd, "owner_id": odd, "unit_id": odd},
    )
    assert edit.status_code == 200  # refused, with the form's errors
    party_own.refresh_from_db()
    assert party_own.version == 1
    assert client.post(f"/parties/{party_matriz.pk}/delete/", {"version": odd}).status_code == 302
    party_matriz.refresh_from_db()
    assert not party_matriz.in_trash  # a version the page cannot have sent is no version
    assert client.post("/accounts/unit/", {"unit": odd}).status_code == 302


@pytest.mark.parametrize("odd", DIGITS + [str(2**63), "-1"])
def test_odd_unit_ids_in_the_user_form_are_a_form_error(login, admin, agent_own, odd):
    before = stored()
    fields = {"username": "novo", "role": "agent", "scope": "own", "password": "uma-senha-44x"}

    created = login(admin).post("/accounts/users/new/", {**fields, "unit_ids": [odd]})
    changed = login(admin).post(
        f"/accounts/users/{agent_own.pk}/",
        {**fields, "username": "agent_own", "unit_ids": [odd], "version": "1"},
    )

    assert created.status_code == changed.status_code == 200
    assert "unit_ids" in created.context["form"].errors
    assert "unit_ids" in changed.context["form"].errors
    assert stored() == before


@pytest.mark.parametrize("target", ["0", "home", "parties:list", "?x=1", "javascript:alert(1)"])
def test_a_next_that_is_no_path_goes_home(login, admin, unit_matriz, target):
    response = login(admin).post("/accounts/unit/", {"unit": unit_matriz.pk, "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_next_path_on_this_site_is_followed(login, admin, unit_matriz):
    response = login(admin).post(
        "/accounts/unit/", {"unit": unit_matriz.pk, "next": "/parties/?q=silva"}
    )

    assert response["Location"] == "/parties/?q=silva"


def test_a_logged_in_visit_to_the_login_page_with_an_odd_next(login, admin):
    response = login(admin).get("/accounts/login/", {"next": "0"})

    assert response.status_code == 302
    assert response["Location"] == "/"


# --- a body over Django's upload limit ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/parties"), ("PATCH", "/api/v1/me"), ("POST", "/api/v1/units")],
)
def test_a_body_over_the_size_limit_is_a_json_413(client, token, unit_matriz, method, path):
    """Found by the OpenAPI check: Django's HTML 400 page, not the API's error format."""
    before = stored()

    response = send(client, token, method, path, {"name": "x", "notes": "n" * 3_000_000})

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "MB" in response.json()["detail"]
    assert stored() == before
