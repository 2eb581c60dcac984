"""Every URL of the project, asked by every persona: the status each one must get.

Each app describes its own URLs in `clientela/<app>/tests/permissions.py` (see
clientela.core.testing). The tables are written by hand on purpose: a new URL name
makes `test_the_tables_list_every_url_name` fail until someone decides, in the
app's table, who may open it.

Personas (see the root conftest): anonymous, outsider (no CRM access),
agent_own, agent_unit_b, agent_all, manager, admin.

LOGIN means "302 to /accounts/login/?next=<the path asked for>".
"""

from importlib import import_module
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clientela.accounts.tokens import token_create
from clientela.core.testing import LOGIN, PERSONAS
from conftest import make_party


def _tables():
    """Every installed app's permission table, merged (a URL name in two tables is an error)."""
    merged = {"EXPECTED": {}, "OUT_OF_SCOPE": {}, "REQUESTS": {}, "RECORDS": {}}
    owners: dict[str, str] = {}
    extras = {"NOT_JSON": set(), "PUBLIC": set()}
    for config in apps.get_app_configs():
        if not config.name.startswith("clientela."):
            continue
        try:
            module = import_module(f"{config.name}.tests.permissions")
        except ModuleNotFoundError as exc:
            if exc.name in (f"{config.name}.tests", f"{config.name}.tests.permissions"):
                continue
            raise
        for part, target in merged.items():
            for key, value in getattr(module, part).items():
                if part == "EXPECTED" and key in owners:
                    raise AssertionError(f"{key} is in {owners[key]} and {config.name}")
                owners.setdefault(key, config.name)
                target[key] = value
        for part, target in extras.items():
            target.update(getattr(module, part, set()))
    return merged, extras


_TABLES, _EXTRAS = _tables()
EXPECTED = _TABLES["EXPECTED"]
OUT_OF_SCOPE = _TABLES["OUT_OF_SCOPE"]
REQUESTS = _TABLES["REQUESTS"]
RECORDS = _TABLES["RECORDS"]
NOT_JSON = _EXTRAS["NOT_JSON"]
PUBLIC_API = _EXTRAS["PUBLIC"]


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


def test_the_tables_list_every_url_name():
    names, _unnamed = url_names()
    assert sorted(names - set(EXPECTED)) == [], "URL names no app's permissions table lists"
    assert sorted(set(EXPECTED) - names) == [], "permission tables name URLs that do not exist"


def test_every_route_has_a_name_so_the_table_can_list_it():
    _names, unnamed = url_names()
    assert unnamed == []


def test_every_url_with_a_record_is_also_asked_about_a_record_out_of_scope():
    with_kwargs = {name for name in EXPECTED if url_has_kwargs(name)}
    assert with_kwargs == set(OUT_OF_SCOPE)
    assert set(REQUESTS) == set(EXPECTED)
    assert {name for name, req in REQUESTS.items() if req.record} == with_kwargs
    assert {req.record for req in REQUESTS.values() if req.record} <= set(RECORDS)


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
    own_token = {name: token_create(user=user, name="mine")[0] for name, user in personas.items()}
    own_token["anonymous"] = own_token["admin"]
    return {
        "users": personas,
        "parties": {**parties, "trashed": trashed},
        "units": {"matriz": unit_matriz, "filial": unit_filial},
        "api_tokens": tokens,
        "own_token": own_token,
    }


def record_pk(world, req, persona: str, in_scope: bool) -> int:
    return RECORDS[req.record](world, persona, in_scope)


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


def test_home_sends_crm_users_to_their_agenda_and_others_to_their_profile(world):
    expected = {"outsider": "/accounts/profile/", "agent_own": "/activities/agenda/"}
    for persona, target in expected.items():
        client = Client()
        client.force_login(world["users"][persona])
        assert client.get("/")["Location"] == target


@pytest.mark.parametrize("path", ["/healthz", "/accounts/login/", "/api/v1/openapi.json"])
def test_public_urls_need_no_login(db, path):
    assert Client().get(path).status_code == 200
