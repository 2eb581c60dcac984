"""Password reset mails go out from the worker, never from the request: the request only
queues them (no SMTP, so its time says nothing about which addresses have an account),
the worker's job sends them through SMTP, retries failures with growing delays and then
gives up; mails nobody sent within a link's validity are dropped. The link is made when
the mail is sent, so its hour starts then."""

import datetime
import re
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clientela.accounts import services
from clientela.accounts.models import PasswordResetMail
from clientela.core import registries
from conftest import make_user

EN = {"accept-language": "en"}
FORGOT = "/accounts/password/forgot/"
START = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)
LINK = re.compile(r"http://testserver(/accounts/password/reset/[^\s]+/)")
NO_LONGER = "This link no longer works"


@pytest.fixture
def maria(unit_matriz):
    return make_user("maria", email="maria@exemplo.com.br", units=[unit_matriz])


def ask(email, address="198.51.100.7", **headers):
    return Client().post(FORGOT, {"email": email}, headers={**EN, **headers}, REMOTE_ADDR=address)


def send():
    """One turn of the worker's job."""
    return registries.jobs.get("send_password_reset_mails").func()


def opens(link) -> bool:
    """Whether the link still leads to the new-password form."""
    response = Client().get(link, headers=EN)
    return response.status_code == 302 and response["Location"].endswith("/set-password/")


