"""The "new customer or supplier" page: defaults, inline errors, nothing stored on refusal."""

import pytest

from clientela.audit.models import ChangeRecord
from clientela.parties.models import Party

EN = {"accept-language": "en"}


def form_data(user, unit, **changes) -> dict:
    data = {
        "kind": "person",
        "name": "Beatriz Lima",
        "tax_id": "",
        "is_customer": "on",
        "is_active": "on",
        "email": "bia@exemplo.com.br",
        "phones": "(11) 98765-4321, 11 3333-4444",
        "zip_code": "01310-100",
        "city": "São Paulo",
        "state": "SP",
        "country": "BR",
        "owner_id": user.pk,
        "unit_id": unit.pk,
    }
    data.update(changes)
    return data


def test_the_form_starts_with_the_user_as_owner_in_the_current_unit(
    login, admin, unit_matriz, unit_filial
):
    client = login(admin)
    client.post("/accounts/unit/", {"unit": unit_filial.pk})

    form = client.get("/parties/new/").context["form"]

    assert form.initial["owner_id"] == admin.pk
    assert form.initial["unit_id"] == unit_filial.pk


def test_it_saves_a_valid_party_and_goes_to_its_page(login, agent_own, unit_matriz):
    response = login(agent_own).post("/parties/new/", form_data(agent_own, unit_matriz))

    party = Party.objects.get(name="Beatriz Lima")
    assert response.status_code == 302
    assert response["Location"] == f"/parties/{party.pk}/"
    assert party.phones == ["+5511987654321", "+551133334444"]
    assert (party.owner, party.unit) == (agent_own, unit_matriz)
    assert ChangeRecord.objects.filter(entity="party", object_id=party.pk, action="create").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phones", "(11) 1234"),
        ("email", "bia-at-exemplo"),
        ("zip_code", "0131-010"),
        ("state", "XX"),
        ("name", "B" * 201),
        ("name", ""),
        ("tax_id", "529.982.247-24"),
        ("country", "Brasil"),
    ],
)
def test_a_bad_field_is_shown_next_to_it_and_nothing_is_stored(
    login, agent_own, unit_matriz, field, value
):
    before = (Party.objects.count(), ChangeRecord.objects.count())

    response = login(agent_own).post(
        "/parties/new/", form_data(agent_own, unit_matriz, **{field: value}), headers=EN
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (Party.objects.count(), ChangeRecord.objects.count()) == before


def test_the_form_keeps_what_was_typed_after_an_error(login, agent_own, unit_matriz):
    response = login(agent_own).post(
        "/parties/new/", form_data(agent_own, unit_matriz, email="nope", name="Nome Digitado")
    )

    assert 'value="Nome Digitado"' in response.content.decode()


def test_an_owner_or_unit_out_of_reach_is_refused(
    login, agent_own, manager, unit_matriz, unit_filial
):
    client = login(agent_own)

    other_owner = client.post(
        "/parties/new/", form_data(agent_own, unit_matriz, owner_id=manager.pk)
    )
    other_unit = client.post("/parties/new/", form_data(agent_own, unit_filial))

    assert list(other_owner.context["form"].errors) == ["owner_id"]
    assert list(other_unit.context["form"].errors) == ["unit_id"]
    assert Party.objects.count() == 0


def test_a_contact_person_starts_at_a_company_one_may_see(
    login, manager, party_matriz, party_filial, unit_matriz
):
    client = login(manager)

    response = client.get(f"/parties/new/?employer={party_matriz.pk}")

    assert response.context["form"].initial["employer_id"] == party_matriz.pk
    assert client.get(f"/parties/new/?employer={party_filial.pk}").status_code == 404

    client.post(
        "/parties/new/",
        form_data(manager, unit_matriz, name="Contato", employer_id=party_matriz.pk),
    )
    assert Party.objects.get(name="Contato").employer == party_matriz


def test_a_contact_person_cannot_be_attached_to_a_company_out_of_scope(
    login, manager, party_filial, unit_matriz
):
    party_filial.kind = "company"
    party_filial.tax_id = None
    party_filial.save()

    response = login(manager).post(
        "/parties/new/",
        form_data(manager, unit_matriz, name="Intruso", employer_id=party_filial.pk),
    )

    assert response.status_code == 200
    assert not Party.objects.filter(name="Intruso").exists()
