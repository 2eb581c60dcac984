"""The edit page: saves, inline errors, and the second of two editors is told, not overwritten."""

from clientela.audit.models import ChangeRecord
from clientela.parties import services
from clientela.parties.forms import party_initial

EN = {"accept-language": "en"}


def posted(party, **changes) -> dict:
    """What the browser would send back for the form as it was shown, plus `changes`."""
    data = {k: ("" if v is None else v) for k, v in party_initial(party).items()}
    for name in ("is_customer", "is_supplier", "is_active"):
        if data[name] is True:
            data[name] = "on"
        else:
            data.pop(name)
    data.update(changes)
    return data


def test_the_form_shows_phones_national_and_the_tax_id_formatted(login, agent_own, party_own):
    page = login(agent_own).get(f"/parties/{party_own.pk}/edit/").content.decode()

    assert 'value="(11) 98765-4321"' in page
    assert 'value="529.982.247-25"' in page
    assert 'name="version" value="1"' in page


def test_it_saves_and_goes_back_to_the_party(login, agent_own, party_own):
    response = login(agent_own).post(
        f"/parties/{party_own.pk}/edit/", posted(party_own, city="Santos")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/parties/{party_own.pk}/"
    party_own.refresh_from_db()
    assert (party_own.city, party_own.version) == ("Santos", 2)


def test_sending_the_form_back_unchanged_changes_nothing(login, agent_own, party_own):
    login(agent_own).post(f"/parties/{party_own.pk}/edit/", posted(party_own))

    party_own.refresh_from_db()
    assert party_own.version == 1
    assert not ChangeRecord.objects.filter(entity="party", action="update").exists()


def test_a_bad_field_is_shown_inline_and_nothing_is_saved(login, agent_own, party_own):
    response = login(agent_own).post(
        f"/parties/{party_own.pk}/edit/",
        posted(party_own, name="Novo Nome", phones="(11) 9999"),
        headers=EN,
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phones"]
    assert 'id="id_phones_error"' in response.content.decode()
    party_own.refresh_from_db()
    assert (party_own.name, party_own.version) == ("João da Silva", 1)
    assert not ChangeRecord.objects.filter(entity="party", action="update").exists()


def test_a_stale_version_shows_the_conflict_and_keeps_the_input(
    login, agent_own, manager, party_own
):
    form_as_shown = posted(party_own)
    services.party_update(actor=manager, party=party_own, data={"city": "Campinas"})

    response = login(agent_own).post(
        f"/parties/{party_own.pk}/edit/",
        {**form_as_shown, "name": "João Silva Editado"},
        headers=EN,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record while you were editing it." in page
    assert 'value="João Silva Editado"' in page
    assert "Campinas" in page  # the saved value the other person wrote
    party_own.refresh_from_db()
    assert (party_own.name, party_own.city, party_own.version) == ("João da Silva", "Campinas", 2)


def test_after_a_conflict_a_second_informed_save_goes_through(login, agent_own, manager, party_own):
    form_as_shown = posted(party_own)
    services.party_update(actor=manager, party=party_own, data={"city": "Campinas"})
    client = login(agent_own)
    conflict = client.post(f"/parties/{party_own.pk}/edit/", {**form_as_shown, "name": "Editado"})

    again = client.post(f"/parties/{party_own.pk}/edit/", conflict.context["form"].data)

    assert again.status_code == 302
    party_own.refresh_from_db()
    assert (party_own.name, party_own.version) == ("Editado", 3)


def test_an_agent_may_not_move_a_party_to_a_unit_not_theirs(
    login, agent_own, party_own, unit_filial
):
    response = login(agent_own).post(
        f"/parties/{party_own.pk}/edit/", posted(party_own, unit_id=unit_filial.pk)
    )

    assert response.status_code == 200
    party_own.refresh_from_db()
    assert party_own.unit_id != unit_filial.pk


def test_a_contact_whose_company_one_cannot_see_can_still_be_edited(
    login, admin, agent_own, party_own, party_matriz
):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})
    party_own.refresh_from_db()

    response = login(agent_own).post(
        f"/parties/{party_own.pk}/edit/", posted(party_own, city="Santos")
    )

    assert response.status_code == 302, response.context["form"].errors
    party_own.refresh_from_db()
    assert (party_own.city, party_own.employer_id) == ("Santos", party_matriz.pk)
