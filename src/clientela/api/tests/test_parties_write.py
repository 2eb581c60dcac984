"""POST, PATCH and DELETE /api/v1/parties: validation, ownership, conflicts, status codes."""

import datetime
import json

import pytest

from clientela.accounts.models import Scope
from clientela.audit.models import ChangeRecord
from clientela.parties.models import Party
from conftest import make_user

VALID = {
    "kind": "person",
    "name": "Ana Beatriz Souza",
    "tax_id": "529.982.247-25",
    "email": "Ana@Exemplo.com.br",
    "phones": ["(11) 98765-4321", "11 3333-4444"],
    "zip_code": "01310100",
    "city": "São Paulo",
    "state": "sp",
}


def error_fields(response) -> set[str]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(isinstance(m, list) and m for m in body["errors"].values())
    return set(body["errors"])


@pytest.fixture
def counts():
    """What the database holds now, to prove a refused request stored nothing."""

    def _counts():
        return Party.objects.count(), ChangeRecord.objects.count()

    return _counts


# --- create --------------------------------------------------------------------


def test_create_answers_201_with_the_location_of_the_new_party(api, agent_own, unit_matriz):
    response = api(agent_own).post("/api/v1/parties", VALID)

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/v1/parties/{body['id']}"
    assert api(agent_own).get(response["Location"]).json() == body


def test_create_stores_canonical_values(api, agent_own, unit_matriz):
    body = api(agent_own).post("/api/v1/parties", VALID).json()

    party = Party.objects.get(pk=body["id"])
    assert party.tax_id == body["tax_id"] == "52998224725"
    assert party.phones == body["phones"] == ["+5511987654321", "+551133334444"]
    assert party.email == "ana@exemplo.com.br"
    assert party.zip_code == "01310-100"
    assert party.state == "SP"
    assert party.country == "BR"
    assert body["version"] == 1


def test_create_makes_the_user_the_owner_in_their_only_unit(api, agent_own, unit_matriz):
    body = api(agent_own).post("/api/v1/parties", {"name": "Só o Nome"}).json()

    assert body["owner_id"] == agent_own.pk
    assert body["unit_id"] == unit_matriz.pk


INVALID = [
    ("phones", {"phones": ["12345"]}),
    ("phones", {"phones": ["(11) 9876"]}),
    ("email", {"email": "not-an-email"}),
    ("zip_code", {"zip_code": "1234-56"}),
    ("zip_code", {"zip_code": "ABCDE-123"}),
    ("state", {"state": "XX"}),
    ("name", {"name": "N" * 201}),
    ("name", {"name": "   "}),
    ("tax_id", {"tax_id": "111.111.111-11"}),
    ("tax_id", {"tax_id": "529.982.247-24"}),
    ("country", {"country": "Brasil", "phones": []}),
    ("tags", {"tags": ["x" * 41]}),
]


@pytest.mark.parametrize(("field", "change"), INVALID)
def test_create_refuses_an_invalid_field_and_stores_nothing(
    api, agent_own, unit_matriz, counts, field, change
):
    before = counts()

    response = api(agent_own).post("/api/v1/parties", {**VALID, **change})

    assert response.status_code == 422
    assert error_fields(response) == {field}
    assert counts() == before


def test_create_reports_every_bad_field_at_once(api, agent_own, unit_matriz, counts):
    before = counts()

    response = api(agent_own).post(
        "/api/v1/parties", {"name": "", "email": "x", "state": "ZZ", "zip_code": "1"}
    )

    assert response.status_code == 422
    assert error_fields(response) == {"name", "email", "state", "zip_code"}
    assert counts() == before


def test_malformed_json_is_a_400(api, agent_own, unit_matriz, counts, client):
    before = counts()
    headers = dict(api(agent_own).headers)

    response = client.post(
        "/api/v1/parties", '{"name": "Ana"', content_type="application/json", headers=headers
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert counts() == before


def test_an_unknown_field_is_a_422(api, agent_own, unit_matriz, counts):
    before = counts()

    response = api(agent_own).post("/api/v1/parties", {"name": "Ana", "favourite_colour": "blue"})

    assert response.status_code == 422
    assert error_fields(response) == {"favourite_colour"}
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 123),
        ("is_customer", "maybe"),
        ("phones", "11987654321"),
        ("phones", [11987654321]),
        ("owner_id", "someone"),
        ("kind", "robot"),
        ("tags", {"a": 1}),
    ],
)
def test_a_wrong_type_is_a_422(api, agent_own, unit_matriz, counts, field, value):
    before = counts()

    response = api(agent_own).post("/api/v1/parties", {"name": "Ana", field: value})

    assert response.status_code == 422
    assert field in error_fields(response)
    assert counts() == before


