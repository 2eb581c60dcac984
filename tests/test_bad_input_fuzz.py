"""Property-based: no input, however odd, gives a 5xx or stores half a record.

Hypothesis throws arbitrary Unicode (lone surrogates, NUL, control characters, astral
characters, Unicode digits such as "²"), sizes (texts up to 100 KB, a thousand words,
long lists) and wrong JSON types (numbers beyond 64 bits, NaN, booleans, null, objects,
arrays) at every write and every list of the API and at the pages' forms. It asserts:

- never a 5xx (Django's test client re-raises a server error, so a 500 fails with its
  traceback);
- every API refusal is `{"detail": "<sentence>"}` plus, for a 422, `"errors": {"field":
  ["message", ...]}` (and the OpenAPI plugin checks every answer against the document);
- a refused write stores nothing: Party, User, Unit and ChangeRecord counts stay, and a
  refused edit leaves the record's version as it was;
- what is stored can be shown: after a write that went through, the record's pages and
  its API answer still render.

Bodies are built by hand (json.dumps with ensure_ascii, so a lone surrogate travels as
"\\ud800"; form and query strings percent-encode UTF-8 with surrogatepass, i.e. the
invalid bytes a client can send). Each example runs in a savepoint that is rolled back,
so every example starts from the same records.

Bounded and deterministic: derandomized, no example database, a fixed number of
examples per test (about 45 s on SQLite for the module). For a longer hunt, raise
EXAMPLES_FACTOR here for a local run.
"""

import json
import urllib.parse
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clientela.accounts.models import Unit, User
from clientela.accounts.tokens import token_create
from clientela.audit.models import ChangeRecord
from clientela.parties.models import Party
from conftest import make_party

# The suite reads no environment of its own (DESIGN.md), so the knob is here.
EXAMPLES_FACTOR = 1


def fuzz_settings(examples: int):
    return settings(
        max_examples=max(1, int(examples * EXAMPLES_FACTOR)),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# --- what to throw ---------------------------------------------------------------------

# Characters that broke, or could break, something: NUL and other controls, lone
# surrogates, the non-characters, invisible and direction marks, Unicode digits, astral
# characters, case-folding oddities, SQL LIKE and HTML metacharacters.
NASTY = [
    "\x00", "\x01", "\x1f", "\x7f", "\t", "\n", "\r", "\x0b", "\x85",
    "\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff", "\ufeff",
    "\u200b", "\u200d", "\u202e", "\u2028", "\u00a0",
    "²", "¹", "٣", "۴", "߀", "𝟘", "①", "Ⅻ", "½",
    "😀", "\U0010ffff", "\U000e0001", "\u0301",
    "ß", "İ", "ı", "ﬁ", "Å", "ǅ", "ς", "Ω",
    "%", "_", "\\", "'", '"', "<", ">", "&", "*", "?", "[", "]", "{", "}", "|", "/",
]  # fmt: skip
NASTY_STRINGS = [
    "",
    " ",
    "   \t  ",
    "²",
    "12²",
    "1e3",
    "0x10",
    "-0",
    " 7 ",
    "١٢٣",
    "NaN",
    "null",
    "true",
    "None",
    "9" * 19,
    "9" * 40,
    "-9223372036854775809",
    "9223372036854775808",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31",
    "0000-00-00",
    "1899-12-31",
    "2026-02-30",
    "SP",
    "sp",
    "XX",
    "ÇÃ",
    "ISENTO",
    "529.982.247-25",
    "11.222.333/0001-81",
    "12.ABC.345/01DE-35",
    "(11) 98765-4321",
    "+1 202 555 0100",
    "a@b",
    "ANA@EXEMPLO.COM.BR",
    "x@" + "a" * 250 + ".com",
    "America/Sao_Paulo",
    "../../etc/passwd",
    "UTC\x00",
    "a/" * 40,
    "Robert'); DROP TABLE parties_party;--",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(name)s",
    "\ud800\udc00",
    "\udc00\ud800",
    "👩‍👩‍👧",
    "\U0001f1e7\U0001f1f7",
    "--",
]
any_char = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),  # lone surrogates: st.characters() leaves them out
    st.sampled_from(NASTY),
)
short_text = st.one_of(
    st.text(any_char, max_size=24),
    st.sampled_from(NASTY_STRINGS),
)
# Long texts are a short one repeated: generating 100 KB character by character is slow.
long_text = st.builds(
    lambda unit, times: (unit * times)[:100_000],
    st.text(any_char, min_size=1, max_size=4),
    st.sampled_from([3, 41, 101, 201, 2_001, 10_001, 100_000]),
)
many_words = st.builds(
    lambda word, times: " ".join([word] * times),
    st.sampled_from(["a", "silva", "1", "ção", "²", "x\u0301"]),
    st.sampled_from([13, 50, 1_000]),
)
# Odd but storable: any printable character, astral ones included.
printable = st.text(
    st.characters(exclude_categories=["Cc", "Cs", "Co", "Cn", "Zl", "Zp"]), min_size=1, max_size=30
)
# A lone surrogate inside otherwise plain text (two in a row may pair up into one astral
# character once JSON is decoded, so one alone, between letters).
with_lone_surrogate = st.builds(
    lambda before, surrogate, after: before + surrogate + after,
    st.text("abc ", max_size=3),
    st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"]),
    st.text("xyz ", max_size=3),
)
text = st.one_of(
    short_text, short_text, printable, printable, long_text, many_words, with_lone_surrogate
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1.0, 1.5, -0.0, 1e308, float("nan"), float("inf"), float("-inf")]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, short_text)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(short_text, children, max_size=4)
    ),
    max_leaves=8,
)
long_lists = st.builds(
    lambda item, times: [item] * times,
    st.one_of(short_text, numbers),
    st.sampled_from([11, 21, 41, 201, 5_000]),
)
# Any value a JSON field may receive: mostly text (that reaches the services), else the
# wrong type.
weird = st.one_of(text, text, text, json_values, long_lists)


