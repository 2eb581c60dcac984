"""Higher apps widen "own" through accounts.access.register_visibility, without the
parties app knowing them (the relationship log: a follow-up assigned to you)."""

import pytest
from django.db.models import Q

from clientela.accounts import access
from clientela.parties.models import Party


@pytest.fixture
def shared_with_agent_own(party_matriz):
    """A stand-in for "a follow-up on this party is assigned to you"."""

    def condition(user):
        return Q(pk=party_matriz.pk) if user.username == "agent_own" else Q(pk__in=[])

    access.register_visibility("parties.Party", condition)
    yield party_matriz
    access._EXTRA_OWN["parties.Party"].remove(condition)


def test_a_registered_condition_makes_a_record_visible_everywhere(
    shared_with_agent_own, login, api, agent_own, agent_unit_b, party_own, party_filial
):
    party = shared_with_agent_own

    assert set(Party.objects.restrict(agent_own)) == {party_own, party}
    assert login(agent_own).get(f"/parties/{party.pk}/").status_code == 200
    assert api(agent_own).get(f"/api/v1/parties/{party.pk}").status_code == 200
    found = api(agent_own).get("/api/v1/parties", {"q": "padaria"}).json()["items"]
    assert [p["id"] for p in found] == [party.pk]
    # It widens "own" for whom it says, nobody else.
    assert set(Party.objects.restrict(agent_unit_b)) == {party_filial}


def test_the_condition_adds_to_a_unit_scope_too(shared_with_agent_own, manager, party_own):
    # The manager sees Matriz anyway; the extension does not narrow anything.
    assert set(Party.objects.restrict(manager)) == {shared_with_agent_own, party_own}
