"""Fixtures of the accounts tests: a real SMTP server on loopback, and a port nobody serves."""

import os
import socket
from unittest import mock

import pytest
from django.test import override_settings

from clientela.core.env import email_config


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening: connecting to it fails at once."""
    return _free_port()


class SmtpServer:
    """What the server received (aiosmtpd envelopes) and how many connections it had."""

    def __init__(self, controller, handler):
        self.controller = controller
        self.port = controller.port
        self.received = handler.received
        self.handler = handler

    @property
    def connections(self) -> int:
        return self.handler.connections

    def settings(self):
        """Django's e-mail settings for this server, as CLIENTELA_EMAIL_URL would give them."""
        with mock.patch.dict(os.environ, {"CLIENTELA_EMAIL_URL": f"smtp://127.0.0.1:{self.port}"}):
            backend, options = email_config()
        return override_settings(EMAIL_BACKEND=backend, **options)


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []
            self.connections = 0

        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            self.connections += 1
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):
            self.received.append(envelope)
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SmtpServer(controller, handler)
    finally:
        controller.stop()
