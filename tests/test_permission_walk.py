"""Every URL of the project, asked by every persona: the status each one must get.

The tables below are written by hand on purpose. A new URL name makes
`test_the_table_lists_every_url_name` fail until someone decides, here, who
may open it; that is the point of this module.

Personas (see the root conftest): anonymous, outsider (no CRM access),
agent_own, agent_unit_b, agent_all, manager, admin.

LOGIN means "302 to /accounts/login/?next=<the path asked for>".
"""

from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clientela.accounts.services import token_create
from conftest import make_party

PERSONAS = ("anonymous", "outsider", "agent_own", "agent_unit_b", "agent_all", "manager", "admin")
LOGIN = "LOGIN"


def row(*statuses) -> dict:
    """Statuses in PERSONAS order."""
    return dict(zip(PERSONAS, statuses, strict=True))


# --- what each URL answers to a record the persona may see (or the first case) ---

EXPECTED = {
    # core
    "core:home": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "core:set_language": row(302, 302, 302, 302, 302, 302, 302),
    # accounts: one's own things stay reachable without CRM access
    "accounts:login": row(200, 302, 302, 302, 302, 302, 302),
    "accounts:logout": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "accounts:profile": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:password": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:tokens": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:token_revoke": row(LOGIN, 302, 302, 302, 302, 302, 302),
    # the current business unit is a CRM feature
    "accounts:switch_unit": row(LOGIN, 403, 302, 302, 302, 302, 302),
    # administration
    "accounts:users": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:user_create": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:user_edit": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:units": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:unit_create": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:unit_edit": row(LOGIN, 403, 403, 403, 403, 403, 200),
    # parties
    "parties:list": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:customers": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:suppliers": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:create": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:detail": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:edit": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:history": row(LOGIN, 403, 200, 200, 200, 200, 200),
    # agents create and edit; moving to the trash is for managers and admins
    "parties:delete": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "parties:trash": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "parties:restore": row(LOGIN, 403, 403, 403, 403, 403, 302),
    "parties:purge": row(LOGIN, 403, 403, 403, 403, 403, 302),
    # API internals of django-ninja: public documentation, and its root (no page there)
    "api:openapi-json": row(200, 200, 200, 200, 200, 200, 200),
    "api:openapi-view": row(200, 200, 200, 200, 200, 200, 200),
    "api:api-root": row(404, 404, 404, 404, 404, 404, 404),
    # API: oneself
    "api:get_me": row(401, 200, 200, 200, 200, 200, 200),
    "api:update_me": row(401, 200, 200, 200, 200, 200, 200),
    # API: users, admins only
    "api:list_users": row(401, 403, 403, 403, 403, 403, 200),
    "api:create_user": row(401, 403, 403, 403, 403, 403, 201),
    "api:get_user": row(401, 403, 403, 403, 403, 403, 200),
    "api:update_user": row(401, 403, 403, 403, 403, 403, 200),
    # API: units, read by everyone in the CRM, written by admins
    "api:list_units": row(401, 403, 200, 200, 200, 200, 200),
    "api:create_unit": row(401, 403, 403, 403, 403, 403, 201),
    "api:get_unit": row(401, 403, 200, 200, 200, 200, 200),
    "api:update_unit": row(401, 403, 403, 403, 403, 403, 200),
    # API: parties
    "api:list_parties": row(401, 403, 200, 200, 200, 200, 200),
    "api:create_party": row(401, 403, 201, 201, 201, 201, 201),
    "api:get_party": row(401, 403, 200, 200, 200, 200, 200),
    "api:update_party": row(401, 403, 200, 200, 200, 200, 200),
    "api:delete_party": row(401, 403, 403, 403, 403, 204, 204),
    "api:restore_party": row(401, 403, 403, 403, 403, 403, 200),
    "api:purge_party": row(401, 403, 403, 403, 403, 403, 204),
    "api:party_history": row(401, 403, 200, 200, 200, 200, 200),
    "api:party_contacts": row(401, 403, 200, 200, 200, 200, 200),
}

# --- the same URLs for a record the persona may NOT see: a 404, never a 403 or 200 ---
# (403 only where the persona may not use the URL at all, whatever the record.)

