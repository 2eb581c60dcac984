"""No password, password hash, token or token hash is ever written into the change history."""

import json

from django.test import Client

from clientela.accounts.models import ApiToken, User
from clientela.accounts.services import user_update
from clientela.accounts.tokens import token_create
from clientela.audit.models import ChangeRecord
from conftest import PASSWORD


def test_no_secret_reaches_any_change_record(login, admin, agent_own, unit_matriz):
    secrets = {PASSWORD}
    admin_client = login(admin)
    _t, raw_admin = token_create(user=admin, name="admin")
    api_headers = {"authorization": f"Bearer {raw_admin}"}

    # A user created and reset through the API, one through the page, a password changed.
    admin_client.post(
        "/api/v1/users",
        {"username": "api_user", "password": "senha-pela-api-123", "crm_access": True},
        content_type="application/json",
        headers=api_headers,
    )
    api_user = User.objects.get(username="api_user")
    admin_client.patch(
        f"/api/v1/users/{api_user.pk}",
        {"password": "senha-trocada-pela-api-9"},
        content_type="application/json",
        headers=api_headers,
    )
    admin_client.post(
        "/accounts/users/new/",
        {"username": "page_user", "password": "senha-pela-pagina-456", "role": "agent",
         "scope": "own", "is_active": "on", "crm_access": "on"},
    )  # fmt: skip
    secrets |= {"senha-pela-api-123", "senha-trocada-pela-api-9", "senha-pela-pagina-456"}

    agent = Client()
    agent.force_login(agent_own)
    agent.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "nova-senha-do-agente-7",
         "new_password_again": "nova-senha-do-agente-7"},
    )  # fmt: skip
    secrets.add("nova-senha-do-agente-7")
    agent.post("/accounts/tokens/", {"name": "Integração"})
    user_update(actor=admin, user=agent_own, data={"is_active": False})

    for user in User.objects.all():
        secrets |= {user.password, user.session_salt} - {""}
    for token in ApiToken.objects.all():
        secrets.add(token.token_hash)
    secrets.add(raw_admin)

    assert ChangeRecord.objects.filter(entity="user").count() >= 5
    for record in ChangeRecord.objects.all():
        text = json.dumps(record.changes, ensure_ascii=False)
        assert not {"password", "token_hash", "session_salt"} & set(record.changes), text
        for secret in secrets:
            assert secret not in text, (record, secret)
