"""Shared test fixtures: two business units and one persona per role and scope.

Personas (password for all: PASSWORD):
  admin        admin, sees everything                       unit Matriz
  manager      manager, scope unit                          unit Matriz
  agent_own    agent, scope own                             unit Matriz
  agent_unit_b agent, scope unit                            unit Filial
  agent_all    agent, scope all                             unit Matriz
  outsider     agent without CRM access                     unit Matriz
Parties: `party_matriz` (owner manager, Matriz), `party_own` (owner agent_own,
Matriz) and `party_filial` (owner agent_unit_b, Filial).
"""

import pytest

from clientela.accounts.models import Role, Scope, Unit, User
from clientela.accounts.tokens import token_create
from clientela.parties.models import Party

PASSWORD = "correct-horse-battery-9"


def make_user(username, *, role=Role.AGENT, scope=Scope.OWN, units=(), crm_access=True, **extra):
    user = User.objects.create_user(
        username,
        PASSWORD,
        role=role,
        scope=Scope.ALL if role == Role.ADMIN else scope,
        crm_access=crm_access,
        full_name=username.replace("_", " ").title(),
        **extra,
    )
    user.units.set(units)
    return user


def make_party(*, owner, unit, name="Cliente Teste", **fields):
    party = Party(owner=owner, unit=unit, name=name, **fields)
    party.refresh_search_columns()
    party.save()
    return party


@pytest.fixture
def unit_matriz(db):
    return Unit.objects.create(name="Matriz")


@pytest.fixture
def unit_filial(db):
    return Unit.objects.create(name="Filial Campinas")


@pytest.fixture
def admin(unit_matriz):
    return make_user("admin", role=Role.ADMIN, units=[unit_matriz])


@pytest.fixture
def manager(unit_matriz):
    return make_user("manager", role=Role.MANAGER, scope=Scope.UNIT, units=[unit_matriz])


@pytest.fixture
def agent_own(unit_matriz):
    return make_user("agent_own", scope=Scope.OWN, units=[unit_matriz])


@pytest.fixture
def agent_unit_b(unit_filial):
    return make_user("agent_unit_b", scope=Scope.UNIT, units=[unit_filial])


@pytest.fixture
def agent_all(unit_matriz):
    return make_user("agent_all", scope=Scope.ALL, units=[unit_matriz])


@pytest.fixture
def outsider(unit_matriz):
    return make_user("outsider", crm_access=False, units=[unit_matriz])


@pytest.fixture
def party_matriz(manager, unit_matriz):
    return make_party(
        owner=manager,
        unit=unit_matriz,
        name="Padaria Pão de Açúcar",
        kind="company",
        tax_id="11222333000181",
        city="São Paulo",
        state="SP",
        phones=["+551133334444"],
    )


@pytest.fixture
def party_own(agent_own, unit_matriz):
    return make_party(
        owner=agent_own,
        unit=unit_matriz,
        name="João da Silva",
        tax_id="52998224725",
        city="São Paulo",
        state="SP",
        phones=["+5511987654321"],
    )


@pytest.fixture
def party_filial(agent_unit_b, unit_filial):
    return make_party(
        owner=agent_unit_b,
        unit=unit_filial,
        name="Maria Oliveira",
        tax_id="39053344705",
        city="Campinas",
        state="SP",
        phones=["+5519991234567"],
    )


@pytest.fixture
def personas(admin, manager, agent_own, agent_unit_b, agent_all, outsider):
    return {
        "admin": admin,
        "manager": manager,
        "agent_own": agent_own,
        "agent_unit_b": agent_unit_b,
        "agent_all": agent_all,
        "outsider": outsider,
    }


@pytest.fixture
def parties(party_matriz, party_own, party_filial):
    return {"matriz": party_matriz, "own": party_own, "filial": party_filial}


@pytest.fixture
def login(client):
    """login(user) -> the Django test client logged in as `user`."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


class Api:
    """Sends JSON to the API with the persona's token; English answers, so messages read alike."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"accept-language": "en"}
        if token:
            self.headers["authorization"] = f"Bearer {token}"

    def _headers(self, extra):
        return {**self.headers, **(extra or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self._send("post", path, body, headers)

    def patch(self, path, body=None, headers=None):
        return self._send("patch", path, body, headers)

    def delete(self, path, body=None, headers=None):
        return self._send("delete", path, body, headers)

    def _send(self, method, path, body, headers):
        data = {} if body is None else body
        return getattr(self.client, method)(
            path, data, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def api(client):
    """api(user) -> an Api acting as `user`; api() -> one without credentials."""

    def _for(user=None) -> Api:
        raw = token_create(user=user, name="tests")[1] if user is not None else None
        return Api(client, raw)

    return _for
