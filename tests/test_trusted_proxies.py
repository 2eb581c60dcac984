"""CLIENTELA_TRUSTED_PROXIES: behind the reverse proxies it lists, login throttling counts the
browser's address (X-Forwarded-For, as the proxy added it), not the proxy's, which everyone
shares. X-Forwarded-For is never believed from anyone else: it would let a client pick the
address that gets locked out. Without the variable nothing changes.

The options `clientela run` gives waitress, real requests through waitress with those
options, and the address the throttle sees under any server (gunicorn leaves REMOTE_ADDR
the proxy's).
"""

import datetime
import http.client
import ipaddress
import json
import threading

import pytest
import time_machine
import waitress
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from waitress import wasyncore
from waitress.adjustments import Adjustments

from clientela import cli
from clientela.accounts.forms import client_address
from clientela.accounts.models import LoginFailure
from clientela.core.env import address_in, env_networks
from conftest import PASSWORD

PROXY = "10.0.0.5"
START = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)


def networks(*items):
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


# --- the variable -----------------------------------------------------------------------


def test_the_variable_takes_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("CLIENTELA_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8")

    assert env_networks("CLIENTELA_TRUSTED_PROXIES") == networks(
        "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"
    )


@pytest.mark.parametrize(("value", "problem"), [("*", "not '*'"), ("proxy.lan", "not an IP")])
def test_a_bad_value_stops_clientela_with_a_clear_message(monkeypatch, value, problem):
    monkeypatch.setenv("CLIENTELA_TRUSTED_PROXIES", value)

    with pytest.raises(ImproperlyConfigured, match=problem):
        env_networks("CLIENTELA_TRUSTED_PROXIES")


def test_unset_means_no_proxy_is_trusted(monkeypatch):
    monkeypatch.delenv("CLIENTELA_TRUSTED_PROXIES", raising=False)

    assert env_networks("CLIENTELA_TRUSTED_PROXIES") == ()


def test_address_in():
    trusted = networks("10.0.0.0/8", "::1")
    assert address_in("10.1.2.3", trusted)
    assert address_in("::ffff:10.1.2.3", trusted)
    assert address_in("::1", trusted)
    assert not address_in("11.0.0.1", trusted)
    assert not address_in("", trusted)
    assert not address_in("not an address", trusted)


# --- what `clientela run` gives waitress ---------------------------------------------------


@override_settings(TRUSTED_PROXIES=networks("127.0.0.1"), HTTPS=True)
def test_one_proxy_is_waitress_own_trusted_proxy_with_the_last_address():
    options = cli._server_options()

    assert options["trusted_proxy"] == "127.0.0.1"
    assert options["trusted_proxy_count"] == 1
    assert options["trusted_proxy_headers"] == "x-forwarded-for x-forwarded-proto"
    sentinel = object()
    assert cli._application(sentinel) is sentinel


@override_settings(TRUSTED_PROXIES=networks("127.0.0.1"))
def test_the_readmes_waitress_serve_flags_give_waitress_the_same_settings():
    kw, _args = Adjustments.parse_args(
        [
            "--trusted-proxy=127.0.0.1",
            "--trusted-proxy-headers=x-forwarded-for x-forwarded-proto",
            "clientela.wsgi:application",
        ]
    )
    kw = {name: value for name, value in kw.items() if name not in ("help", "call")}
    readme = Adjustments(**kw)
    ours = Adjustments(**cli._server_options())

    for name in ("trusted_proxy", "trusted_proxy_count", "trusted_proxy_headers"):
        assert getattr(readme, name) == getattr(ours, name)


@override_settings(TRUSTED_PROXIES=networks("10.0.0.0/8", "127.0.0.1"))
def test_several_proxies_are_checked_by_clientela_before_waitress_handles_their_headers():
    options = cli._server_options()

    assert "trusted_proxy" not in options  # never "*" (everyone)
    assert options["clear_untrusted_proxy_headers"] is False
    assert cli._application(echo) is not echo


@override_settings(TRUSTED_PROXIES=(), HTTPS=True)
def test_without_the_variable_only_the_protocol_is_trusted_as_before():
    options = cli._server_options()

    assert (options["trusted_proxy"], options["trusted_proxy_headers"]) == (
        "*",
        "x-forwarded-proto",
    )


@override_settings(TRUSTED_PROXIES=(), HTTPS=False)
def test_without_the_variable_and_https_no_header_is_trusted():
    assert "trusted_proxy" not in cli._server_options()


# --- real requests through waitress -----------------------------------------------------------