def query_value():
    """What a query-string value can be: text, or a wrong type as its text."""
    return st.one_of(text, text, numbers.map(str), st.sampled_from(["true", "false", "[]", "{}"]))


def encode(value: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate becomes the invalid bytes a client can send."""
    return urllib.parse.quote(value.encode("utf-8", "surrogatepass"), safe="")


def query_string(params: list[tuple[str, str]]) -> str:
    return "&".join(f"{encode(key)}={encode(value)}" for key, value in params)


def json_bytes(value) -> bytes:
    # ensure_ascii: a lone surrogate is sent as the escape "\ud800"; NaN as the NaN literal.
    return json.dumps(value, ensure_ascii=True).encode()


# --- what must hold after each request -----------------------------------------------


def stored() -> tuple[int, int, int, int]:
    return (
        Party.objects.count(),
        User.objects.count(),
        Unit.objects.count(),
        ChangeRecord.objects.count(),
    )


@contextmanager
def rolled_back():
    """One example: whatever it stores is undone, so the next one starts alike."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_api_answer(response, before, *, refused_keeps=None):
    """No 5xx; refusals in the error format and with nothing stored."""
    status = response.status_code
    assert status < 500, response.content[:500]
    event(f"status {status}")
    if status < 400:
        return
    body = response.json()
    if status == 422:
        event(f"422 on {sorted(body.get('errors', {}))[:2]}")
    assert isinstance(body.get("detail"), str) and body["detail"], body
    if status == 409:
        assert set(body) <= {"detail", "current"}, body
    else:
        assert set(body) <= {"detail", "errors"}, body
    if status == 422:
        errors = body.get("errors")
        assert isinstance(errors, dict) and errors, body
        for messages in errors.values():
            assert isinstance(messages, list) and messages, body
            assert all(isinstance(m, str) and m for m in messages), body
    assert stored() == before, f"a refused request ({status}) stored something: {body}"
    if refused_keeps is not None:
        record, version = refused_keeps
        record.refresh_from_db()
        assert record.version == version, f"a refused request ({status}) changed the record"


# --- the world -------------------------------------------------------------------------


@pytest.fixture
def world(personas, parties, unit_matriz, unit_filial):
    admin = personas["admin"]
    trashed = make_party(
        owner=personas["manager"],
        unit=unit_matriz,
        name="Antiga Cliente",
        deleted_at=timezone.now(),
        deleted_by=admin,
    )
    company = parties["matriz"]
    person = parties["own"]
    person.employer = company
    person.save()
    tokens = {
        name: token_create(user=personas[name], name="fuzz")[1]
        for name in ("admin", "agent_own", "manager")
    }
    pages = {}
    for name in ("admin", "agent_own", "manager"):
        # Logged in here, outside the examples' savepoints, so the sessions outlive them.
        pages[name] = Client()
        pages[name].force_login(personas[name])
    return {
        "personas": personas,
        "parties": {**parties, "trashed": trashed},
        "units": {"matriz": unit_matriz, "filial": unit_filial},
        "tokens": tokens,
        "api": Client(),
        "pages": pages,
    }


def page_client(world, persona: str) -> Client:
    return world["pages"][persona]


def api_send(client, world, method, path, *, body=None, raw=None, persona="admin", headers=None):
    headers = {
        "authorization": f"Bearer {world['tokens'][persona]}",
        "accept-language": "en",
        **(headers or {}),
    }
    if method == "GET":
        return client.get(path, headers=headers, QUERY_STRING=raw or "")
    data = raw if raw is not None else (b"" if body is None else json_bytes(body))
    return client.generic(method, path, data, content_type="application/json", headers=headers)


# --- the API: bodies -------------------------------------------------------------------

# Each field's values: mostly of the right JSON type (so they get past the schema and
# reach the services and the database), now and then of a wrong one.
wrong = st.one_of(json_values, long_lists)


def of_type(right):
    return st.one_of(right, right, right, wrong)


TEXT = of_type(text)
BOOL = of_type(st.booleans())
ID = of_type(
    st.one_of(
        st.integers(min_value=-3, max_value=12),
        st.sampled_from([2**31, 2**53 + 1, 2**63 - 1, 2**63, 10**30]),
        st.sampled_from(["1", "²", "٣", "1.5", ""]),
    )
)
TEXTS = of_type(st.one_of(st.lists(text, max_size=4), long_lists))
IDS = of_type(st.one_of(st.lists(ID, max_size=4), long_lists))
DATE = of_type(st.one_of(st.dates().map(str), st.sampled_from(NASTY_STRINGS), text))
DATETIME = of_type(st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), text))


