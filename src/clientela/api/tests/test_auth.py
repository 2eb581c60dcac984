"""Who the API lets in: Bearer tokens, or the browser session with CSRF on unsafe methods."""

import datetime

import time_machine
from django.test import Client

from clientela.accounts.models import ApiToken, User, hash_token
from clientela.accounts.services import user_update
from clientela.accounts.tokens import token_create, token_revoke
from clientela.parties.models import Party


def assert_401_json(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert not response.has_header("Location")
    assert response.json()["detail"]


def test_it_answers_401_json_without_credentials(api, parties):
    assert_401_json(api().get("/api/v1/parties"))
    assert_401_json(api().post("/api/v1/parties", {"name": "Sem Login"}))


def test_it_answers_401_for_an_unknown_token(client, agent_own):
    for header in ["Bearer clt_not-a-real-token", "Bearer nonsense", "Token clt_x", "Bearer "]:
        assert_401_json(client.get("/api/v1/me", headers={"authorization": header}))


def test_it_answers_401_for_a_revoked_token(client, agent_own):
    token, raw = token_create(user=agent_own, name="script")
    headers = {"authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    token_revoke(token=token)

    assert_401_json(client.get("/api/v1/me", headers=headers))


def test_it_answers_401_for_the_token_of_an_inactive_user(client, agent_own):
    _token, raw = token_create(user=agent_own, name="script")
    # Switched off behind the services' back: the token itself is still unrevoked.
    User.objects.filter(pk=agent_own.pk).update(is_active=False)

    assert_401_json(client.get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}))


def test_deactivating_a_user_revokes_their_tokens(client, admin, agent_own):
    token, raw = token_create(user=agent_own, name="script")

    user_update(actor=admin, user=agent_own, data={"is_active": False})
    User.objects.filter(pk=agent_own.pk).update(is_active=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_401_json(client.get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}))


def test_it_stores_only_the_hash_of_a_token(agent_own):
    token, raw = token_create(user=agent_own, name="script")

    assert raw.startswith("clt_")
    assert token.token_hash == hash_token(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert raw not in {token.hint, token.name, token.token_hash}


def test_it_notes_a_tokens_use_at_most_once_a_minute(client, agent_own):
    token, raw = token_create(user=agent_own, name="script")
    headers = {"authorization": f"Bearer {raw}"}
    start = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.get("/api/v1/me", headers=headers)
        token.refresh_from_db()
        assert token.last_used_at == start

        traveller.shift(30)
        client.get("/api/v1/me", headers=headers)
        token.refresh_from_db()
        assert token.last_used_at == start

        traveller.shift(60)
        client.get("/api/v1/me", headers=headers)
        token.refresh_from_db()
        assert token.last_used_at == start + datetime.timedelta(seconds=90)


def test_the_session_reads_without_a_csrf_token(agent_own, party_own):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent_own)

    response = browser.get("/api/v1/parties")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [party_own.pk]


def test_the_session_needs_a_csrf_token_to_change_anything(agent_own, party_own):
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    browser.force_login(agent_own)
    before = Party.objects.count()

    created = browser.post("/api/v1/parties", {"name": "Sem CSRF"}, content_type="application/json")
    changed = browser.patch(
        f"/api/v1/parties/{party_own.pk}", {"name": "Outro"}, content_type="application/json"
    )

    assert created.status_code == 403
    assert changed.status_code == 403
    assert "CSRF" in created.json()["detail"]
    assert Party.objects.count() == before
    party_own.refresh_from_db()
    assert party_own.name == "João da Silva"


def test_the_session_changes_records_with_the_csrf_token(agent_own, unit_matriz):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent_own)
    browser.get("/accounts/profile/")  # sets the CSRF cookie, as any page does
    csrf = browser.cookies["csrftoken"].value

    response = browser.post(
        "/api/v1/parties",
        {"name": "Com CSRF"},
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )

    assert response.status_code == 201
    assert Party.objects.filter(name="Com CSRF", owner=agent_own).exists()


def test_a_token_needs_no_csrf_token(agent_own, unit_matriz):
    _token, raw = token_create(user=agent_own, name="script")
    script = Client(enforce_csrf_checks=True)

    response = script.post(
        "/api/v1/parties",
        {"name": "Via Token"},
        content_type="application/json",
        headers={"authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 201


def test_an_anonymous_unsafe_request_is_a_401_not_a_csrf_403(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/parties", {"name": "X"}, content_type="application/json"
    )

    assert_401_json(response)


def test_a_session_ended_by_deactivation_is_a_401(admin, agent_own):
    browser = Client()
    browser.force_login(agent_own)
    assert browser.get("/api/v1/me").status_code == 200

    user_update(actor=admin, user=agent_own, data={"is_active": False})

    assert_401_json(browser.get("/api/v1/me"))


def test_an_unknown_api_address_and_a_wrong_method_answer_json(api, agent_own, party_own):
    client = api(agent_own)

    missing = client.get("/api/v1/nothing-here")
    wrong = client._send("put", f"/api/v1/parties/{party_own.pk}", {}, None)

    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
    assert "no such address" in missing.json()["detail"]
    assert wrong.status_code == 405
    assert wrong["Content-Type"].startswith("application/json")
    assert "PATCH" in wrong["Allow"] and "PUT" in wrong.json()["detail"]
