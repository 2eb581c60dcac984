"""`clientela run` end to end, as behind the recommended reverse proxy: the login throttle
counts the browser's address from the trusted proxy's X-Forwarded-For (never a forged one),
and the embedded worker sends the password reset e-mail the page queued, through a real
SMTP server on loopback."""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CLIENTELA = [sys.executable, "-m", "clientela.cli"]
PASSWORD = "senha-do-admin-longa-1"
SETUP = f"""
from clientela.accounts.models import User
from clientela.accounts.services import bootstrap_admin
bootstrap_admin({PASSWORD!r})
User.objects.filter(username="admin").update(email="admin@exemplo.com.br")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):
            self.received.append(envelope)
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, handler.received
    finally:
        controller.stop()


@pytest.fixture
def running(tmp_path, smtp):
    """`clientela run` trusting 127.0.0.1 as its proxy; yields (base URL, data dir, mails)."""
    smtp_port, received = smtp
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTELA_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        HOME=str(tmp_path),
        CLIENTELA_DATA_DIR=str(data),
        CLIENTELA_TRUSTED_PROXIES="127.0.0.1",
        CLIENTELA_EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
    )
    for args in (["manage", "migrate", "-v", "0"], ["manage", "shell", "-c", SETUP]):
        done = subprocess.run(CLIENTELA + args, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    log = (tmp_path / "run.log").open("w+")
    server = subprocess.Popen(
        CLIENTELA + ["run", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                assert server.poll() is None, Path(log.name).read_text()
                time.sleep(0.1)
        yield base, data, received
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(20) == 0
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def post_form(opener, base, path, fields, headers):
    """GET the page (for its CSRF token), then POST the form, both with `headers`."""
    page = opener.open(urllib.request.Request(base + path, headers=headers), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    request = urllib.request.Request(base + path, data=body, headers=headers, method="POST")
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as answer:
        return answer.code


def login_failure_keys(data: Path) -> set[str]:
    with sqlite3.connect(data / "clientela.sqlite3") as database:
        return {key for (key,) in database.execute("SELECT key FROM accounts_loginfailure")}


def test_through_the_proxy_the_browsers_address_is_counted_never_a_forged_one(running):
    base, data, _received = running
    # What nginx sends: the client's own (forged) X-Forwarded-For, then the address it saw.
    headers = {"X-Forwarded-For": "198.51.100.66, 203.0.113.9", "Accept-Language": "en"}

    status = post_form(
        browser(), base, "/accounts/login/", {"username": "admin", "password": "wrong"}, headers
    )

    assert status == 200  # the form again, with the error
    keys = login_failure_keys(data)
    assert "addr:203.0.113.9" in keys
    assert not any("198.51.100.66" in key or "127.0.0.1" in key for key in keys)


def test_the_embedded_worker_sends_the_reset_mail_the_page_queued(running):
    base, _data, received = running

    status = post_form(
        browser(), base, "/accounts/password/forgot/", {"email": "admin@exemplo.com.br"}, {}
    )

    assert status == 302
    for _ in range(200):
        if received:
            break
        time.sleep(0.1)
    [envelope] = received
    assert envelope.rcpt_tos == ["admin@exemplo.com.br"]
    assert f"{base}/accounts/password/reset/" in envelope.content.decode()