def echo(environ, start_response):
    """What the application sees of the request."""
    body = json.dumps(
        {
            "remote_addr": environ.get("REMOTE_ADDR"),
            "scheme": environ.get("wsgi.url_scheme"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
        }
    ).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def through_waitress(headers: dict) -> dict:
    """One request from 127.0.0.1, through waitress set up as `clientela run` sets it up."""
    server = waitress.create_server(
        cli._application(echo), host="127.0.0.1", port=0, **cli._server_options()
    )
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        connection.request("GET", "/", headers=headers)
        answer = connection.getresponse()
        assert answer.status == 200
        return json.loads(answer.read())
    finally:
        stop.set()
        thread.join(5)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)


FORWARDED = {"X-Forwarded-For": "198.51.100.66, 203.0.113.9", "X-Forwarded-Proto": "https"}


@pytest.mark.parametrize(
    "trusted", [("127.0.0.1",), ("127.0.0.0/8",), ("10.0.0.0/8", "127.0.0.1")], ids=str
)
def test_from_a_trusted_proxy_waitress_gives_the_address_it_added(trusted):
    with override_settings(TRUSTED_PROXIES=networks(*trusted)):
        seen = through_waitress(FORWARDED)

    # The last address, the one the proxy added; what the client wrote before it is ignored.
    assert seen["remote_addr"] == "203.0.113.9"
    assert seen["scheme"] == "https"


@pytest.mark.parametrize("trusted", [(PROXY,), ("10.0.0.0/8", "192.0.2.1")], ids=str)
def test_from_anyone_else_the_forwarded_headers_are_dropped(trusted):
    with override_settings(TRUSTED_PROXIES=networks(*trusted), HTTPS=True):
        seen = through_waitress(FORWARDED)

    assert seen == {"remote_addr": "127.0.0.1", "scheme": "http", "forwarded_for": None}


def test_without_the_variable_the_forwarded_address_is_dropped():
    with override_settings(TRUSTED_PROXIES=(), HTTPS=True):
        seen = through_waitress(FORWARDED)

    assert (seen["remote_addr"], seen["forwarded_for"]) == ("127.0.0.1", None)
    assert seen["scheme"] == "https"  # as before: the protocol only


# --- the address the throttle counts, under any server -------------------------------------------


def request_from(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=networks("10.0.0.0/8", "::1"))
@pytest.mark.parametrize(
    ("peer", "forwarded", "address"),
    [
        (PROXY, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # gunicorn: the proxy's peer
        (PROXY, "203.0.113.9:51000", "203.0.113.9"),
        (PROXY, "[2001:db8::7]:51000", "2001:db8::7"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        (PROXY, None, PROXY),  # the proxy itself (a health check)
        (PROXY, "garbage", PROXY),
        ("203.0.113.50", "198.51.100.1", "203.0.113.50"),  # not a proxy: never believed
        ("203.0.113.9", "203.0.113.9", "203.0.113.9"),  # waitress already replaced it
    ],
)
def test_the_throttle_counts_the_address_the_trusted_proxy_saw(peer, forwarded, address):
    assert client_address(request_from(peer, forwarded)) == address


@override_settings(TRUSTED_PROXIES=())
def test_without_the_variable_the_throttle_counts_the_peer():
    assert client_address(request_from(PROXY, "203.0.113.9")) == PROXY


def fail_login(username, *, via, client_ip):
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": "wrong-guess"},
        REMOTE_ADDR=via,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


@override_settings(TRUSTED_PROXIES=networks(PROXY))
def test_an_attacker_behind_the_proxy_does_not_lock_the_admin_out(admin):
    with time_machine.travel(START, tick=False):
        for _ in range(40):  # past the limits per address and per username from an address
            fail_login("admin", via=PROXY, client_ip="203.0.113.66")

        office = Client()
        response = office.post(
            "/accounts/login/",
            {"username": "admin", "password": PASSWORD},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )

        assert response.status_code == 302
        assert "_auth_user_id" in office.session
    keys = set(LoginFailure.objects.values_list("key", flat=True))
    assert "addr:203.0.113.66" in keys
    assert f"addr:{PROXY}" not in keys


@override_settings(TRUSTED_PROXIES=networks(PROXY))
def test_a_client_cannot_choose_the_address_that_gets_counted(admin):
    fail_login("admin", via="203.0.113.66", client_ip="198.51.100.7")

    keys = set(LoginFailure.objects.values_list("key", flat=True))
    assert "addr:203.0.113.66" in keys
    assert "addr:198.51.100.7" not in keys