def choice(*values):
    return of_type(st.one_of(st.sampled_from(values), text))


PARTY_FIELDS = {
    "kind": choice("person", "company"),
    **{
        name: TEXT
        for name in [
            "name", "trade_name", "tax_id", "state_registration", "municipal_registration",
            "email", "street", "number", "complement", "district", "zip_code", "city",
            "state", "country", "notes", "job_title",
        ]
    },
    "birth_date": DATE,
    "is_customer": BOOL,
    "is_supplier": BOOL,
    "is_active": BOOL,
    "phones": TEXTS,
    "tags": TEXTS,
    "employer_id": ID,
    "owner_id": ID,
    "unit_id": ID,
}  # fmt: skip
PARTY_READ_ONLY = {
    "id": ID,
    "version": ID,
    "employer_hidden": BOOL,
    "created_at": DATETIME,
    "updated_at": DATETIME,
}
USER_FIELDS = {
    **{name: TEXT for name in ["username", "password", "full_name", "email", "phone"]},
    "language": choice("pt-BR", "en", None),
    "time_zone": choice("America/Sao_Paulo", "UTC", "Europe/Lisbon", ""),
    "role": choice("admin", "manager", "agent"),
    "scope": choice("own", "unit", "all"),
    "crm_access": BOOL,
    "unit_ids": IDS,
    "is_active": BOOL,
    "id": ID,
    "version": ID,
}
ME_FIELDS = {name: value for name, value in USER_FIELDS.items() if name != "password"}
UNIT_FIELDS = {"name": TEXT, "is_active": BOOL, "id": ID, "version": ID}


@st.composite
def body_over(draw, base: dict, fields: dict):
    """`base` with one to three fields set to odd values, now and then one left out or an
    unknown field added."""
    body = dict(base)
    for name in draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3)):
        body[name] = draw(fields[name])
    if base and draw(st.integers(0, 9)) == 0:
        body.pop(draw(st.sampled_from(sorted(base))), None)
    if draw(st.integers(0, 14)) == 0:
        body[draw(short_text)] = draw(weird)
    return body


