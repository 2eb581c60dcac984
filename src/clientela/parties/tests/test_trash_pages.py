"""Moving to the trash from the party page; the admins' trash with restore and purge."""

from clientela.parties import services
from clientela.parties.models import Party

EN = {"accept-language": "en"}


def test_a_manager_moves_a_party_to_the_trash(login, manager, party_matriz):
    response = login(manager).post(
        f"/parties/{party_matriz.pk}/delete/", {"version": party_matriz.version}
    )

    assert response.status_code == 302
    assert response["Location"] == "/parties/customers/"
    party_matriz.refresh_from_db()
    assert party_matriz.in_trash
    assert login(manager).get(f"/parties/{party_matriz.pk}/").status_code == 404


def test_a_stale_delete_is_refused_with_a_message(login, manager, admin, party_matriz):
    services.party_update(actor=admin, party=party_matriz, data={"city": "Santos"})

    response = login(manager).post(
        f"/parties/{party_matriz.pk}/delete/", {"version": 1}, headers=EN, follow=True
    )

    assert "Someone else changed this record" in response.content.decode()
    party_matriz.refresh_from_db()
    assert not party_matriz.in_trash


def test_an_agent_cannot_move_a_party_to_the_trash(login, agent_own, party_own):
    response = login(agent_own).post(f"/parties/{party_own.pk}/delete/")

    assert response.status_code == 403
    party_own.refresh_from_db()
    assert not party_own.in_trash


def test_the_trash_lists_trashed_parties_for_admins(login, admin, manager, party_matriz, party_own):
    services.party_trash(actor=manager, party=party_matriz)

    page = login(admin).get("/parties/trash/")

    assert [p.pk for p in page.context["page"].items] == [party_matriz.pk]
    assert "Manager" in page.content.decode()


def test_an_admin_restores_from_the_trash(login, admin, party_matriz):
    services.party_trash(actor=admin, party=party_matriz)

    response = login(admin).post(f"/parties/trash/{party_matriz.pk}/restore/")

    assert response["Location"] == f"/parties/{party_matriz.pk}/"
    party_matriz.refresh_from_db()
    assert not party_matriz.in_trash


def test_an_admin_purges_from_the_trash(login, admin, party_matriz):
    services.party_trash(actor=admin, party=party_matriz)

    response = login(admin).post(f"/parties/trash/{party_matriz.pk}/purge/")

    assert response["Location"] == "/parties/trash/"
    assert not Party.objects.filter(pk=party_matriz.pk).exists()


def test_a_party_not_in_the_trash_cannot_be_restored_or_purged_from_it(login, admin, party_own):
    client = login(admin)

    assert client.post(f"/parties/trash/{party_own.pk}/restore/").status_code == 404
    assert client.post(f"/parties/trash/{party_own.pk}/purge/").status_code == 404
    assert Party.objects.alive().filter(pk=party_own.pk).exists()