@pytest.mark.parametrize("body", [[{"name": "Ana"}], "Ana", 42, None])
def test_a_body_that_is_not_an_object_is_refused(api, agent_own, unit_matriz, counts, body, client):
    before = counts()
    headers = dict(api(agent_own).headers)

    response = client.post(
        "/api/v1/parties", json.dumps(body), content_type="application/json", headers=headers
    )

    # Valid JSON of the wrong shape is a field problem (422); unparsable JSON is a 400.
    assert response.status_code == 422
    assert response.json()["detail"]
    assert counts() == before


# --- who may own what ------------------------------------------------------------


def test_an_agent_cannot_give_a_party_to_someone_outside_their_scope(
    api, agent_own, manager, counts
):
    before = counts()

    response = api(agent_own).post("/api/v1/parties", {"name": "Ana", "owner_id": manager.pk})

    assert response.status_code == 422
    assert error_fields(response) == {"owner_id"}
    assert counts() == before


def test_an_agent_cannot_place_a_party_in_a_unit_not_theirs(api, agent_unit_b, unit_matriz, counts):
    before = counts()

    response = api(agent_unit_b).post("/api/v1/parties", {"name": "Ana", "unit_id": unit_matriz.pk})

    assert response.status_code == 422
    assert error_fields(response) == {"unit_id"}
    assert counts() == before


def test_a_manager_may_assign_people_of_their_unit_only(api, manager, agent_own, agent_unit_b):
    ok = api(manager).post("/api/v1/parties", {"name": "Ana", "owner_id": agent_own.pk})
    refused = api(manager).post("/api/v1/parties", {"name": "Bia", "owner_id": agent_unit_b.pk})

    assert ok.status_code == 201
    assert ok.json()["owner_id"] == agent_own.pk
    assert refused.status_code == 422
    assert error_fields(refused) == {"owner_id"}


def test_nobody_can_make_an_owner_of_a_user_without_crm_access(api, admin, outsider):
    response = api(admin).post("/api/v1/parties", {"name": "Ana", "owner_id": outsider.pk})

    assert response.status_code == 422
    assert error_fields(response) == {"owner_id"}


def test_a_user_with_several_units_must_name_one(api, unit_matriz, unit_filial, counts):
    roamer = make_user("roamer", scope=Scope.UNIT, units=[unit_matriz, unit_filial])
    before = counts()

    missing = api(roamer).post("/api/v1/parties", {"name": "Ana"})

    assert missing.status_code == 422
    assert error_fields(missing) == {"unit_id"}
    assert counts() == before

    given = api(roamer).post("/api/v1/parties", {"name": "Ana", "unit_id": unit_filial.pk})

    assert given.status_code == 201
    assert given.json()["unit_id"] == unit_filial.pk


def test_patch_cannot_move_a_party_out_of_reach(api, agent_own, party_own, manager, unit_filial):
    for change in [{"owner_id": manager.pk}, {"unit_id": unit_filial.pk}]:
        response = api(agent_own).patch(f"/api/v1/parties/{party_own.pk}", change)
        assert response.status_code == 422
        assert error_fields(response) == set(change)
    party_own.refresh_from_db()
    assert (party_own.owner_id, party_own.version) == (agent_own.pk, 1)


# --- change --------------------------------------------------------------------------


def test_patch_changes_the_given_fields_and_bumps_the_version(api, agent_own, party_own):
    response = api(agent_own).patch(
        f"/api/v1/parties/{party_own.pk}", {"name": "João da Silva Jr.", "phones": ["11 3333-4444"]}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "João da Silva Jr."
    assert body["phones"] == ["+551133334444"]
    assert body["version"] == 2
    assert body["tax_id"] == "52998224725"  # untouched


def test_a_get_patch_round_trip_is_accepted(api, agent_own, party_own):
    client = api(agent_own)
    current = client.get(f"/api/v1/parties/{party_own.pk}").json()

    response = client.patch(f"/api/v1/parties/{party_own.pk}", current)

    assert response.status_code == 200, response.json()
    assert response.json() == current


def test_a_round_trip_with_one_change_applies_it(api, agent_own, party_own):
    client = api(agent_own)
    current = client.get(f"/api/v1/parties/{party_own.pk}").json()

    response = client.patch(f"/api/v1/parties/{party_own.pk}", {**current, "city": "Santos"})

    assert response.status_code == 200
    assert response.json()["city"] == "Santos"
    assert response.json()["version"] == current["version"] + 1


@pytest.mark.parametrize(
    "change",
    [
        {"id": 999999},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"updated_at": "2020-01-01T00:00:00+00:00"},
    ],
)
def test_a_changed_read_only_field_is_a_422(api, agent_own, party_own, change):
    response = api(agent_own).patch(f"/api/v1/parties/{party_own.pk}", change)

    assert response.status_code == 422
    assert error_fields(response) == set(change)
    party_own.refresh_from_db()
    assert party_own.version == 1