# Now and then not an object at all, or not JSON.
NOT_AN_OBJECT = st.one_of(
    scalars,
    st.lists(json_values, max_size=3),
    st.sampled_from(
        [b"", b"{", b'{"name": ', b"\xff\xfe", b'{"name": "\xed\xa0\x80"}', b"nul\x00"]
    ),
)


def api_bodies(base: dict, fields: dict):
    body = body_over(base, fields)
    return st.one_of(body, body, body, body, NOT_AN_OBJECT)


def _send_body(client, world, method, path, body, *, persona="admin", headers=None):
    if isinstance(body, bytes):
        return api_send(client, world, method, path, raw=body, persona=persona, headers=headers)
    return api_send(client, world, method, path, body=body, persona=persona, headers=headers)


def _party_can_be_shown(client, world, party_id: int) -> None:
    """What was stored renders in the API and in the pages."""
    assert api_send(client, world, "GET", f"/api/v1/parties/{party_id}").status_code == 200
    page = page_client(world, "admin")
    for path in (f"/parties/{party_id}/", f"/parties/{party_id}/edit/"):
        assert page.get(path).status_code == 200, path


@fuzz_settings(200)
@given(body=api_bodies({"name": "Cliente Fuzz"}, {**PARTY_FIELDS, **PARTY_READ_ONLY}))
def test_api_create_party(world, body):
    client = world["api"]
    with rolled_back():
        before = stored()
        response = _send_body(client, world, "POST", "/api/v1/parties", body)
        assert_api_answer(response, before)
        if response.status_code == 201:
            _party_can_be_shown(client, world, response.json()["id"])


@fuzz_settings(200)
@given(
    body=api_bodies({"name": "Cliente Fuzz", "version": 1}, {**PARTY_FIELDS, **PARTY_READ_ONLY}),
    if_match=st.one_of(st.none(), short_text),
    persona=st.sampled_from(["admin", "agent_own"]),
)
def test_api_change_party(world, body, if_match, persona):
    client = world["api"]
    party = world["parties"]["own"]
    headers = {} if if_match is None else {"if-match": if_match}
    with rolled_back():
        before = stored()
        response = _send_body(
            client, world, "PATCH", f"/api/v1/parties/{party.pk}", body, persona=persona,
            headers=headers,
        )  # fmt: skip
        assert_api_answer(response, before, refused_keeps=(party, party.version))
        if response.status_code == 200:
            _party_can_be_shown(client, world, party.pk)


@fuzz_settings(60)
@given(
    body=st.one_of(
        st.none(),
        st.fixed_dictionaries({"version": weird}),
        body_over({"version": 1}, {"version": ID}),
        NOT_AN_OBJECT,
    ),
    if_match=st.one_of(st.none(), short_text, st.sampled_from(["²", '"1"', 'W/"1"', "*"])),
)
def test_api_delete_party(world, body, if_match):
    client = world["api"]
    party = world["parties"]["matriz"]
    headers = {} if if_match is None else {"if-match": if_match}
    with rolled_back():
        before = stored()
        response = _send_body(
            client, world, "DELETE", f"/api/v1/parties/{party.pk}", body, headers=headers
        )
        assert_api_answer(response, before, refused_keeps=(party, party.version))


@fuzz_settings(50)
@given(
    body=st.one_of(st.none(), json_values, NOT_AN_OBJECT),
    action=st.sampled_from(["restore", "purge"]),
)
def test_api_restore_or_purge_party(world, body, action):
    client = world["api"]
    party = world["parties"]["trashed"]
    with rolled_back():
        before = stored()
        response = _send_body(client, world, "POST", f"/api/v1/parties/{party.pk}/{action}", body)
        assert_api_answer(response, before)


NEW_USER = {"username": "fuzzer", "password": "a-long-pass-4821", "crm_access": True}