OUT_OF_SCOPE = {
    "accounts:token_revoke": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "accounts:user_edit": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "accounts:unit_edit": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "parties:detail": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:edit": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:history": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:delete": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:restore": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "parties:purge": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "api:get_user": row(401, 403, 403, 403, 403, 403, 404),
    "api:update_user": row(401, 403, 403, 403, 403, 403, 404),
    "api:get_unit": row(401, 403, 404, 404, 404, 404, 404),
    "api:update_unit": row(401, 403, 403, 403, 403, 403, 404),
    "api:get_party": row(401, 403, 404, 404, 404, 404, 404),
    "api:update_party": row(401, 403, 404, 404, 404, 404, 404),
    "api:delete_party": row(401, 403, 404, 404, 404, 404, 404),
    "api:restore_party": row(401, 403, 403, 403, 403, 403, 404),
    "api:purge_party": row(401, 403, 403, 403, 403, 403, 404),
    "api:party_history": row(401, 403, 404, 404, 404, 404, 404),
    "api:party_contacts": row(401, 403, 404, 404, 404, 404, 404),
}


@dataclass(frozen=True)
class Req:
    """How to ask a URL: method, the kind of record its kwarg names, and a body."""

    method: str = "GET"
    record: str | None = None  # party, trashed_party, token, user, unit
    kwarg: str = "pk"
    body: dict = field(default_factory=dict)


NEW_USER = {"username": "newcomer", "password": "a-long-pass-4821", "crm_access": True}

REQUESTS = {
    "core:home": Req(),
    "core:set_language": Req("POST", body={"language": "en", "next": "/accounts/profile/"}),
    "accounts:login": Req(),
    "accounts:logout": Req("POST"),
    "accounts:profile": Req(),
    "accounts:password": Req(),
    "accounts:tokens": Req(),
    "accounts:token_revoke": Req("POST", "token"),
    "accounts:switch_unit": Req("POST", body={"unit": "__matriz__"}),
    "accounts:users": Req(),
    "accounts:user_create": Req(),
    "accounts:user_edit": Req("GET", "user"),
    "accounts:units": Req(),
    "accounts:unit_create": Req(),
    "accounts:unit_edit": Req("GET", "unit"),
    "parties:list": Req(),
    "parties:customers": Req(),
    "parties:suppliers": Req(),
    "parties:create": Req(),
    "parties:detail": Req("GET", "party"),
    "parties:edit": Req("GET", "party"),
    "parties:history": Req("GET", "party"),
    "parties:delete": Req("POST", "party"),
    "parties:trash": Req(),
    "parties:restore": Req("POST", "trashed_party"),
    "parties:purge": Req("POST", "trashed_party"),
    "api:openapi-json": Req(),
    "api:openapi-view": Req(),
    "api:api-root": Req(),
    "api:get_me": Req(),
    "api:update_me": Req("PATCH"),
    "api:list_users": Req(),
    "api:create_user": Req("POST", body=NEW_USER),
    "api:get_user": Req("GET", "user", "user_id"),
    "api:update_user": Req("PATCH", "user", "user_id"),
    "api:list_units": Req(),
    "api:create_unit": Req("POST", body={"name": "Filial Santos"}),
    "api:get_unit": Req("GET", "unit", "unit_id"),
    "api:update_unit": Req("PATCH", "unit", "unit_id"),
    "api:list_parties": Req(),
    "api:create_party": Req("POST", body={"name": "Oficina Nova"}),
    "api:get_party": Req("GET", "party", "party_id"),
    "api:update_party": Req("PATCH", "party", "party_id"),
    "api:delete_party": Req("DELETE", "party", "party_id"),
    "api:restore_party": Req("POST", "trashed_party", "party_id"),
    "api:purge_party": Req("POST", "trashed_party", "party_id"),
    "api:party_history": Req("GET", "party", "party_id"),
    "api:party_contacts": Req("GET", "party", "party_id"),
}

# Which party each persona may see, and one it may not (scope `all` sees every
# party that is not in the trash, so for them "out of scope" is a trashed one).
PARTY_IN_SCOPE = {
    "anonymous": "matriz",
    "outsider": "matriz",
    "agent_own": "own",
    "agent_unit_b": "filial",
    "agent_all": "matriz",
    "manager": "matriz",
    "admin": "matriz",
}
PARTY_OUT_OF_SCOPE = {
    "anonymous": "filial",
    "outsider": "filial",
    "agent_own": "matriz",
    "agent_unit_b": "matriz",
    "agent_all": "trashed",
    "manager": "filial",
    "admin": "trashed",
}
# The pages and endpoints that answer HTML or nothing rather than JSON.
NOT_JSON = {"api:openapi-view", "api:api-root"}


