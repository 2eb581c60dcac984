"""The time-zone list of the profile: Brazil's zones first by their local names, then the rest."""

import re

import pytest

from clientela.accounts.models import User

EN = {"accept-language": "en"}
PT = {"accept-language": "pt-BR"}
BRAZIL = {
    "America/Sao_Paulo", "America/Noronha", "America/Fortaleza", "America/Recife",
    "America/Maceio", "America/Bahia", "America/Belem", "America/Santarem",
    "America/Araguaina", "America/Manaus", "America/Boa_Vista", "America/Porto_Velho",
    "America/Cuiaba", "America/Campo_Grande", "America/Rio_Branco", "America/Eirunepe",
}  # fmt: skip


def groups(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    select = re.search(r'<select name="time_zone".*?</select>', page, re.S)[0]
    found = []
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S):
        found.append((label, re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', body)))
    return found


def test_brazils_zones_come_first_in_their_own_group_by_local_name(login, agent_own):
    page = login(agent_own).get("/accounts/profile/", headers=EN).content.decode()

    (brazil_label, brazil), (other_label, others) = groups(page)
    assert (brazil_label, other_label) == ("Brazil", "Other time zones")
    assert {value for value, _label in brazil} == BRAZIL
    assert brazil[0] == (
        "America/Sao_Paulo",
        "Brasília (São Paulo, Rio, the Southeast and South, Goiás, DF) — UTC−3",
    )
    labels = dict(brazil)
    assert labels["America/Manaus"] == "Manaus (Amazonas) — UTC−4"
    assert labels["America/Cuiaba"] == "Cuiabá (Mato Grosso) — UTC−4"
    assert labels["America/Rio_Branco"] == "Rio Branco (Acre) — UTC−5"
    assert labels["America/Noronha"] == "Fernando de Noronha — UTC−2"
    assert labels["America/Fortaleza"].startswith("Fortaleza (Ceará")
    values = [value for value, _label in others]
    assert not BRAZIL & set(values)
    assert not [v for v in values if v.startswith("Brazil/")]
    assert ("America/New_York", "America/New York") in others
    assert len(values) > 400


def test_the_local_names_in_portuguese(login, agent_own):
    page = login(agent_own).get("/accounts/profile/", headers=PT).content.decode()

    (brazil_label, brazil), (other_label, _others) = groups(page)
    assert (brazil_label, other_label) == ("Brasil", "Outros fusos horários")
    labels = dict(brazil)
    brasilia = "Brasília (São Paulo, Rio, Sudeste e Sul, Goiás, DF) — UTC−3"
    assert labels["America/Sao_Paulo"] == brasilia
    assert labels["America/Santarem"] == "Santarém (oeste do Pará) — UTC−3"
    assert "Padrão do servidor: Brasília" in page


@pytest.mark.parametrize("zone", ["America/Cuiaba", "Europe/Lisbon", ""])
def test_a_zone_from_the_list_is_saved(login, agent_own, zone):
    response = login(agent_own).post(
        "/accounts/profile/", {"full_name": "Agent Own", "language": "", "time_zone": zone}
    )

    assert response.status_code == 302
    agent_own.refresh_from_db()
    assert agent_own.time_zone == zone


def test_a_zone_outside_the_list_stays_when_the_form_is_saved_untouched(login, agent_own):
    User.objects.filter(pk=agent_own.pk).update(time_zone="Brazil/East")
    client = login(agent_own)
    page = client.get("/accounts/profile/", headers=EN).content.decode()
    assert '<option value="Brazil/East" selected>' in page

    response = client.post(
        "/accounts/profile/",
        {"full_name": "Outro Nome", "language": "", "time_zone": "Brazil/East"},
    )

    assert response.status_code == 302
    agent_own.refresh_from_db()
    assert (agent_own.full_name, agent_own.time_zone) == ("Outro Nome", "Brazil/East")


def test_an_unknown_zone_is_refused_inline(login, agent_own):
    response = login(agent_own).post(
        "/accounts/profile/", {"full_name": "x", "language": "", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