@fuzz_settings(160)
@given(body=api_bodies(NEW_USER, USER_FIELDS))
def test_api_create_user(world, body):
    client = world["api"]
    with rolled_back():
        before = stored()
        response = _send_body(client, world, "POST", "/api/v1/users", body)
        assert_api_answer(response, before)
        if response.status_code == 201:
            page = page_client(world, "admin")
            user_id = response.json()["id"]
            assert page.get(f"/accounts/users/{user_id}/").status_code == 200
            assert page.get("/accounts/users/").status_code == 200


@fuzz_settings(160)
@given(
    body=api_bodies({"version": 1}, USER_FIELDS),
    if_match=st.one_of(st.none(), short_text),
)
def test_api_change_user(world, body, if_match):
    client = world["api"]
    user = world["personas"]["agent_own"]
    headers = {} if if_match is None else {"if-match": if_match}
    with rolled_back():
        before = stored()
        response = _send_body(
            client, world, "PATCH", f"/api/v1/users/{user.pk}", body, headers=headers
        )
        assert_api_answer(response, before, refused_keeps=(user, user.version))
        if response.status_code == 200:
            page = page_client(world, "admin")
            assert page.get(f"/accounts/users/{user.pk}/").status_code == 200


@fuzz_settings(100)
@given(
    body=st.one_of(
        api_bodies({"name": "Filial Fuzz"}, UNIT_FIELDS),
        api_bodies({"version": 1}, UNIT_FIELDS),
    ),
    method=st.sampled_from(["POST", "PATCH"]),
)
def test_api_create_or_change_unit(world, body, method):
    client = world["api"]
    unit = world["units"]["filial"]
    path = "/api/v1/units" if method == "POST" else f"/api/v1/units/{unit.pk}"
    with rolled_back():
        before = stored()
        response = _send_body(client, world, method, path, body)
        assert_api_answer(
            response, before, refused_keeps=(unit, unit.version) if method == "PATCH" else None
        )
        if response.status_code < 300:
            page = page_client(world, "admin")
            assert page.get("/accounts/units/").status_code == 200


@fuzz_settings(160)
@given(body=api_bodies({}, ME_FIELDS), persona=st.sampled_from(["admin", "agent_own"]))
def test_api_change_me(world, body, persona):
    client = world["api"]
    me = world["personas"][persona]
    with rolled_back():
        before = stored()
        response = _send_body(client, world, "PATCH", "/api/v1/me", body, persona=persona)
        assert_api_answer(response, before, refused_keeps=(me, me.version))
        if response.status_code == 200:
            page = page_client(world, persona)
            assert page.get("/accounts/profile/").status_code == 200


# --- the API: paths and query strings -------------------------------------------------

ODD_IDS = ["²", "٣", "0", "-1", "1e3", "9" * 19, "9" * 30, "%00", "%ED%A0%80", "x"]

API_PATHS = [
    ("GET", "/api/v1/parties/{}"),
    ("PATCH", "/api/v1/parties/{}"),
    ("DELETE", "/api/v1/parties/{}"),
    ("POST", "/api/v1/parties/{}/restore"),
    ("POST", "/api/v1/parties/{}/purge"),
    ("GET", "/api/v1/parties/{}/history"),
    ("GET", "/api/v1/parties/{}/contacts"),
    ("GET", "/api/v1/users/{}"),
    ("PATCH", "/api/v1/users/{}"),
    ("GET", "/api/v1/units/{}"),
    ("PATCH", "/api/v1/units/{}"),
]


@pytest.mark.parametrize(("method", "template"), API_PATHS)
def test_api_odd_ids_in_paths(world, method, template):
    client = world["api"]
    for odd in ODD_IDS:
        with rolled_back():
            before = stored()
            response = api_send(client, world, method, template.format(odd), body={})
            assert response.status_code < 500
            # An id that is no id finds no record: 404 or 422, never a change.
            assert response.status_code in (404, 422), (odd, response.content[:300])
            assert stored() == before


