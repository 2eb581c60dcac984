"""CPF and CNPJ: check digits, the alphanumeric CNPJ, canonical storage and uniqueness."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from clientela.parties import brazil, services
from clientela.parties.models import Party


@pytest.mark.parametrize(
    ("raw", "kind", "stored"),
    [
        ("529.982.247-25", "person", "52998224725"),
        ("52998224725", "person", "52998224725"),
        (" 529 982 247 25 ", "person", "52998224725"),
        ("11.222.333/0001-81", "company", "11222333000181"),
        ("11222333000181", "company", "11222333000181"),
        ("12.ABC.345/01DE-35", "company", "12ABC34501DE35"),
        ("12.abc.345/01de-35", "company", "12ABC34501DE35"),
        ("12ABC34501DE35", "company", "12ABC34501DE35"),
    ],
)
def test_it_accepts_a_valid_tax_id_with_or_without_punctuation(raw, kind, stored):
    assert brazil.normalize_tax_id(raw, kind) == stored


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("529.982.247-24", "person"),  # wrong check digit
        ("111.111.111-11", "person"),  # one repeated digit: valid digits, never issued
        ("000.000.000-00", "person"),
        ("999.999.999-99", "person"),
        ("5299822472", "person"),  # too short
        ("11.222.333/0001-82", "company"),
        ("11.111.111/1111-11", "company"),
        ("12.ABC.345/01DE-36", "company"),
        ("52998224725", "company"),  # a CPF is not a CNPJ
        ("11222333000181", "person"),  # nor the other way round
        ("CPF 529.982.247-25", "person"),
    ],
)
def test_it_refuses_an_invalid_tax_id(raw, kind):
    with pytest.raises(ValidationError):
        brazil.normalize_tax_id(raw, kind)


def test_it_refuses_a_repeated_digit_cpf_on_the_page(login, agent_own, unit_matriz):
    response = login(agent_own).post(
        "/parties/new/",
        {"kind": "person", "name": "Repetido", "tax_id": "111.111.111-11",
         "owner_id": agent_own.pk, "unit_id": unit_matriz.pk, "is_customer": "on"},
        headers={"accept-language": "en"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["tax_id"] == [
        "Enter a valid CPF (11 digits with correct check digits)."
    ]
    assert not Party.objects.filter(name="Repetido").exists()


def test_the_page_shows_a_tax_id_formatted(login, admin, unit_matriz):
    party = services.party_create(
        actor=admin,
        data={"kind": "company", "name": "Nova Era", "tax_id": "12abc34501de35",
              "unit_id": unit_matriz.pk},
    )  # fmt: skip

    page = login(admin).get(f"/parties/{party.pk}/").content.decode()

    assert party.tax_id == "12ABC34501DE35"
    assert "12.ABC.345/01DE-35" in page


def test_a_tax_id_is_unique_among_parties_not_in_the_trash(admin, party_own, unit_matriz):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.party_create(
            actor=admin, data={"name": "Outro", "tax_id": "52998224725", "unit_id": unit_matriz.pk}
        )

    assert refused.value.message_dict == {
        "tax_id": [f"This CPF/CNPJ is already registered for “João da Silva” (#{party_own.pk})."]
    }


def test_changing_a_tax_id_to_a_taken_one_is_refused(admin, party_own, party_filial):
    with pytest.raises(ValidationError) as refused:
        services.party_update(actor=admin, party=party_filial, data={"tax_id": "529.982.247-25"})

    assert list(refused.value.message_dict) == ["tax_id"]
    party_filial.refresh_from_db()
    assert party_filial.tax_id == "39053344705"


def test_a_party_in_the_trash_does_not_block_its_tax_id(admin, manager, party_own, unit_matriz):
    services.party_trash(actor=admin, party=party_own)

    again = services.party_create(
        actor=manager,
        data={"name": "João Novo", "tax_id": "52998224725", "unit_id": unit_matriz.pk},
    )

    assert again.tax_id == party_own.tax_id


def test_restoring_a_party_whose_tax_id_is_taken_is_refused_clearly(
    login, admin, manager, party_own, unit_matriz
):
    services.party_trash(actor=admin, party=party_own)
    services.party_create(
        actor=manager,
        data={"name": "João Novo", "tax_id": "52998224725", "unit_id": unit_matriz.pk},
    )

    response = login(admin).post(
        f"/parties/trash/{party_own.pk}/restore/", headers={"accept-language": "en"}, follow=True
    )

    page = response.content.decode()
    # A lasting alert (not a vanishing toast) that names the other record and says what to do.
    assert 'class="alert error"' in page
    assert "cannot be restored: its CPF/CNPJ is now registered for “João Novo”" in page
    assert "then restore again" in page
    party_own.refresh_from_db()
    assert party_own.in_trash


def test_a_taken_tax_id_links_to_the_record_when_one_can_see_it(
    login, agent_own, party_own, unit_matriz
):
    response = login(agent_own).post(
        "/parties/new/",
        {"kind": "person", "name": "Outro João", "tax_id": "529.982.247-25",
         "owner_id": agent_own.pk, "unit_id": unit_matriz.pk, "is_customer": "on"},
        headers={"accept-language": "en"},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "already registered for “João da Silva”" in page
    assert f'href="/parties/{party_own.pk}/"' in page


def test_a_taken_tax_id_outside_ones_scope_reveals_nothing(
    login, agent_unit_b, party_own, unit_filial
):
    response = login(agent_unit_b).post(
        "/parties/new/",
        {"kind": "person", "name": "Outro João", "tax_id": "529.982.247-25",
         "owner_id": agent_unit_b.pk, "unit_id": unit_filial.pk, "is_customer": "on"},
        headers={"accept-language": "en"},
    )  # fmt: skip

    page = response.content.decode()
    errors = response.context["form"].errors.as_data()
    assert [e.messages for e in errors["tax_id"]] == [
        [
            "This CPF/CNPJ cannot be used: it belongs to a record you cannot see. "
            "Ask a manager or an administrator."
        ]
    ]
    assert "João da Silva" not in page
    assert f"/parties/{party_own.pk}/" not in page
    assert f"#{party_own.pk}" not in page
    assert Party.objects.filter(tax_id="52998224725").count() == 1


def test_probing_tax_ids_outside_ones_scope_is_throttled(agent_unit_b, party_own, unit_filial):
    def attempt(tax_id):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.party_create(
                actor=agent_unit_b,
                data={"name": "Sonda", "tax_id": tax_id, "unit_id": unit_filial.pk},
            )
        return refused.value.message_dict["tax_id"][0]

    for _ in range(services.TAX_ID_PROBING.refusals):
        assert attempt("529.982.247-25").startswith("This CPF/CNPJ cannot be used")

    # Now even a CPF nobody has is refused without being looked up.
    assert attempt("390.533.447-05").startswith("Too many CPF/CNPJs refused")
    assert not Party.objects.filter(name="Sonda").exists()


def test_refusals_of_visible_records_are_not_counted_as_probing(agent_own, party_own, unit_matriz):
    for _ in range(services.TAX_ID_PROBING.refusals + 2):
        with pytest.raises(ValidationError) as refused:
            services.party_create(
                actor=agent_own,
                data={"name": "Duplicado", "tax_id": "52998224725", "unit_id": unit_matriz.pk},
            )
        assert refused.value.error_dict["tax_id"][0].code == "tax_id_taken"


def test_a_throttled_agent_still_saves_records_whose_tax_id_does_not_change(
    agent_unit_b, party_own, party_filial, unit_filial
):
    for _ in range(services.TAX_ID_PROBING.refusals):
        with pytest.raises(ValidationError):
            services.party_create(
                actor=agent_unit_b,
                data={"name": "Sonda", "tax_id": "529.982.247-25", "unit_id": unit_filial.pk},
            )

    saved = services.party_update(
        actor=agent_unit_b,
        party=party_filial,
        data={"tax_id": "390.533.447-05", "kind": "person", "city": "Santos"},
    )

    assert (saved.tax_id, saved.city) == ("39053344705", "Santos")