def url_names() -> tuple[set[str], list[str]]:
    """Every named URL of the project with its namespace, and the routes that have no name."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns, namespace: list[str], prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + [pattern.namespace] if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    names.add(":".join(namespace + [pattern.name]))
                else:
                    unnamed.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, [], "/")
    return names, unnamed


def url_has_kwargs(name: str) -> bool:
    names_with_kwargs = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + [pattern.namespace] if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name and pattern.pattern.converters:
                names_with_kwargs.add(":".join(namespace + [pattern.name]))

    walk(get_resolver().url_patterns, [])
    return name in names_with_kwargs


def test_the_table_lists_every_url_name():
    names, _unnamed = url_names()
    assert sorted(names - set(EXPECTED)) == [], "URL names missing from EXPECTED"
    assert sorted(set(EXPECTED) - names) == [], "EXPECTED names URLs that do not exist"


def test_every_route_has_a_name_so_the_table_can_list_it():
    _names, unnamed = url_names()
    assert unnamed == []


def test_every_url_with_a_record_is_also_asked_about_a_record_out_of_scope():
    with_kwargs = {name for name in EXPECTED if url_has_kwargs(name)}
    assert with_kwargs == set(OUT_OF_SCOPE)
    assert set(REQUESTS) == set(EXPECTED)
    assert {name for name, req in REQUESTS.items() if req.record} == with_kwargs


@pytest.fixture
def world(personas, parties, unit_matriz, unit_filial):
    """Personas, parties in and out of each scope, a trashed party, and each persona's tokens."""
    trashed = make_party(
        owner=personas["manager"],
        unit=unit_matriz,
        name="Antiga Cliente",
        deleted_at=timezone.now(),
        deleted_by=personas["admin"],
    )
    tokens = {name: token_create(user=user, name="walk")[1] for name, user in personas.items()}
    # A token each persona may revoke (their own), and one they may not (somebody else's).
    own_token = {name: token_create(user=user, name="mine")[0] for name, user in personas.items()}
    own_token["anonymous"] = own_token["admin"]
    return {
        "users": personas,
        "parties": {**parties, "trashed": trashed},
        "units": {"matriz": unit_matriz, "filial": unit_filial},
        "api_tokens": tokens,
        "own_token": own_token,
    }


def record_pk(world, req: Req, persona: str, in_scope: bool) -> int:
    missing = 987_654
    if req.record == "party":
        choice = PARTY_IN_SCOPE if in_scope else PARTY_OUT_OF_SCOPE
        return world["parties"][choice[persona]].pk
    if req.record == "trashed_party":
        return world["parties"]["trashed"].pk if in_scope else missing
    if req.record == "token":
        if in_scope:
            return world["own_token"][persona].pk
        other = "manager" if persona == "admin" else "admin"
        return world["own_token"][other].pk
    if req.record == "user":
        return world["users"]["agent_own"].pk if in_scope else missing
    if req.record == "unit":
        return world["units"]["matriz"].pk if in_scope else missing
    raise AssertionError(req.record)


def ask(client, world, name: str, persona: str, *, in_scope: bool, auth: str):
    """One request as one persona; returns (observed status or LOGIN, response)."""
    req = REQUESTS[name]
    kwargs = {req.kwarg: record_pk(world, req, persona, in_scope)} if req.record else {}
    path = reverse(name, kwargs=kwargs)
    is_api = name.startswith("api:")
    headers = {"accept-language": "en"}
    client.logout()
    client.cookies.clear()
    if persona != "anonymous":
        if is_api and auth == "token":
            headers["authorization"] = f"Bearer {world['api_tokens'][persona]}"
        else:
            client.force_login(world["users"][persona])
    body = {
        key: (str(world["units"]["matriz"].pk) if value == "__matriz__" else value)
        for key, value in req.body.items()
    }
    method = req.method.lower()
    if req.method == "GET":
        response = client.get(path, headers=headers)
    elif is_api:
        response = getattr(client, method)(
            path, body, content_type="application/json", headers=headers
        )
    else:
        response = getattr(client, method)(path, body, headers=headers)
    status = response.status_code
    if status == 302 and response["Location"] == "/accounts/login/?next=" + quote(path):
        status = LOGIN
    return status, response


