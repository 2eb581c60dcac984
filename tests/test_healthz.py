"""GET /healthz: public, before host checks, and honest about the database."""

import os
import socket
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_it_answers_ok_without_login_and_for_any_host(client):
    response = client.get("/healthz", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_answers_503_when_the_database_is_down(tmp_path):
    # A real PostgreSQL URL whose port nobody listens on: the database is "down".
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTELA_")}
    env["CLIENTELA_DATA_DIR"] = str(tmp_path)
    env["CLIENTELA_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{_closed_port()}/none"
    env["DJANGO_SETTINGS_MODULE"] = "clientela.settings"
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.json()['status'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["503", "error"]
