"""The API tokens page: create (shown once), list, revoke one's own."""

import datetime

from django.test import Client
from django.utils import timezone

from clientela.accounts.models import ApiToken, hash_token
from clientela.accounts.tokens import token_create, tokens_revoke_all

EN = {"accept-language": "en"}


def bearer(raw: str) -> dict:
    return {"authorization": f"Bearer {raw}"}


def test_a_new_token_is_shown_once_and_stored_hashed(login, outsider):
    client = login(outsider)

    response = client.post("/accounts/tokens/", {"name": "Planilha"})

    raw = response.context["new_token"]
    assert raw.startswith("clt_")
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=outsider)
    assert token.token_hash == hash_token(raw)
    assert raw not in client.get("/accounts/tokens/").content.decode()
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 200


def test_a_token_name_is_required(login, agent_own):
    response = login(agent_own).post("/accounts/tokens/", {"name": ""})

    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_ones_own_tokens(login, agent_own, manager):
    token_create(user=agent_own, name="Meu script")
    token_create(user=manager, name="Script do gerente")

    page = login(agent_own).get("/accounts/tokens/").content.decode()

    assert "Meu script" in page
    assert "Script do gerente" not in page


def test_revoking_a_token_stops_it_working(login, agent_own):
    token, raw = token_create(user=agent_own, name="Velho")

    response = login(agent_own).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(login, agent_own, manager):
    token, _raw = token_create(user=manager, name="Do gerente")

    response = login(agent_own).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_all_ends_every_token_of_ones_own_and_no_one_elses(login, agent_own, manager):
    raws = [token_create(user=agent_own, name=f"script {i}")[1] for i in range(3)]
    already, _raw = token_create(user=agent_own, name="antigo")
    revoked_at = timezone.now() - datetime.timedelta(days=3)
    ApiToken.objects.filter(pk=already.pk).update(revoked_at=revoked_at)
    _other, other_raw = token_create(user=manager, name="do gerente")

    response = login(agent_own).post("/accounts/tokens/revoke-all/", headers=EN)

    assert response["Location"] == "/accounts/tokens/"
    page = login(agent_own).get("/accounts/tokens/", headers=EN).content.decode()
    assert "3 tokens were revoked." in page
    for raw in raws:
        assert Client().get("/api/v1/me", headers=bearer(raw)).status_code == 401
    assert Client().get("/api/v1/me", headers=bearer(other_raw)).status_code == 200
    already.refresh_from_db()
    assert already.revoked_at == revoked_at


def test_revoke_all_is_offered_only_while_a_token_is_active(login, agent_own):
    client = login(agent_own)

    def offered() -> bool:
        return (
            "Revoke all my tokens" in client.get("/accounts/tokens/", headers=EN).content.decode()
        )

    assert not offered()
    token_create(user=agent_own, name="script")
    assert offered()
    assert client.post("/accounts/tokens/revoke-all/", headers=EN).status_code == 302
    assert not offered()


def test_the_tokens_and_password_pages_say_that_a_password_change_ends_the_tokens(login, agent_own):
    client = login(agent_own)

    tokens_page = client.get("/accounts/tokens/", headers=EN).content.decode()
    password_page = client.get("/accounts/password/", headers=EN).content.decode()

    assert "Every token ends when your password is changed or reset" in tokens_page
    assert "revokes all your API tokens" in password_page


def test_tokens_revoke_all_is_a_service_the_api_and_commands_can_call(agent_own):
    token_create(user=agent_own, name="a")
    token_create(user=agent_own, name="b")

    assert tokens_revoke_all(user=agent_own) == 2
    assert tokens_revoke_all(user=agent_own) == 0
