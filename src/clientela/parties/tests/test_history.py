"""Who changed what and when: recorded by the services, shown on the history tab, redactable."""

import datetime

import pytest
import time_machine

from clientela.audit.models import ChangeRecord
from clientela.audit.services import REDACTED, history_for, history_redact
from clientela.parties import services

MOMENT = datetime.datetime(2026, 2, 10, 14, 0, tzinfo=datetime.UTC)


def records(pk) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(entity="party", object_id=pk).order_by("id"))


def test_create_records_who_when_and_every_value(agent_own, unit_matriz):
    with time_machine.travel(MOMENT, tick=False):
        party = services.party_create(
            actor=agent_own,
            data={"name": "Helena", "phones": ["11 98765-4321"], "unit_id": unit_matriz.pk},
        )

    (record,) = records(party.pk)
    assert (record.action, record.actor, record.actor_name, record.at) == (
        "create",
        agent_own,
        "agent_own",
        MOMENT,
    )
    assert record.changes["name"] == [None, "Helena"]
    assert record.changes["phones"] == [None, ["+5511987654321"]]
    assert record.changes["owner"] == [None, agent_own.pk]
    assert record.changes["unit"] == [None, unit_matriz.pk]


def test_update_records_only_what_changed_old_and_new(manager, party_own):
    services.party_update(
        actor=manager, party=party_own, data={"name": "João S.", "city": "São Paulo"}
    )

    (record,) = records(party_own.pk)
    assert record.action == "update"
    assert record.actor == manager
    assert record.changes == {"name": ["João da Silva", "João S."]}


def test_trash_restore_and_purge_are_recorded(admin, manager, party_own):
    services.party_trash(actor=manager, party=party_own)
    services.party_restore(actor=admin, party=party_own)
    services.party_trash(actor=admin, party=party_own)
    services.party_purge(actor=admin, party=party_own)

    assert [(r.action, r.actor) for r in records(party_own.pk)] == [
        ("delete", manager),
        ("restore", admin),
        ("delete", admin),
        ("purge", admin),
    ]


def test_a_refused_change_records_nothing(agent_own, party_own):
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, the record count matters
        services.party_update(actor=agent_own, party=party_own, data={"email": "nope"})

    assert records(party_own.pk) == []


def test_the_history_tab_shows_who_and_old_to_new(login, manager, agent_own, party_own):
    services.party_update(actor=manager, party=party_own, data={"city": "Santos"})

    page = (
        login(agent_own)
        .get(f"/parties/{party_own.pk}/history/", headers={"accept-language": "en"})
        .content.decode()
    )

    assert "Manager" in page
    assert "changed" in page
    assert "<del>São Paulo</del> → <ins>Santos</ins>" in page


def test_the_history_tab_names_people_and_units(login, admin, manager, party_own, unit_filial):
    services.party_update(
        actor=admin, party=party_own, data={"owner_id": manager.pk, "unit_id": unit_filial.pk}
    )

    page = login(admin).get(f"/parties/{party_own.pk}/history/").content.decode()

    assert "<del>Agent Own</del> → <ins>Manager</ins>" in page
    assert "<del>Matriz</del> → <ins>Filial Campinas</ins>" in page


@pytest.mark.parametrize("changes", [2, 20])
def test_the_history_tab_runs_a_bounded_number_of_queries(
    login, admin, manager, agent_all, party_own, unit_filial, django_assert_max_num_queries, changes
):
    owners = [admin, manager, agent_all]
    for i in range(changes):
        services.party_update(
            actor=owners[i % 3], party=party_own, data={"owner_id": owners[(i + 1) % 3].pk}
        )
    client = login(admin)

    # Session, user, the party, the records, one lookup each for the users and units named,
    # the unit switcher.
    with django_assert_max_num_queries(7):
        response = client.get(f"/parties/{party_own.pk}/history/")

    assert len(response.context["records"]) == changes


def test_redaction_blanks_the_recorded_values(login, admin, party_own):
    services.party_update(actor=admin, party=party_own, data={"name": "João Renomeado"})

    history_redact(entity="party", object_id=party_own.pk, fields=None, actor=admin)

    for record in history_for("party", party_own.pk):
        for old_new in record.changes.values():
            assert "João da Silva" not in old_new and "João Renomeado" not in old_new
    assert ChangeRecord.objects.filter(
        entity="party", object_id=party_own.pk, action="redact"
    ).exists()
    page = login(admin).get(f"/parties/{party_own.pk}/history/").content.decode()
    assert REDACTED in page
    assert "João da Silva" not in page.split('class="history"')[1]


def test_redaction_of_some_fields_keeps_the_others(admin, party_own):
    services.party_update(actor=admin, party=party_own, data={"name": "Outro", "city": "Santos"})

    history_redact(entity="party", object_id=party_own.pk, fields=["name"], actor=admin)

    update = ChangeRecord.objects.get(entity="party", object_id=party_own.pk, action="update")
    assert update.changes == {"name": [REDACTED, REDACTED], "city": ["São Paulo", "Santos"]}


def test_purging_a_company_detaches_its_contact_people_on_the_record(admin, unit_matriz):
    company = services.party_create(
        actor=admin, data={"name": "Oficina Ltda", "kind": "company", "unit_id": unit_matriz.pk}
    )
    person = services.party_create(
        actor=admin,
        data={"name": "Rita", "employer_id": company.pk, "unit_id": unit_matriz.pk},
    )
    services.party_trash(actor=admin, party=company)

    services.party_purge(actor=admin, party=company)

    person.refresh_from_db()
    assert person.employer_id is None
    assert person.version == 2
    assert records(person.pk)[-1].changes == {"employer": [company.pk, None]}
    assert records(company.pk)[-1].action == "purge"


def test_create_leaves_out_fields_left_empty(agent_own, unit_matriz):
    party = services.party_create(actor=agent_own, data={"name": "Lia", "unit_id": unit_matriz.pk})

    (record,) = records(party.pk)
    assert "email" not in record.changes
    assert "complement" not in record.changes
    assert "tags" not in record.changes
    assert record.changes["is_customer"] == [None, True]


def test_the_history_does_not_name_a_company_outside_ones_scope(
    login, api, admin, agent_own, party_own, party_matriz
):
    services.party_update(actor=admin, party=party_own, data={"employer_id": party_matriz.pk})

    page = (
        login(agent_own)
        .get(f"/parties/{party_own.pk}/history/", headers={"accept-language": "en"})
        .content.decode()
    )
    answer = api(agent_own).get(f"/api/v1/parties/{party_own.pk}/history").json()

    assert "a company you cannot see" in page
    assert f"#{party_matriz.pk}" not in page and party_matriz.name not in page
    assert answer["items"][0]["changes"]["employer"] == [None, None]
    # Who may see the company reads its name.
    admin_page = login(admin).get(f"/parties/{party_own.pk}/history/").content.decode()
    assert party_matriz.name in admin_page