def walk(world, name: str, *, in_scope: bool, auth: str = "token") -> tuple[dict, list[str]]:
    observed, problems = {}, []
    # One client for all: each new client would load the middleware (and scan static files).
    client = Client()
    for persona in PERSONAS:
        # Each persona starts from the same data: what one request changes is rolled back.
        with transaction.atomic():
            status, response = ask(client, world, name, persona, in_scope=in_scope, auth=auth)
            transaction.set_rollback(True)
        observed[persona] = status
        answers_json = response["Content-Type"].startswith("application/json")
        if name.startswith("api:") and name not in NOT_JSON and status != 204 and not answers_json:
            problems.append(f"{persona}: {status} answered {response['Content-Type']}")
        if status == 401 and "detail" not in response.json():
            problems.append(f"{persona}: a 401 without a detail")
    return observed, problems


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if not n.startswith("api:")))
def test_page_answers_each_persona_as_listed(world, name):
    observed, problems = walk(world, name, in_scope=True)
    assert observed == EXPECTED[name]
    assert problems == []


@pytest.mark.parametrize("name", sorted(n for n in OUT_OF_SCOPE if not n.startswith("api:")))
def test_page_treats_a_record_out_of_scope_as_missing(world, name):
    observed, problems = walk(world, name, in_scope=False)
    assert observed == OUT_OF_SCOPE[name]
    assert problems == []


# The documentation needs no credentials, so one way of asking is enough there.
PUBLIC_API = {"api:openapi-json", "api:openapi-view", "api:api-root"}
API_CASES = [
    (name, auth)
    for name in sorted(n for n in EXPECTED if n.startswith("api:"))
    for auth in ("token", "session")
    if not (name in PUBLIC_API and auth == "session")
]


@pytest.mark.parametrize(("name", "auth"), API_CASES)
def test_endpoint_answers_each_persona_as_listed(world, name, auth):
    observed, problems = walk(world, name, in_scope=True, auth=auth)
    assert observed == EXPECTED[name]
    assert problems == []


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("name", sorted(n for n in OUT_OF_SCOPE if n.startswith("api:")))
def test_endpoint_treats_a_record_out_of_scope_as_missing(world, name, auth):
    observed, problems = walk(world, name, in_scope=False, auth=auth)
    assert observed == OUT_OF_SCOPE[name]
    assert problems == []


POST_ONLY_PAGES = sorted(
    name for name, req in REQUESTS.items() if req.method == "POST" and not name.startswith("api:")
)


@pytest.mark.parametrize("name", POST_ONLY_PAGES)
def test_post_only_page_refuses_a_get(world, name):
    req = REQUESTS[name]
    kwargs = {req.kwarg: record_pk(world, req, "admin", True)} if req.record else {}
    client = Client()
    client.force_login(world["users"]["admin"])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 405


@pytest.mark.parametrize(
    ("name", "kwarg"),
    [
        ("parties:detail", "pk"),
        ("parties:edit", "pk"),
        ("parties:history", "pk"),
        ("api:get_party", "party_id"),
        ("api:party_history", "party_id"),
    ],
)
def test_a_party_in_the_trash_is_missing_for_everyone(world, name, kwarg):
    path = reverse(name, kwargs={kwarg: world["parties"]["trashed"].pk})
    for persona in ("agent_all", "manager", "admin"):
        client = Client()
        client.force_login(world["users"][persona])
        assert client.get(path).status_code == 404, persona


def test_anonymous_page_requests_keep_the_query_string_in_next(db):
    response = Client().get("/parties/customers/?q=silva&unit=all")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + quote(
        "/parties/customers/?q=silva&unit=all"
    )


def test_home_sends_crm_users_to_customers_and_others_to_their_profile(world):
    expected = {"outsider": "/accounts/profile/", "agent_own": "/parties/customers/"}
    for persona, target in expected.items():
        client = Client()
        client.force_login(world["users"][persona])
        assert client.get("/")["Location"] == target


@pytest.mark.parametrize("path", ["/healthz", "/accounts/login/", "/api/v1/openapi.json"])
def test_public_urls_need_no_login(db, path):
    assert Client().get(path).status_code == 200