def test_a_date_time_without_an_offset_is_a_422(api, agent_own, party_own):
    naive = party_own.created_at.replace(tzinfo=None).isoformat()

    response = api(agent_own).patch(f"/api/v1/parties/{party_own.pk}", {"created_at": naive})

    assert response.status_code == 422
    assert error_fields(response) == {"created_at"}


def test_patch_refuses_null_for_a_required_field_but_clears_the_tax_id(api, agent_own, party_own):
    refused = api(agent_own).patch(f"/api/v1/parties/{party_own.pk}", {"name": None})
    cleared = api(agent_own).patch(f"/api/v1/parties/{party_own.pk}", {"tax_id": None})

    assert refused.status_code == 422
    assert error_fields(refused) == {"name"}
    assert cleared.status_code == 200
    assert cleared.json()["tax_id"] is None


def test_patch_refuses_bad_values_and_stores_nothing(api, agent_own, party_own):
    response = api(agent_own).patch(
        f"/api/v1/parties/{party_own.pk}", {"name": "Novo Nome", "phones": ["abc"]}
    )

    assert response.status_code == 422
    assert error_fields(response) == {"phones"}
    party_own.refresh_from_db()
    assert party_own.name == "João da Silva"
    assert ChangeRecord.objects.filter(entity="party", action="update").count() == 0


# --- edit conflicts ----------------------------------------------------------------------


