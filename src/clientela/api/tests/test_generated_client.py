"""A typed client generated from the OpenAPI document understands the API's answers.

openapi-python-client generates a client from the document the API serves (offline, in a
temporary folder); real answers of the API — 200, 201, 204, 401, 403, 404, 409 and 422 —
go through the client's own response parsing, with `raise_on_unexpected_status`, so an
undeclared status, a missing field, an unknown enum value or an undeclared field fails.
"""

import datetime
import importlib
import json
import subprocess
import sys
from pathlib import Path

import attrs
import httpx
import pytest

from clientela.accounts.tokens import token_create

from .openapi_conformance import openapi_document

PACKAGE = "clientela_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated client package, importable for this module's tests."""
    folder = tmp_path_factory.mktemp("generated-client")
    (folder / "openapi.json").write_text(json.dumps(openapi_document()))
    (folder / "config.yml").write_text(
        # No formatting hooks: nothing but the generator runs, and nothing is fetched.
        f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"
    )
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.yml",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator's own warnings name any part of the document it could not use.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        yield package
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def parse(generated, operation: str, django_response):
    """The generated client's reading of a Django test client's answer."""
    tag, name = operation.split(".")
    module = importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")
    client = generated.AuthenticatedClient(
        base_url="http://testserver", token="unused", raise_on_unexpected_status=True
    )
    response = httpx.Response(
        django_response.status_code,
        headers=list(django_response.items()),
        content=django_response.content,
    )
    return module._build_response(client=client, response=response).parsed


