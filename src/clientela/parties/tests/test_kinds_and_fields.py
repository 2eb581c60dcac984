"""Person or company: the rules that follow the kind, the fields each kind has, and the
phones and registrations of Brazilian records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from clientela.parties import services
from clientela.parties.models import Party

EN = {"accept-language": "en"}


def refused(actor, party=None, **data) -> dict:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        if party is None:
            services.party_create(actor=actor, data=data)
        else:
            services.party_update(actor=actor, party=party, data=data)
    return exc.value.message_dict


def test_a_company_with_contact_people_cannot_become_a_person(admin, party_matriz, party_own):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})

    errors = refused(admin, party_matriz, kind="person", tax_id=None)

    assert list(errors) == ["kind"]
    assert "has contact people" in errors["kind"][0]
    party_matriz.refresh_from_db()
    assert party_matriz.kind == "company"


def test_a_company_whose_contacts_are_in_the_trash_still_cannot_become_a_person(
    admin, party_matriz, party_own
):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})
    services.party_trash(actor=admin, party=party_own)

    assert list(refused(admin, party_matriz, kind="person", tax_id=None)) == ["kind"]


def test_a_person_who_works_at_a_company_cannot_become_a_company(admin, party_matriz, party_own):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})

    errors = refused(admin, party_own, kind="company", tax_id=None)

    assert list(errors) == ["kind"]
    assert "remove the company they work at first" in errors["kind"][0]
    party_own.refresh_from_db()
    assert (party_own.kind, party_own.employer_id) == ("person", party_matriz.pk)


def test_a_company_does_not_work_at_another_company(admin, party_matriz, unit_matriz):
    errors = refused(
        admin, kind="company", name="Filha", employer_id=party_matriz.pk, unit_id=unit_matriz.pk
    )

    assert errors == {"employer_id": ["Only people work at a company."]}


def test_a_cpf_for_a_company_and_a_cnpj_for_a_person_say_which_kind_they_are(admin, unit_matriz):
    company = refused(admin, kind="company", name="X", tax_id="529.982.247-25",
                      unit_id=unit_matriz.pk)  # fmt: skip
    person = refused(admin, kind="person", name="Y", tax_id="11.222.333/0001-81",
                     unit_id=unit_matriz.pk)  # fmt: skip

    assert company["tax_id"][0].startswith("This is a CPF, the number of a person")
    assert person["tax_id"][0].startswith("This is a CNPJ, the number of a company")


def test_companies_have_state_and_municipal_registrations(admin, unit_matriz):
    party = services.party_create(
        actor=admin,
        data={"kind": "company", "name": "Oficina", "state_registration": "isento",
              "municipal_registration": " 123.456-7 ", "unit_id": unit_matriz.pk},
    )  # fmt: skip

    assert (party.state_registration, party.municipal_registration) == ("ISENTO", "123.456-7")
    assert refused(admin, party, state_registration="12<>34") == {
        "state_registration": [
            "Enter the registration number (digits, dots, dashes and slashes) or ISENTO."
        ]
    }


def test_people_have_a_date_of_birth_companies_do_not(admin, party_own, party_matriz):
    services.party_update(actor=admin, party=party_own, data={"birth_date": "1980-02-29"})
    party_own.refresh_from_db()

    assert party_own.birth_date == datetime.date(1980, 2, 29)
    assert refused(admin, party_matriz, birth_date="1980-01-01") == {
        "birth_date": ["Only people have a date of birth."]
    }
    assert list(refused(admin, party_own, birth_date="2999-01-01")) == ["birth_date"]
    assert list(refused(admin, party_own, birth_date="31/12/1980")) == ["birth_date"]


def test_an_old_8_digit_mobile_is_stored_with_its_9_and_a_notice(admin, unit_matriz):
    with translation.override("en"):
        party = services.party_create(
            actor=admin,
            data={"name": "Cliente Antigo", "phones": ["11 8765-4321", "(11) 3333-4444"],
                  "unit_id": unit_matriz.pk},
        )  # fmt: skip

    assert party.phones == ["+5511987654321", "+551133334444"]
    assert party.notices == [
        "11 8765-4321 is an old 8-digit mobile: it was saved as (11) 98765-4321."
    ]


def test_the_page_says_when_a_mobile_got_its_9(login, agent_own, unit_matriz):
    response = login(agent_own).post(
        "/parties/new/",
        {"kind": "person", "name": "Cliente Antigo", "phones": "11 8765-4321",
         "owner_id": agent_own.pk, "unit_id": unit_matriz.pk, "is_customer": "on",
         "country": "BR"},
        headers=EN,
        follow=True,
    )  # fmt: skip

    assert "it was saved as (11) 98765-4321" in response.content.decode()


def test_a_landline_of_8_digits_is_not_turned_into_a_mobile(admin, unit_matriz):
    errors = refused(admin, name="Fixo", phones=["11 2345 678"], unit_id=unit_matriz.pk)

    assert list(errors) == ["phones"]


def test_a_contact_person_is_neither_customer_nor_supplier_by_default(
    login, api, manager, party_matriz
):
    page = login(manager).get(f"/parties/new/?employer={party_matriz.pk}").content.decode()
    created = api(manager).post(
        "/api/v1/parties", {"name": "Carla Compras", "employer_id": party_matriz.pk}
    )

    assert 'name="is_customer" id="id_is_customer"' in page
    assert 'name="is_customer" id="id_is_customer" checked' not in page
    assert created.json()["is_customer"] is False
    assert Party.objects.get(name="Carla Compras").is_supplier is False


def test_the_form_speaks_of_a_companys_legal_and_trade_name(
    login, manager, party_matriz, party_own
):
    client = login(manager)
    company = client.get(f"/parties/{party_matriz.pk}/edit/", headers=EN).content.decode()
    person = client.get(f"/parties/{party_own.pk}/edit/", headers=EN).content.decode()

    assert "Legal name (razão social)" in company and "Trade name (nome fantasia)" in company
    assert (
        "Full name" in person
        and "Legal name" not in person.split("<form")[1].split("data-label-company")[0]
    )
    # "Job title" is for people who work at a company only.
    assert 'name="job_title"' not in person


def test_the_detail_page_leaves_out_empty_address_parts(login, admin, unit_matriz):
    party = services.party_create(
        actor=admin, data={"name": "Só CEP", "zip_code": "01310100", "unit_id": unit_matriz.pk}
    )

    page = login(admin).get(f"/parties/{party.pk}/").content.decode()

    assert "<dd>CEP 01310-100</dd>" in page
    assert "· CEP" not in page and "—CEP" not in page


def test_a_person_with_a_job_title_becomes_a_company_only_without_it(admin, party_own):
    services.party_update(actor=admin, party=party_own, data={"job_title": "Compradora"})

    assert list(refused(admin, party_own, kind="company", tax_id=None)) == ["job_title"]
    saved = services.party_update(
        actor=admin, party=party_own, data={"kind": "company", "tax_id": None, "job_title": ""}
    )
    assert (saved.kind, saved.job_title) == ("company", "")


def test_cancel_on_a_contact_persons_form_goes_back_to_the_company(login, manager, party_matriz):
    page = login(manager).get(f"/parties/new/?employer={party_matriz.pk}").content.decode()

    assert f'<a href="/parties/{party_matriz.pk}/">' in page.split('type="submit"')[-1]
