"""The permission walk's table for accounts: pages and API of oneself, users and units."""

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clientela.accounts.models import User
from clientela.accounts.tokens import password_reset_tokens
from clientela.core.testing import LOGIN, MISSING_PK, Req, row

EXPECTED = {
    # one's own things stay reachable without CRM access
    "accounts:login": row(200, 302, 302, 302, 302, 302, 302),
    "accounts:logout": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "accounts:set_language": row(302, 302, 302, 302, 302, 302, 302),
    "accounts:profile": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:password": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:tokens": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:tokens_revoke_all": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "accounts:token_revoke": row(LOGIN, 302, 302, 302, 302, 302, 302),
    # the password reset by e-mail is for everyone, logged in or not
    "accounts:password_reset": row(200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_done": row(200, 200, 200, 200, 200, 200, 200),
    # a valid link moves its token into the session (302); see OUT_OF_SCOPE for a bad one
    "accounts:password_reset_confirm": row(302, 302, 302, 302, 302, 302, 302),
    "accounts:password_reset_complete": row(200, 200, 200, 200, 200, 200, 200),
    # the current business unit is a CRM feature
    "accounts:switch_unit": row(LOGIN, 403, 302, 302, 302, 302, 302),
    # administration
    "accounts:users": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:user_create": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:user_edit": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:units": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:unit_create": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "accounts:unit_edit": row(LOGIN, 403, 403, 403, 403, 403, 200),
    # API: oneself
    "api:get_me": row(401, 200, 200, 200, 200, 200, 200),
    "api:update_me": row(401, 200, 200, 200, 200, 200, 200),
    # API: users, administrators only
    "api:list_users": row(401, 403, 403, 403, 403, 403, 200),
    "api:create_user": row(401, 403, 403, 403, 403, 403, 201),
    "api:get_user": row(401, 403, 403, 403, 403, 403, 200),
    "api:update_user": row(401, 403, 403, 403, 403, 403, 200),
    # API: units, read by everyone in the CRM, written by administrators
    "api:list_units": row(401, 403, 200, 200, 200, 200, 200),
    "api:create_unit": row(401, 403, 403, 403, 403, 403, 201),
    "api:get_unit": row(401, 403, 200, 200, 200, 200, 200),
    "api:update_unit": row(401, 403, 403, 403, 403, 403, 200),
}

OUT_OF_SCOPE = {
    "accounts:token_revoke": row(LOGIN, 404, 404, 404, 404, 404, 404),
    # a link that is not valid: the page that says so, and how to get a new one
    "accounts:password_reset_confirm": row(200, 200, 200, 200, 200, 200, 200),
    "accounts:user_edit": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "accounts:unit_edit": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "api:get_user": row(401, 403, 403, 403, 403, 403, 404),
    "api:update_user": row(401, 403, 403, 403, 403, 403, 404),
    "api:get_unit": row(401, 403, 404, 404, 404, 404, 404),
    "api:update_unit": row(401, 403, 403, 403, 403, 403, 404),
}

NEW_USER = {"username": "newcomer", "password": "a-long-pass-4821", "crm_access": True}

REQUESTS = {
    "accounts:login": Req(),
    "accounts:logout": Req("POST"),
    "accounts:set_language": Req("POST", body={"language": "en", "next": "/accounts/profile/"}),
    "accounts:profile": Req(),
    "accounts:password": Req(),
    "accounts:tokens": Req(),
    "accounts:tokens_revoke_all": Req("POST"),
    "accounts:token_revoke": Req("POST", "token"),
    "accounts:password_reset": Req(),
    "accounts:password_reset_done": Req(),
    "accounts:password_reset_confirm": Req("GET", "reset_link", "link"),
    "accounts:password_reset_complete": Req(),
    "accounts:switch_unit": Req("POST", body={"unit": "__matriz__"}),
    "accounts:users": Req(),
    "accounts:user_create": Req(),
    "accounts:user_edit": Req("GET", "user"),
    "accounts:units": Req(),
    "accounts:unit_create": Req(),
    "accounts:unit_edit": Req("GET", "unit"),
    "api:get_me": Req(),
    "api:update_me": Req("PATCH"),
    "api:list_users": Req(),
    "api:create_user": Req("POST", body=NEW_USER),
    "api:get_user": Req("GET", "user", "user_id"),
    "api:update_user": Req("PATCH", "user", "user_id"),
    "api:list_units": Req(),
    "api:create_unit": Req("POST", body={"name": "Filial Santos"}),
    "api:get_unit": Req("GET", "unit", "unit_id"),
    "api:update_unit": Req("PATCH", "unit", "unit_id"),
}


def _token(world, persona, in_scope):
    # A token each persona may revoke (their own), and one they may not (somebody else's).
    if in_scope:
        return world["own_token"][persona].pk
    other = "manager" if persona == "admin" else "admin"
    return world["own_token"][other].pk


def _reset_link(world, persona, in_scope):
    # The link of a user who is not a persona (logging in ends one's links), valid or
    # tampered with: the "record" of this URL is the link itself.
    user, _created = User.objects.get_or_create(username="forgetful", email="f@exemplo.com.br")
    token = password_reset_tokens.make_token(user)
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}/{token if in_scope else token + 'x'}"


RECORDS = {
    "token": _token,
    "reset_link": _reset_link,
    "user": lambda world, persona, in_scope: (
        world["users"]["agent_own"].pk if in_scope else MISSING_PK
    ),
    "unit": lambda world, persona, in_scope: (
        world["units"]["matriz"].pk if in_scope else MISSING_PK
    ),
}