def model(generated, name: str):
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def _moments(value):
    """JSON with its date-times as datetime objects ("…Z" and "…+00:00" are the same)."""
    if isinstance(value, dict):
        return {key: _moments(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_moments(item) for item in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _undeclared(value, where="") -> list[str]:
    """Fields of the answer that no model declares, anywhere in it (a map's own keys, such
    as `errors` or `changes`, are its content, not undeclared fields)."""
    found = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += _undeclared(item, f"{where}[{index}]")
    elif attrs.has(type(value)):
        declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
        extra = getattr(value, "additional_properties", {})
        if declared and extra:
            found += [f"{where}.{key}" for key in extra]
        for name in declared:
            found += _undeclared(getattr(value, name), f"{where}.{name}")
        if not declared:
            for key, item in extra.items():
                found += _undeclared(item, f"{where}[{key!r}]")
    return found


def assert_round_trip(parsed, body: dict) -> None:
    """The model holds every field of the answer as declared: nothing left over."""
    assert _moments(parsed.to_dict()) == _moments(body)
    assert _undeclared(parsed) == []


@pytest.fixture
def as_(client):
    def _as(user=None):
        headers = {"accept-language": "en"}
        if user is not None:
            headers["authorization"] = f"Bearer {token_create(user=user, name='client')[1]}"
        return headers

    return _as


def test_a_party_its_list_and_its_history(generated, client, as_, admin, party_matriz, party_own):
    headers = as_(admin)

    one = client.get(f"/api/v1/parties/{party_own.pk}", headers=headers)
    listed = client.get("/api/v1/parties", {"limit": 1}, headers=headers)
    history = client.get(f"/api/v1/parties/{party_own.pk}/history", headers=headers)
    contacts = client.get(f"/api/v1/parties/{party_matriz.pk}/contacts", headers=headers)

    party = parse(generated, "parties.get_party", one)
    assert isinstance(party, model(generated, "PartyOut"))
    assert (party.id, party.name, party.email, party.kind.value) == (
        party_own.pk,
        "João da Silva",
        "",
        "person",
    )
    assert_round_trip(party, one.json())
    page = parse(generated, "parties.list_parties", listed)
    assert isinstance(page, model(generated, "PartyList"))
    assert len(page.items) == 1 and page.next_cursor and page.count == 2
    assert_round_trip(page, listed.json())
    assert_round_trip(parse(generated, "parties.party_history", history), history.json())
    assert_round_trip(parse(generated, "parties.party_contacts", contacts), contacts.json())


def test_create_change_conflict_and_delete(generated, client, as_, manager, unit_matriz):
    headers = as_(manager)

    created = client.post(
        "/api/v1/parties",
        {"name": "Oficina Nova", "phones": ["(11) 98765-4321"], "tags": ["vip"]},
        content_type="application/json",
        headers=headers,
    )
    party = parse(generated, "parties.create_party", created)
    changed = client.patch(
        f"/api/v1/parties/{party.id}",
        {"city": "Santos", "version": party.version},
        content_type="application/json",
        headers=headers,
    )
    stale = client.patch(
        f"/api/v1/parties/{party.id}",
        {"city": "Campinas", "version": party.version},
        content_type="application/json",
        headers=headers,
    )
    deleted = client.delete(f"/api/v1/parties/{party.id}", headers=headers)

    assert created.status_code == 201 and party.phones == ["+5511987654321"]
    assert_round_trip(party, created.json())
    assert parse(generated, "parties.update_party", changed).city == "Santos"
    conflict = parse(generated, "parties.update_party", stale)
    assert stale.status_code == 409
    assert isinstance(conflict, model(generated, "PartyConflict"))
    assert conflict.current.city == "Santos" and conflict.detail
    assert_round_trip(conflict, stale.json())
    assert deleted.status_code == 204
    assert parse(generated, "parties.delete_party", deleted) is None


def test_refusals_parse_as_errors(generated, client, as_, admin, outsider, party_own):
    Error = model(generated, "Error")
    Invalid = model(generated, "Invalid")

    unauthenticated = client.get("/api/v1/parties", headers=as_())
    forbidden = client.get("/api/v1/parties", headers=as_(outsider))
    missing = client.get("/api/v1/parties/987654", headers=as_(admin))
    bad_query = client.get("/api/v1/parties", {"q": "a" * 201}, headers=as_(admin))
    bad_body = client.post(
        "/api/v1/parties",
        {"name": "", "email": "not-an-e-mail"},
        content_type="application/json",
        headers=as_(admin),
    )
    not_json = client.post(
        "/api/v1/parties", b"{", content_type="application/json", headers=as_(admin)
    )

    for response, operation in [
        (unauthenticated, "parties.list_parties"),
        (forbidden, "parties.list_parties"),
        (missing, "parties.get_party"),
        (not_json, "parties.create_party"),
    ]:
        parsed = parse(generated, operation, response)
        assert isinstance(parsed, Error), response.status_code
        assert parsed.detail
    assert [r.status_code for r in (unauthenticated, forbidden, missing, not_json)] == [
        401,
        403,
        404,
        400,
    ]
    for response, operation, fields in [
        (bad_query, "parties.list_parties", {"q"}),
        (bad_body, "parties.create_party", {"name", "email"}),
    ]:
        parsed = parse(generated, operation, response)
        assert response.status_code == 422
        assert isinstance(parsed, Invalid)
        assert set(parsed.errors.additional_properties) >= fields
        assert_round_trip(parsed, response.json())


def test_users_units_and_oneself(generated, client, as_, admin, agent_own, unit_matriz):
    headers = as_(admin)

    me = client.get("/api/v1/me", headers=headers)
    changed_me = client.patch(
        "/api/v1/me", {"full_name": "A. Dmin"}, content_type="application/json", headers=headers
    )
    users = client.get("/api/v1/users", headers=headers)
    user = client.get(f"/api/v1/users/{agent_own.pk}", headers=headers)
    created_user = client.post(
        "/api/v1/users",
        {"username": "novato", "password": "uma-senha-longa-44", "unit_ids": [unit_matriz.pk]},
        content_type="application/json",
        headers=headers,
    )
    units = client.get("/api/v1/units", headers=headers)
    created_unit = client.post(
        "/api/v1/units", {"name": "Filial Santos"}, content_type="application/json", headers=headers
    )
    stale_unit = client.patch(
        f"/api/v1/units/{unit_matriz.pk}",
        {"name": "Sede", "version": 99},
        content_type="application/json",
        headers=headers,
    )

    for response, operation in [
        (me, "me.get_me"),
        (changed_me, "me.update_me"),
        (users, "users.list_users"),
        (user, "users.get_user"),
        (created_user, "users.create_user"),
        (units, "units.list_units"),
        (created_unit, "units.create_unit"),
        (stale_unit, "units.update_unit"),
    ]:
        assert_round_trip(parse(generated, operation, response), response.json())
    assert parse(generated, "me.get_me", me).role.value == "admin"
    assert stale_unit.status_code == 409
    assert parse(generated, "units.update_unit", stale_unit).current.name == "Matriz"


def test_an_undeclared_status_would_be_caught(generated, client, as_, admin):
    """The check itself: the generated client refuses a status its operation lacks."""
    errors = importlib.import_module(f"{PACKAGE}.errors")
    response = client.get("/api/v1/me", headers=as_(admin))
    response.status_code = 418

    with pytest.raises(errors.UnexpectedStatus):
        parse(generated, "me.get_me", response)


def test_an_undeclared_field_would_be_caught(generated, client, as_, admin):
    response = client.get("/api/v1/me", headers=as_(admin))
    body = {**response.json(), "password_hash": "x"}
    parsed = model(generated, "Me").from_dict(body)

    assert _undeclared(parsed) == [".password_hash"]