def cursors():
    """Cursors: a real one's shape with odd contents, and plain junk."""
    import base64

    def make(values):
        raw = json.dumps(values, ensure_ascii=True).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    sort_values = st.one_of(
        st.sampled_from(
            [
                "9999-12-31T23:59:59-14:00",
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59.999999+00:00",
                "0001-01-01T00:00:00",
                "2026-01-01T00:00:00+00:00",
                "2026-13-01T00:00:00",
            ]
        ),
        # What a text sort (names) would carry, with odd characters in it.
        st.text(any_char, min_size=1, max_size=12),
        st.text(st.sampled_from(NASTY), min_size=1, max_size=4),
        with_lone_surrogate,
        text,
        scalars,
        json_values,
    )
    # Mostly an id a real cursor could carry, so that the sort value reaches the query.
    last_ids = st.one_of(st.integers(0, 20), st.integers(0, 20), numbers, json_values)
    shaped = st.builds(lambda value, last: make([value, last]), sort_values, last_ids)
    odd = st.builds(make, json_values)
    return st.one_of(shaped, shaped, shaped, odd, short_text, long_text)


PARTY_LIST_PARAMS = [
    "q", "kind", "is_customer", "is_supplier", "is_active", "city", "state", "owner_id",
    "unit_id", "sort", "limit", "cursor", "trashed", "ids",
]  # fmt: skip


def list_queries(names: list[str]):
    pair = st.one_of(
        st.tuples(st.sampled_from(names), query_value()),
        st.tuples(st.just("cursor"), cursors()),
        st.tuples(st.just("cursor"), cursors()),
        st.tuples(st.just("sort"), st.sampled_from(["name", "-created_at", "updated_at", "-x"])),
        st.tuples(short_text, short_text),
    )
    # A sort by date with a cursor carrying an odd date: the pair that overflowed.
    sorted_cursor = st.builds(
        lambda sort, cursor, rest: [("sort", sort), ("cursor", cursor), *rest],
        st.sampled_from(["created_at", "-created_at", "updated_at", "-updated_at", "-name"]),
        cursors(),
        st.lists(pair, max_size=2),
    )
    return st.one_of(st.lists(pair, min_size=1, max_size=5), sorted_cursor)


API_LISTS = [
    ("/api/v1/parties", PARTY_LIST_PARAMS, "admin"),
    ("/api/v1/parties", PARTY_LIST_PARAMS, "agent_own"),
    ("/api/v1/users", ["limit", "cursor", "is_active"], "admin"),
    ("/api/v1/units", ["limit", "cursor"], "manager"),
    ("/api/v1/parties/{matriz}/contacts", ["limit", "cursor"], "admin"),
    ("/api/v1/parties/{matriz}/history", ["limit"], "admin"),
]


@pytest.mark.parametrize(("template", "names", "persona"), API_LISTS)
@fuzz_settings(100)
@given(params=st.data())
def test_api_list_parameters(world, template, names, persona, params):
    path = template.format(matriz=world["parties"]["matriz"].pk)
    raw = query_string(params.draw(list_queries(names)))
    client = world["api"]
    before = stored()
    response = api_send(client, world, "GET", path, raw=raw, persona=persona)
    assert_api_answer(response, before)
    assert response.status_code in (200, 403, 422), response.content[:300]


# --- the pages -------------------------------------------------------------------------


def form_body(fields: dict[str, str]) -> bytes:
    return query_string(list(fields.items())).encode("ascii")


def post_form(client, path, fields: dict):
    return client.post(path, form_body(fields), content_type="application/x-www-form-urlencoded")


def page_text():
    """A form field's value: text of any kind (forms carry only text)."""
    return st.one_of(text, text, numbers.map(str), st.sampled_from(["on", "²", ""]))


def form_over(base: dict, fields: list[str]):
    keys = st.one_of(st.sampled_from(fields), st.sampled_from(fields), short_text)
    return st.builds(
        lambda changes: {**base, **changes},
        st.dictionaries(keys, page_text(), min_size=1, max_size=5),
    )


PARTY_FORM = [*PARTY_FIELDS, "version"]


def _party_form_base(world) -> dict:
    admin = world["personas"]["admin"]
    return {
        "kind": "person",
        "name": "Cliente Fuzz",
        "owner_id": str(admin.pk),
        "unit_id": str(world["units"]["matriz"].pk),
        "country": "BR",
        "is_customer": "on",
        "is_active": "on",
    }


