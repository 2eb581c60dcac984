"""Password reset by e-mail: the request (no account enumeration, throttled), the link,
the new password (sessions and tokens end, history), and sending through real SMTP.

The request only queues the mail; the worker's job sends it (see
test_password_reset_mails.py for the queue itself). `ask_for_link` runs that job right
after the request, as a running worker would within seconds."""

import datetime
import re
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import time_machine
from django.core import mail
from django.test import Client

from clientela.accounts import services
from clientela.accounts.models import LoginFailure, User
from clientela.accounts.tokens import token_create
from clientela.audit.models import ChangeRecord
from conftest import PASSWORD, make_user

EN = {"accept-language": "en"}
FORGOT = "/accounts/password/forgot/"
NEW_PASSWORD = "uma-senha-nova-e-longa-3"
LINK = re.compile(r"http://testserver(/accounts/password/reset/[^\s]+/)")
START = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def maria(unit_matriz):
    return make_user("maria", email="maria@exemplo.com.br", units=[unit_matriz])


def ask_for_link(email, client=None, address="198.51.100.7", *, send=True, **headers):
    """Ask for a link on the page; then (`send`) the worker sends what was queued."""
    client = client or Client()
    response = client.post(FORGOT, {"email": email}, headers={**EN, **headers}, REMOTE_ADDR=address)
    if send:
        services.send_password_reset_mails()
    return response


def link_in(message) -> str:
    return LINK.search(message.body)[1]


def choose_password(client, link, password=NEW_PASSWORD, again=None):
    """Open the link (the token moves into the session) and post the new password."""
    opened = client.get(link, headers=EN)
    assert opened.status_code == 302
    form_page = opened["Location"]
    assert form_page.endswith("/set-password/")
    return client.post(
        form_page,
        {"new_password": password, "new_password_again": again or password},
        headers=EN,
    )


def test_the_request_page_is_public_and_asks_for_an_email(db):
    response = Client().get(FORGOT, headers=EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Forgot your password?" in page
    assert 'type="email" name="email"' in page


def test_a_known_address_gets_a_link_in_the_users_language(maria):
    maria.language = "en"
    maria.save()

    response = ask_for_link("Maria@Exemplo.com.br")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/forgot/sent/"
    [message] = mail.outbox
    assert message.to == ["maria@exemplo.com.br"]
    assert message.subject == "Choose a new password for Clientela"
    assert 'the user "maria"' in message.body
    assert "The link works once, for 1 hour." in message.body
    assert link_in(message).startswith("/accounts/password/reset/")


def test_the_email_follows_the_request_language_when_the_user_chose_none(maria):
    ask_for_link("maria@exemplo.com.br", **{"accept-language": "pt-BR"})

    [message] = mail.outbox
    assert message.subject == "Escolha uma nova senha para o Clientela"
    assert "o link vale por 1 hora" in message.body.lower()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(maria):
    known = ask_for_link("maria@exemplo.com.br")
    unknown = ask_for_link("ninguem@exemplo.com.br")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


def test_the_done_page_says_the_same_for_everyone(db):
    page = Client().get("/accounts/password/forgot/sent/", headers=EN).content.decode()

    assert "If an active account uses that address" in page


def test_inactive_users_and_users_without_a_usable_password_get_no_mail(maria, unit_matriz):
    maria.is_active = False
    maria.save()
    locked = make_user("sem_senha", email="sem@exemplo.com.br")
    locked.set_unusable_password()
    locked.save()

    ask_for_link("maria@exemplo.com.br")
    ask_for_link("sem@exemplo.com.br")

    assert mail.outbox == []


def test_an_empty_email_never_matches_the_users_without_one(agent_own):
    assert agent_own.email == ""

    response = ask_for_link("")

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_two_accounts_with_one_address_each_get_their_own_link(maria):
    make_user("maria_filial", email="maria@exemplo.com.br")

    ask_for_link("maria@exemplo.com.br")

    usernames = sorted(re.search(r'the user "(\w+)"', m.body)[1] for m in mail.outbox)
    assert usernames == ["maria", "maria_filial"]
    assert link_in(mail.outbox[0]) != link_in(mail.outbox[1])


def test_the_link_sets_a_new_password_ends_sessions_and_tokens_and_is_recorded(maria):
    their_browser = Client()
    their_browser.force_login(maria)
    _token, raw = token_create(user=maria, name="script")
    ask_for_link("maria@exemplo.com.br")
    client = Client()

    response = choose_password(client, link_in(mail.outbox[0]))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/forgot/done/"
    maria.refresh_from_db()
    assert maria.check_password(NEW_PASSWORD)
    assert their_browser.get("/parties/customers/").status_code == 302
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401
    record = ChangeRecord.objects.filter(entity="user", object_id=maria.pk).latest("id")
    assert record.changes == {"password_reset_by_email": [None, True]}
    assert record.actor_id == maria.pk
    assert NEW_PASSWORD not in str(record.changes)
    done = client.get(response["Location"], headers=EN).content.decode()
    assert "Your new password is saved." in done


def test_the_new_password_page_shows_the_rules_before_any_try(maria):
    ask_for_link("maria@exemplo.com.br")
    client = Client()
    opened = client.get(link_in(mail.outbox[0]))

    page = client.get(opened["Location"], headers=EN).content.decode()

    assert (
        "Rules: at least 10 characters; not only digits; not a commonly used password; "
        "not similar to the username or e-mail."
    ) in page
    assert "For the user <strong>maria</strong>." in page


@pytest.mark.parametrize(
    ("password", "again", "problem"),
    [
        ("curta", None, "This password is too short."),
        ("1234567890123", None, "This password is entirely numeric."),
        ("maria@exemplo.com.br", None, "The password is too similar to the e-mail."),
        ("uma-senha-nova-e-longa-3", "outra-coisa-qualquer-9", "The two passwords differ."),
        ("nul\x00-caracter-aqui", None, "Null characters are not allowed."),
    ],
)
def test_a_refused_new_password_changes_nothing(maria, password, again, problem):
    ask_for_link("maria@exemplo.com.br")
    before = User.objects.get(pk=maria.pk).password

    response = choose_password(Client(), link_in(mail.outbox[0]), password, again)

    assert response.status_code == 200
    assert problem in response.content.decode()
    assert User.objects.get(pk=maria.pk).password == before


def test_a_link_works_only_once(maria):
    ask_for_link("maria@exemplo.com.br")
    link = link_in(mail.outbox[0])
    choose_password(Client(), link)

    again = Client().get(link, headers=EN)

    assert again.status_code == 200
    assert "This link no longer works" in again.content.decode()


def test_a_link_ends_after_an_hour(maria):
    with time_machine.travel(START, tick=False) as traveller:
        ask_for_link("maria@exemplo.com.br")
        link = link_in(mail.outbox[0])
        traveller.shift(datetime.timedelta(minutes=61))

        response = Client().get(link, headers=EN)

    assert "This link no longer works" in response.content.decode()


@pytest.mark.parametrize("event", ["logs in", "is deactivated", "asks again and uses it"])
def test_a_link_ends_when_the_user(maria, admin, event):
    ask_for_link("maria@exemplo.com.br")
    link = link_in(mail.outbox[0])
    if event == "logs in":
        Client().force_login(maria)
    elif event == "is deactivated":
        services.user_update(actor=admin, user=maria, data={"is_active": False})
    else:
        ask_for_link("maria@exemplo.com.br")
        choose_password(Client(), link_in(mail.outbox[1]))

    assert "This link no longer works" in Client().get(link, headers=EN).content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/x/y/",
        "/accounts/password/reset/MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw/abc-def/",
        "/accounts/password/reset/%00%ff/abc/",
        "/accounts/password/reset/Mg/set-password/",
        "/accounts/password/reset/" + "A" * 5000 + "/t/",
    ],
)
def test_a_bad_link_says_so_without_an_error(db, maria, path):
    response = Client().get(path, headers=EN)

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


