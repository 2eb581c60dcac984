"""The demo data (`clientela demo`) and the benchmark seed (`clientela manage seed`)."""

import pytest
from django.core.management import CommandError, call_command

from clientela.accounts.models import User
from clientela.accounts.services import bootstrap_admin
from clientela.audit.models import ChangeRecord
from clientela.devdata.demo import DemoRefused, load_demo
from clientela.parties.models import Party


@pytest.fixture
def first_run(db):
    admin, _password = bootstrap_admin("uma-senha-bem-longa-1")
    return admin


def test_the_demo_loads_once_with_users_units_and_parties_through_the_services(first_run):
    result = load_demo()

    assert result["loaded"] is True
    assert {username for username, _password, _role in result["users"]} == {
        "gerente", "ana", "bruno",
    }  # fmt: skip
    assert Party.objects.count() == result["parties"] > 270
    # Through the services: every party has its creation recorded, every CPF/CNPJ is valid.
    assert ChangeRecord.objects.filter(entity="party", action="create").count() == result["parties"]
    assert Party.objects.filter(employer__isnull=False, is_customer=False).exists()
    again = load_demo()
    assert again["loaded"] is False and again["users"] == []
    assert Party.objects.count() == result["parties"]


def test_the_demo_refuses_a_database_with_data_of_its_own(first_run):
    from clientela.parties.services import party_create

    unit = first_run.units.get()
    party_create(actor=first_run, data={"name": "Cliente Real", "unit_id": unit.pk})

    with pytest.raises(DemoRefused):
        load_demo()
    assert not User.objects.filter(username="gerente").exists()


def test_the_seed_appends_parties_without_history_and_with_search_columns(first_run):
    call_command("seed", parties=300, activities=0, random_seed=7, verbosity=0)

    assert Party.objects.count() == 300
    assert not ChangeRecord.objects.filter(entity="party").exists()
    assert not Party.objects.filter(search_text="").exists()
    sample = Party.objects.order_by("pk").first()
    assert Party.objects.search(sample.name.split()[0]).filter(pk=sample.pk).exists()


def test_the_seed_refuses_activities_it_cannot_make_yet(first_run):
    with pytest.raises(CommandError, match="relationship log"):
        call_command("seed", parties=1, activities=5, verbosity=0)