@pytest.fixture
def smtp_connects(monkeypatch):
    """Every SMTP connection this process opens, wherever from."""
    opened = []
    original = smtplib.SMTP.connect

    def connect(self, host="localhost", port=0, source_address=None):
        opened.append((host, port))
        return original(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    return opened


def test_the_job_is_registered_to_run_often_and_drain_the_queue():
    job = registries.jobs.get("send_password_reset_mails")

    assert job.interval == datetime.timedelta(seconds=5)
    assert job.again_when_busy
    assert registries.jobs.get("prune_password_reset_mails").interval.total_seconds() == 3600


def test_the_request_opens_no_smtp_connection_and_the_worker_delivers(
    maria, smtp_server, smtp_connects
):
    with smtp_server.settings():
        response = ask("maria@exemplo.com.br")

        # The answer came without any SMTP: its time does not depend on the mail server.
        assert response.status_code == 302
        assert smtp_connects == []
        assert smtp_server.connections == 0
        queued = PasswordResetMail.objects.get()
        assert (queued.user, queued.sent_at, queued.attempts) == (maria, None, 0)
        assert queued.site_url == "http://testserver/"
        assert queued.language == "en"

        assert send() == 1

    assert smtp_connects == [("127.0.0.1", smtp_server.port)]
    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == ["maria@exemplo.com.br"]
    assert LINK.search(envelope.content.decode())
    queued.refresh_from_db()
    assert queued.sent_at is not None
    assert (queued.attempts, queued.last_error) == (1, "")
    assert send() == 0  # sent once


def test_an_unknown_address_stores_nothing_and_takes_the_same_path(maria, smtp_connects):
    with CaptureQueriesContext(connection) as known:
        ask("maria@exemplo.com.br", address="198.51.100.1")
    with CaptureQueriesContext(connection) as unknown:
        ask("ninguem@exemplo.com.br", address="198.51.100.2")

    assert PasswordResetMail.objects.count() == 1
    inserts = [
        q["sql"] for q in known if "INSERT INTO" in q["sql"] and "passwordresetmail" in q["sql"]
    ]
    assert len(inserts) == 1
    # The same statements but the one that queues the mail, and no SMTP either way.
    assert len(known) == len(unknown) + 1
    assert smtp_connects == []


def test_the_mail_is_in_the_language_of_the_request_when_the_user_chose_none(maria):
    ask("maria@exemplo.com.br", **{"accept-language": "pt-BR"})
    send()

    [message] = mail.outbox
    assert message.subject == "Escolha uma nova senha para o Clientela"


def test_the_mail_is_in_the_users_own_language_when_they_chose_one(maria):
    maria.language = "en"
    maria.save()
    ask("maria@exemplo.com.br", **{"accept-language": "pt-BR"})
    send()

    [message] = mail.outbox
    assert message.subject == "Choose a new password for Clientela"


def test_the_links_hour_starts_when_the_mail_is_sent(maria):
    with time_machine.travel(START, tick=False) as traveller:
        ask("maria@exemplo.com.br")
        traveller.shift(datetime.timedelta(minutes=50))  # the worker was late
        send()
        link = LINK.search(mail.outbox[0].body)[1]

        traveller.shift(datetime.timedelta(minutes=55))  # 105 minutes after the request
        assert opens(link)
        traveller.shift(datetime.timedelta(minutes=6))  # 61 minutes after the mail
        assert not opens(link)


def test_the_stored_mail_holds_no_token(maria):
    ask("maria@exemplo.com.br")

    row = PasswordResetMail.objects.values().get()
    assert "reset" not in " ".join(str(value) for value in row.values())


def test_failures_are_retried_later_and_later_then_given_up(maria, settings, caplog, closed_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 5
    minutes = datetime.timedelta(minutes=1)
    with time_machine.travel(START, tick=False) as traveller:
        ask("maria@exemplo.com.br")
        attempts_at = []
        for minute in range(60):
            if send():
                attempts_at.append(minute)
            traveller.shift(minutes)

    # Tried at once, then 1, 5 and 15 minutes after each failure; then given up.
    assert attempts_at == [0, 1, 6, 21]
    row = PasswordResetMail.objects.get()
    assert (row.sent_at, row.attempts) == (None, 4)
    assert "refused" in row.last_error.lower()
    assert caplog.text.count("trying again in") == 3
    assert "gave up after 4 attempts" in caplog.text
    assert "/accounts/password/reset/" not in caplog.text


def test_a_mail_that_could_not_go_out_at_first_goes_out_when_the_server_is_back(
    maria, settings, smtp_server, closed_port
):
    with time_machine.travel(START, tick=False) as traveller:
        ask("maria@exemplo.com.br")
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
        send()
        traveller.shift(datetime.timedelta(minutes=1))
        with smtp_server.settings():
            assert send() == 1

    assert len(smtp_server.received) == 1
    assert PasswordResetMail.objects.get().sent_at is not None


def test_mails_nobody_sent_within_the_links_validity_are_dropped(maria):
    with time_machine.travel(START, tick=False) as traveller:
        ask("maria@exemplo.com.br")  # no worker ran for an hour
        traveller.shift(datetime.timedelta(minutes=61))
        ask("maria@exemplo.com.br", address="192.0.2.9")

        assert send() == 1  # only the recent one
        assert registries.jobs.get("prune_password_reset_mails").func() == 1

        assert len(mail.outbox) == 1
        assert PasswordResetMail.objects.get().sent_at is not None
        traveller.shift(datetime.timedelta(hours=25))
        registries.jobs.get("prune_password_reset_mails").func()
    assert not PasswordResetMail.objects.exists()


def test_a_user_deactivated_before_the_mail_went_out_gets_none(maria, admin):
    ask("maria@exemplo.com.br")
    services.user_update(actor=admin, user=maria, data={"is_active": False})

    assert send() == 1
    assert mail.outbox == []
    assert not PasswordResetMail.objects.exists()


def test_a_taken_mail_is_not_taken_again_until_its_lease_ends(maria):
    with time_machine.travel(START, tick=False) as traveller:
        ask("maria@exemplo.com.br")
        now = datetime.datetime.now(tz=datetime.UTC)

        [taken] = services._claim_due_reset_mails(now, 10)
        assert services._claim_due_reset_mails(now, 10) == []  # another worker skips it
        # The worker that took it died mid-send: after the lease another one sends it.
        traveller.shift(services.RESET_MAIL_LEASE + datetime.timedelta(seconds=1))
        assert send() == 1

    assert taken.attempts == 1
    assert len(mail.outbox) == 1


def test_the_job_sends_in_small_batches(unit_matriz):
    for i in range(services.RESET_MAIL_BATCH + 3):
        make_user(f"pessoa{i}", email=f"pessoa{i}@exemplo.com.br")
        ask(f"pessoa{i}@exemplo.com.br", address=f"198.51.100.{i}")

    assert send() == services.RESET_MAIL_BATCH
    assert send() == 3
    assert send() == 0
    assert len(mail.outbox) == services.RESET_MAIL_BATCH + 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_take_different_mails(unit_matriz):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite runs one worker")
    for i in range(3):
        make_user(f"pessoa{i}", email=f"pessoa{i}@exemplo.com.br")
        ask(f"pessoa{i}@exemplo.com.br", address=f"198.51.100.{i}")
    first_locked = threading.Event()
    release = threading.Event()
    other_worker = []

    def hold_first_row():
        # Another worker in the middle of its claim: it holds the oldest row's lock.
        try:
            with transaction.atomic():
                row = (
                    PasswordResetMail.objects.select_for_update()
                    .order_by("next_attempt_at", "id")
                    .first()
                )
                other_worker.append(row.pk)
                first_locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_first_row)
    thread.start()
    try:
        assert first_locked.wait(10)
        sent_now = send()
    finally:
        release.set()
        thread.join(10)

    assert sent_now == 2
    still_queued = PasswordResetMail.objects.filter(sent_at__isnull=True)
    assert list(still_queued.values_list("pk", flat=True)) == other_worker


def test_a_mail_that_cannot_go_out_does_not_hold_up_the_others(unit_matriz, monkeypatch, caplog):
    for name in ("ana", "bia"):
        make_user(name, email=f"{name}@exemplo.com.br")
        ask(f"{name}@exemplo.com.br", address=f"198.51.100.{len(name) + ord(name[0])}")
    original = services._send_reset_link

    def broken_for_ana(user, site_url, language):
        if user.username == "ana":
            raise UnicodeEncodeError("ascii", "ã", 0, 1, "an odd address")
        original(user, site_url, language)

    monkeypatch.setattr(services, "_send_reset_link", broken_for_ana)

    assert send() == 2

    assert [message.to for message in mail.outbox] == [["bia@exemplo.com.br"]]
    assert "could not send the password reset e-mail" in caplog.text
    ana = PasswordResetMail.objects.get(user__username="ana")
    assert ana.sent_at is None and ana.last_error
