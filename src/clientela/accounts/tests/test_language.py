"""Which language a page speaks: the user's setting, else the switch or browser, else pt-BR.

Translations come and go; these tests read the Content-Language header and <html lang>.
"""

import pytest
from django.test import Client

from clientela.accounts.tokens import token_create
from conftest import PASSWORD


def language_of(response) -> str:
    html_lang = response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]
    assert html_lang == response["Content-Language"]
    return response["Content-Language"]


def test_without_a_header_pages_are_in_brazilian_portuguese(db):
    assert language_of(Client().get("/accounts/login/")) == "pt-br"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("en", "en"), ("en-US,en;q=0.9", "en"), ("pt-BR,pt;q=0.9", "pt-br"), ("de-DE", "pt-br")],
)
def test_the_browsers_language_is_followed(db, header, expected):
    response = Client().get("/accounts/login/", headers={"accept-language": header})

    assert language_of(response) == expected
    assert "Accept-Language" in response["Vary"]


def test_the_users_setting_wins_over_the_browser(login, agent_own):
    agent_own.language = "pt-BR"
    agent_own.save()

    response = login(agent_own).get("/accounts/profile/", headers={"accept-language": "en"})

    assert language_of(response) == "pt-br"


def test_english_as_a_setting_wins_over_a_portuguese_browser(login, agent_own):
    agent_own.language = "en"
    agent_own.save()

    response = login(agent_own).get("/accounts/profile/", headers={"accept-language": "pt-BR"})

    assert language_of(response) == "en"


def test_the_api_answers_in_the_language_too(client, agent_own):
    agent_own.language = "en"
    agent_own.save()
    client.force_login(agent_own)

    response = client.get("/api/v1/me", headers={"accept-language": "pt-BR"})

    assert response["Content-Language"] == "en"


def test_the_switch_sets_a_cookie_for_an_anonymous_visitor(client, db):
    response = client.post("/accounts/language/", {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.cookies["clientela_language"].value == "en"
    assert language_of(client.get("/accounts/login/")) == "en"


def test_the_switch_is_saved_on_a_logged_in_user(login, agent_own):
    login(agent_own).post("/accounts/language/", {"language": "en", "next": "/accounts/profile/"})

    agent_own.refresh_from_db()
    assert agent_own.language == "en"
    # Another browser, no cookie, a Portuguese header: the user's setting still wins.
    elsewhere = Client()
    elsewhere.login(username="agent_own", password=PASSWORD)
    response = elsewhere.get("/accounts/profile/", headers={"accept-language": "pt-BR"})
    assert language_of(response) == "en"


def test_the_switch_works_for_a_user_without_crm_access(login, outsider):
    login(outsider).post("/accounts/language/", {"language": "en"})

    outsider.refresh_from_db()
    assert outsider.language == "en"


def test_the_switch_ignores_an_unknown_language(client, agent_own):
    client.force_login(agent_own)

    response = client.post("/accounts/language/", {"language": "xx"})

    assert response.status_code == 302
    assert "clientela_language" not in client.cookies
    agent_own.refresh_from_db()
    assert agent_own.language is None


def test_the_switch_never_redirects_to_another_site(client, db):
    response = client.post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_the_switch_refuses_a_get(client, db):
    assert client.get("/accounts/language/?language=en").status_code == 405


def test_the_api_follows_the_users_setting_with_a_token_too(client, agent_own):
    agent_own.language = "en"
    agent_own.save()
    _token, raw = token_create(user=agent_own, name="script")

    response = client.patch(
        "/api/v1/me",
        {"email": "nope"},
        content_type="application/json",
        headers={"authorization": f"Bearer {raw}", "accept-language": "pt-BR"},
    )

    assert response.status_code == 422
    assert response["Content-Language"] == "en"
    assert response.json()["errors"]["email"] == ["Enter a valid email address."]