def test_a_stale_version_is_a_409_with_the_current_record(api, agent_own, party_own, manager):
    api(manager).patch(f"/api/v1/parties/{party_own.pk}", {"city": "Santos"})

    response = api(agent_own).patch(
        f"/api/v1/parties/{party_own.pk}", {"name": "Minha versão", "version": 1}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert body["current"]["city"] == "Santos"
    assert body["current"]["version"] == 2
    assert body["current"]["name"] == "João da Silva"
    party_own.refresh_from_db()
    assert party_own.name == "João da Silva"


def test_if_match_carries_the_version(api, agent_own, party_own):
    client = api(agent_own)
    url = f"/api/v1/parties/{party_own.pk}"

    stale = client.patch(url, {"name": "A"}, headers={"if-match": '"7"'})
    fresh = client.patch(url, {"name": "B"}, headers={"if-match": '"1"'})
    weak = client.patch(url, {"name": "C"}, headers={"if-match": 'W/"2"'})
    garbage = client.patch(url, {"name": "D"}, headers={"if-match": "yesterday"})

    assert stale.status_code == 409
    assert fresh.status_code == 200
    assert weak.status_code == 200
    assert weak.json()["name"] == "C"
    assert garbage.status_code == 422


def test_without_a_version_the_change_applies(api, agent_own, party_own, manager):
    api(manager).patch(f"/api/v1/parties/{party_own.pk}", {"city": "Santos"})

    response = api(agent_own).patch(f"/api/v1/parties/{party_own.pk}", {"name": "Sem versão"})

    assert response.status_code == 200
    assert response.json()["version"] == 3


# --- delete --------------------------------------------------------------------------------


def test_delete_answers_204_and_moves_the_party_to_the_trash(api, manager, party_matriz):
    response = api(manager).delete(f"/api/v1/parties/{party_matriz.pk}")

    assert response.status_code == 204
    assert response.content == b""
    party_matriz.refresh_from_db()
    assert party_matriz.in_trash
    assert party_matriz.deleted_by == manager
    assert api(manager).get(f"/api/v1/parties/{party_matriz.pk}").status_code == 404
    assert api(manager).patch(f"/api/v1/parties/{party_matriz.pk}", {"name": "X"}).status_code == (
        404
    )


def test_delete_with_a_stale_version_is_a_409(api, manager, party_matriz):
    by_body = api(manager).delete(f"/api/v1/parties/{party_matriz.pk}", {"version": 5})
    by_header = api(manager).delete(f"/api/v1/parties/{party_matriz.pk}", headers={"if-match": "5"})

    assert by_body.status_code == by_header.status_code == 409
    assert by_body.json()["current"]["id"] == party_matriz.pk
    party_matriz.refresh_from_db()
    assert not party_matriz.in_trash


def test_an_agent_may_not_delete(api, agent_own, party_own):
    response = api(agent_own).delete(f"/api/v1/parties/{party_own.pk}")

    assert response.status_code == 403
    party_own.refresh_from_db()
    assert not party_own.in_trash


# --- CPF/CNPJ uniqueness ---------------------------------------------------------------------


def test_a_taken_tax_id_is_named_to_who_sees_it_and_revealed_to_nobody_else(
    api, agent_own, agent_unit_b, party_own, counts
):
    before = counts()
    body = {"name": "Outro João", "tax_id": "529.982.247-25"}

    seen_by_owner = api(agent_own).post("/api/v1/parties", body)
    unseen = api(agent_unit_b).post("/api/v1/parties", body)

    assert seen_by_owner.status_code == unseen.status_code == 422
    assert error_fields(unseen) == error_fields(seen_by_owner) == {"tax_id"}
    assert seen_by_owner.json()["errors"]["tax_id"] == [
        f"This CPF/CNPJ is already registered for “João da Silva” (#{party_own.pk})."
    ]
    assert "João" not in unseen.content.decode()
    assert str(party_own.pk) not in unseen.content.decode()
    assert unseen.json()["errors"]["tax_id"][0].startswith("This CPF/CNPJ cannot be used")
    assert counts() == before


def test_a_tax_id_in_the_trash_does_not_block_a_new_party(api, admin, manager, party_own):
    api(admin).delete(f"/api/v1/parties/{party_own.pk}")

    response = api(manager).post("/api/v1/parties", {"name": "Novo João", "tax_id": "52998224725"})

    assert response.status_code == 201


def test_restoring_a_party_whose_tax_id_was_taken_meanwhile_is_refused(
    api, admin, manager, party_own
):
    api(admin).delete(f"/api/v1/parties/{party_own.pk}")
    api(manager).post("/api/v1/parties", {"name": "Novo João", "tax_id": "52998224725"})

    response = api(admin).post(f"/api/v1/parties/{party_own.pk}/restore")

    assert response.status_code == 422
    assert "CPF/CNPJ" in response.json()["detail"] + str(response.json()["errors"])
    party_own.refresh_from_db()
    assert party_own.in_trash


def test_alphanumeric_cnpj_is_accepted_and_stored_compact(api, admin):
    response = api(admin).post(
        "/api/v1/parties", {"kind": "company", "name": "Nova Era", "tax_id": "12.ABC.345/01DE-35"}
    )

    assert response.status_code == 201
    assert response.json()["tax_id"] == "12ABC34501DE35"
    assert Party.objects.get(pk=response.json()["id"]).tax_id == "12ABC34501DE35"


def test_history_and_contacts_of_a_party(api, manager, party_matriz, unit_matriz):
    client = api(manager)
    person = client.post(
        "/api/v1/parties",
        {"name": "Carlos Contato", "employer_id": party_matriz.pk, "job_title": "Compras"},
    ).json()
    client.patch(f"/api/v1/parties/{party_matriz.pk}", {"city": "Santos"})

    contacts = client.get(f"/api/v1/parties/{party_matriz.pk}/contacts").json()
    history = client.get(f"/api/v1/parties/{party_matriz.pk}/history").json()

    assert [c["id"] for c in contacts["items"]] == [person["id"]]
    assert contacts["count"] == 1
    assert history["items"][0]["action"] == "update"
    assert history["items"][0]["actor_id"] == manager.pk
    assert history["items"][0]["changes"] == {"city": ["São Paulo", "Santos"]}
    moment = datetime.datetime.fromisoformat(history["items"][0]["at"].replace("Z", "+00:00"))
    assert moment.utcoffset() == datetime.timedelta(0)


def test_a_round_trip_works_for_a_contact_whose_company_one_cannot_see(
    api, admin, agent_own, party_own, party_matriz
):
    # An admin records that agent_own's customer works at a company agent_own cannot see.
    api(admin).patch(f"/api/v1/parties/{party_own.pk}", {"employer_id": party_matriz.pk})
    client = api(agent_own)
    current = client.get(f"/api/v1/parties/{party_own.pk}").json()

    response = client.patch(f"/api/v1/parties/{party_own.pk}", {**current, "city": "Santos"})

    # The company stays hidden from the agent (null, flagged), and stays attached.
    assert current["employer_id"] is None and current["employer_hidden"] is True
    assert response.status_code == 200, response.json()
    assert response.json()["employer_id"] is None
    assert response.json()["employer_hidden"] is True
    party_own.refresh_from_db()
    assert (party_own.employer_id, party_own.city) == (party_matriz.pk, "Santos")