def assert_page_answer(response, before, *, refused_keeps=None):
    status = response.status_code
    assert status < 500, response.content[:500]
    event(f"status {status}")
    if status != 302:
        assert stored() == before, f"a refused form ({status}) stored something"
        if refused_keeps is not None:
            record, version = refused_keeps
            record.refresh_from_db()
            assert record.version == version, f"a refused form ({status}) changed the record"


@fuzz_settings(160)
@given(data=st.data())
def test_page_party_create(world, data):
    fields = data.draw(form_over(_party_form_base(world), PARTY_FORM))
    query = data.draw(st.one_of(st.just(""), list_queries(["employer", "role"]).map(query_string)))
    client = page_client(world, "admin")
    with rolled_back():
        before = stored()
        response = post_form(client, "/parties/new/?" + query, fields)
        assert_page_answer(response, before)
        if response.status_code == 302 and response["Location"].startswith("/parties/"):
            assert client.get(response["Location"]).status_code == 200


@fuzz_settings(160)
@given(data=st.data())
def test_page_party_edit(world, data):
    party = world["parties"]["own"]
    base = {**_party_form_base(world), "name": party.name, "version": str(party.version)}
    fields = data.draw(form_over(base, PARTY_FORM))
    persona = data.draw(st.sampled_from(["admin", "agent_own"]))
    client = page_client(world, persona)
    with rolled_back():
        before = stored()
        response = post_form(client, f"/parties/{party.pk}/edit/", fields)
        assert_page_answer(response, before, refused_keeps=(party, party.version))
        if response.status_code == 302:
            assert client.get(f"/parties/{party.pk}/").status_code == 200
            assert client.get(f"/parties/{party.pk}/history/").status_code == 200


LIST_PAGE_PARAMS = ["q", "kind", "status", "state", "city", "unit", "mine", "sort", "cursor"]


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        ("/parties/", "admin"),
        ("/parties/customers/", "agent_own"),
        ("/parties/suppliers/", "manager"),
        ("/parties/trash/", "admin"),
        ("/parties/new/", "agent_own"),
    ],
)
@fuzz_settings(80)
@given(data=st.data())
def test_page_lists_with_odd_query_strings(world, path, persona, data):
    raw = query_string(data.draw(list_queries(LIST_PAGE_PARAMS + ["employer", "role", "page"])))
    htmx = data.draw(st.booleans())
    client = page_client(world, persona)
    before = stored()
    headers = {"hx-request": "true"} if htmx else {}
    response = client.get(path, QUERY_STRING=raw, headers=headers)
    assert response.status_code in (200, 404), response.content[:300]
    assert stored() == before


@fuzz_settings(60)
@given(
    version=st.one_of(page_text(), st.sampled_from(["²", "٣", "1²", "¹"])),
    action=st.sampled_from(["delete", "restore", "purge"]),
)
def test_page_delete_restore_purge_with_odd_versions(world, version, action):
    party = world["parties"]["matriz" if action == "delete" else "trashed"]
    path = (
        f"/parties/{party.pk}/delete/"
        if action == "delete"
        else f"/parties/trash/{party.pk}/{action}/"
    )
    client = page_client(world, "admin")
    with rolled_back():
        before = stored()
        response = post_form(client, path, {"version": version})
        assert response.status_code == 302, response.content[:300]
        if action == "delete":
            assert stored()[:3] == before[:3]


@fuzz_settings(100)
@given(data=st.data())
def test_page_unit_forms(world, data):
    unit = world["units"]["filial"]
    editing = data.draw(st.booleans())
    base = {"name": unit.name if editing else "Filial Fuzz", "is_active": "on"}
    if editing:
        base["version"] = str(unit.version)
    fields = data.draw(form_over(base, ["name", "is_active", "version"]))
    client = page_client(world, "admin")
    path = f"/accounts/units/{unit.pk}/" if editing else "/accounts/units/new/"
    with rolled_back():
        before = stored()
        response = post_form(client, path, fields)
        assert_page_answer(response, before, refused_keeps=(unit, unit.version))
        if response.status_code == 302:
            assert client.get("/accounts/units/").status_code == 200


USER_FORM = [
    "username", "full_name", "email", "phone", "role", "scope", "unit_ids", "crm_access",
    "is_active", "language", "password", "version",
]  # fmt: skip