@pytest.mark.parametrize(
    "email", ["not-an-address", "a\x00b@exemplo.com.br", "x" * 300 + "@exemplo.com.br"]
)
def test_bad_addresses_are_refused_on_the_form(db, email):
    response = ask_for_link(email)

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_requests_are_throttled_per_address_the_same_whether_or_not_it_has_an_account(maria):
    with time_machine.travel(START, tick=False) as traveller:
        answers = {}
        for email in ("maria@exemplo.com.br", "ninguem@exemplo.com.br"):
            statuses = [ask_for_link(email, address=f"198.51.100.{i}").status_code
                        for i in range(4)]  # fmt: skip
            answers[email] = statuses
            refused = ask_for_link(email, address="198.51.100.99")
            assert "Too many password reset requests." in refused.content.decode()

        assert answers["maria@exemplo.com.br"] == answers["ninguem@exemplo.com.br"]
        assert answers["maria@exemplo.com.br"] == [302, 302, 302, 200]
        assert len(mail.outbox) == 3
        assert not LoginFailure.objects.filter(key__contains="maria@").exists()

        traveller.shift(datetime.timedelta(minutes=61))
        assert ask_for_link("maria@exemplo.com.br").status_code == 302


def test_requests_are_throttled_per_browser_address(maria):
    with time_machine.travel(START, tick=False):
        for i in range(10):
            assert ask_for_link(f"pessoa{i}@exemplo.com.br").status_code == 302

        refused = ask_for_link("maria@exemplo.com.br")
        elsewhere = ask_for_link("maria@exemplo.com.br", address="192.0.2.1")

    assert refused.status_code == 200
    assert "Too many password reset requests." in refused.content.decode()
    assert elsewhere.status_code == 302
    assert len(mail.outbox) == 1


def test_a_mail_server_that_fails_gives_the_same_answer(maria, settings, caplog, closed_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port
    settings.EMAIL_TIMEOUT = 5

    response = ask_for_link("maria@exemplo.com.br")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/forgot/sent/"
    assert "could not send the password reset e-mail" in caplog.text
    assert "/accounts/password/reset/" not in caplog.text


def test_the_link_goes_out_through_a_real_smtp_server(maria, smtp_server):
    with smtp_server.settings():
        response = ask_for_link("maria@exemplo.com.br", **{"accept-language": "pt-BR"})

    assert response.status_code == 302
    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == ["maria@exemplo.com.br"]
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert message["Subject"] == "Escolha uma nova senha para o Clientela"
    body = message.get_content()
    link = LINK.search(body)[1]
    assert choose_password(Client(), link).status_code == 302
    maria.refresh_from_db()
    assert maria.check_password(NEW_PASSWORD)


def test_a_reset_password_logs_in(maria):
    ask_for_link("maria@exemplo.com.br")
    choose_password(Client(), link_in(mail.outbox[0]))

    assert Client().login(username="maria", password=NEW_PASSWORD)
    assert not Client().login(username="maria", password=PASSWORD)
