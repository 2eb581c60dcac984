"""The API tokens page: create (shown once), list, revoke one's own."""

from django.test import Client

from clientela.accounts.models import ApiToken, hash_token
from clientela.accounts.tokens import token_create


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