@fuzz_settings(100)
@given(data=st.data())
def test_page_user_forms(world, data):
    user = world["personas"]["agent_own"]
    editing = data.draw(st.booleans())
    base = {
        "username": user.username if editing else "fuzzer",
        "role": "agent",
        "scope": "own",
        "crm_access": "on",
        "is_active": "on",
    }
    if editing:
        base["version"] = str(user.version)
    else:
        base["password"] = "a-long-pass-4821"
    fields = data.draw(form_over(base, USER_FORM))
    client = page_client(world, "admin")
    path = f"/accounts/users/{user.pk}/" if editing else "/accounts/users/new/"
    with rolled_back():
        before = stored()
        response = post_form(client, path, fields)
        assert_page_answer(response, before, refused_keeps=(user, user.version))
        if response.status_code == 302:
            assert client.get("/accounts/users/").status_code == 200


@fuzz_settings(100)
@given(data=st.data())
def test_page_own_forms(world, data):
    """Profile, password, API token name, the unit switch and the language switch."""
    form = data.draw(
        st.sampled_from(
            [
                ("/accounts/profile/", ["full_name", "email", "phone", "language", "time_zone"]),
                ("/accounts/password/", ["old_password", "new_password", "new_password_again"]),
                ("/accounts/tokens/", ["name"]),
                ("/accounts/unit/", ["unit", "next"]),
                ("/accounts/language/", ["language", "next"]),
            ]
        )
    )
    path, names = form
    fields = data.draw(form_over({}, names))
    me = world["personas"]["agent_own"]
    # Its own client: a password change cycles the session, which the rollback then drops.
    client = Client()
    client.force_login(me)
    with rolled_back():
        before = stored()
        response = post_form(client, path, fields)
        assert_page_answer(response, before, refused_keeps=(me, me.version))
        if response.status_code == 302:
            assert client.get("/accounts/profile/").status_code in (200, 302)


# --- headers, cookies and the login page -------------------------------------------------


def header_value():
    """What a header can carry through WSGI: latin-1 text (UTF-8 arrives as its bytes)."""
    return st.one_of(
        short_text, long_text.map(lambda v: v[:10_000]), st.sampled_from(["²", "*", "pt-BR;q=x"])
    ).map(lambda v: v.encode("utf-8", "surrogatepass").decode("latin-1"))


HEADERS = ["accept-language", "authorization", "if-match", "hx-request", "hx-current-url"]


@fuzz_settings(100)
@given(
    headers=st.dictionaries(st.sampled_from(HEADERS), header_value(), min_size=1, max_size=3),
    cookies=st.dictionaries(
        st.sampled_from(["clientela_language", "django_language", "csrftoken"]),
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=300),
        max_size=2,
    ),
    where=st.sampled_from(
        [
            ("GET", "/api/v1/parties", None),
            ("PATCH", "/api/v1/me", {"full_name": "Nome"}),
            ("GET", "/parties/", None),
            ("GET", "/accounts/profile/", None),
        ]
    ),
)
def test_odd_headers_and_cookies(world, headers, cookies, where):
    method, path, body = where
    token = f"Bearer {world['tokens']['agent_own']}" if path.startswith("/api/") else None
    client = Client()
    if not path.startswith("/api/"):
        client.force_login(world["personas"]["agent_own"])
    for name, value in cookies.items():
        client.cookies[name] = value
    sent = {"authorization": token, **headers} if token else headers
    with rolled_back():
        before = stored()
        if method == "GET":
            response = client.get(path, headers=sent)
        else:
            response = client.generic(
                method, path, json_bytes(body), content_type="application/json", headers=sent
            )
        assert response.status_code < 500
        if path.startswith("/api/") and response.status_code >= 400:
            assert response.json()["detail"]
            assert stored() == before


@fuzz_settings(60)
@given(data=st.data())
def test_page_login(world, data):
    fields = data.draw(form_over({}, ["username", "password", "next"]))
    query = data.draw(st.one_of(st.just(""), list_queries(["next"]).map(query_string)))
    with rolled_back():
        before = stored()
        response = post_form(Client(), "/accounts/login/?" + query, fields)
        assert response.status_code in (200, 302), response.content[:300]
        assert stored() == before
