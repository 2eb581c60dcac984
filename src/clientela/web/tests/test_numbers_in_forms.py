"""Ids and versions past 999 reach forms as plain digits, in both languages.

Grouping digits ("1,110" / "1.110") is for people reading numbers; a form that
posts such a value back names no record. PostgreSQL's sequences are not reset
between tests, which is how this showed up: the unit switcher stopped working.
"""

import re

import pytest

from clientela.accounts.models import Unit
from conftest import make_party


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_a_unit_past_999_is_switched_to_from_the_top_bar(login, admin, unit_matriz, language):
    far_unit = Unit.objects.create(pk=12345, name="Filial Distante")
    admin.units.add(far_unit)
    client = login(admin)
    client.cookies["clientela_language"] = language

    page = client.get("/parties/customers/").content.decode()

    assert 'value="12345"' in page
    response = client.post("/accounts/unit/", {"unit": "12345"})
    assert response.status_code == 302
    assert client.session["current_unit_id"] == 12345


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_a_version_past_999_is_sent_back_as_it_is(login, admin, unit_matriz, language):
    party = make_party(owner=admin, unit=unit_matriz, name="Muito Editada")
    type(party).objects.filter(pk=party.pk).update(version=1234)
    client = login(admin)
    client.cookies["clientela_language"] = language

    page = client.get(f"/parties/{party.pk}/").content.decode()

    assert re.search(r'name="version" value="1234"', page)
