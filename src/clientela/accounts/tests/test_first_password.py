"""A generated first password (bootstrap_admin) must be changed at the first login:
until then every page but the change-password page, logout and the language switch
sends the user there."""

import pytest
from django.test import Client

from clientela.accounts.models import ApiToken, Unit, User
from clientela.accounts.services import bootstrap_admin
from clientela.accounts.tokens import token_create

EN = {"accept-language": "en"}
CHOSEN = "minha-propria-senha-42"


@pytest.fixture
def first_admin(db):
    admin, password = bootstrap_admin(None)
    assert admin.must_change_password
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "admin", "password": password}, headers=EN
    )
    assert response.status_code == 302
    client.generated_password = password
    return client


@pytest.mark.parametrize(
    "path",
    ["/", "/parties/customers/", "/accounts/profile/", "/accounts/tokens/", "/accounts/users/"],
)
def test_every_page_sends_the_user_to_change_the_generated_password(first_admin, path):
    response = first_admin.get(path, headers=EN)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/?next=" + path.replace("/", "%2F")


def test_a_post_elsewhere_is_not_carried_out(first_admin):
    response = first_admin.post("/accounts/tokens/", {"name": "sneaky"}, headers=EN)

    assert response["Location"] == "/accounts/password/"
    assert not ApiToken.objects.exists()


def test_an_htmx_request_is_sent_to_the_page_with_a_full_redirect(first_admin):
    response = first_admin.get("/parties/customers/?q=silva", headers={**EN, "HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/password/?next=")


def test_the_password_page_says_why(first_admin):
    page = first_admin.get("/accounts/password/", headers=EN).content.decode()

    assert "Choose your own password to go on." in page
    assert "the password Clientela generated" in page


def test_logout_language_and_static_files_stay_open(first_admin):
    assert first_admin.get("/static/web/clientela.css").status_code == 200
    language = first_admin.post("/accounts/language/", {"language": "en", "next": "/"})
    assert language.status_code == 302
    assert first_admin.post("/accounts/logout/")["Location"] == "/accounts/login/"


def test_after_the_change_the_user_goes_where_they_were_going(first_admin):
    response = first_admin.post(
        "/accounts/password/",
        {
            "old_password": first_admin.generated_password,
            "new_password": CHOSEN,
            "new_password_again": CHOSEN,
            "next": "/parties/customers/",
        },
        headers=EN,
    )

    assert response["Location"] == "/parties/customers/"
    assert first_admin.get("/parties/customers/", headers=EN).status_code == 200
    assert first_admin.get("/accounts/password/", headers=EN).context["required"] is False


def test_a_refused_change_keeps_the_pages_closed(first_admin):
    response = first_admin.post(
        "/accounts/password/",
        {"old_password": first_admin.generated_password, "new_password": "curta",
         "new_password_again": "curta"},
        headers=EN,
    )  # fmt: skip

    assert response.status_code == 200
    assert first_admin.get("/parties/customers/").status_code == 302


def test_the_api_is_not_redirected(db):
    admin, _password = bootstrap_admin(None)
    _token, raw = token_create(user=admin, name="cli")

    response = Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"})

    assert response.status_code == 200


def test_a_chosen_first_password_is_not_asked_to_change(db):
    bootstrap_admin("escolhida-pelo-dono-1")
    client = Client()
    client.post("/accounts/login/", {"username": "admin", "password": "escolhida-pelo-dono-1"})

    assert client.get("/parties/customers/").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/me", None),
        ("patch", "/api/v1/me", {"full_name": "Outro Nome"}),
        ("get", "/api/v1/parties", None),
        ("post", "/api/v1/units", {"name": "Filial"}),
    ],
)
def test_the_api_with_the_browser_session_waits_for_the_new_password_too(
    first_admin, method, path, body
):
    send = getattr(first_admin, method)
    response = send(path, body or {}, content_type="application/json", headers=EN)

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("Change your password first:")
    assert "http://testserver/accounts/password/" in detail
    assert not Unit.objects.filter(name="Filial").exists()
    assert User.objects.get(username="admin").full_name != "Outro Nome"


def test_the_api_with_the_browser_session_opens_once_the_password_is_changed(first_admin):
    first_admin.post(
        "/accounts/password/",
        {
            "old_password": first_admin.generated_password,
            "new_password": CHOSEN,
            "new_password_again": CHOSEN,
        },
        headers=EN,
    )

    assert first_admin.get("/api/v1/me", headers=EN).status_code == 200
