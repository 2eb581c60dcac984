"""The permission walk's table for the party registry: pages and API."""

from clientela.core.testing import LOGIN, MISSING_PK, Req, row

EXPECTED = {
    "parties:list": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:customers": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:suppliers": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:count": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:create": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:detail": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:edit": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:history": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "parties:timeline": row(LOGIN, 403, 200, 200, 200, 200, 200),
    # agents create and edit; moving to the trash is for managers and admins
    "parties:delete": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "parties:trash": row(LOGIN, 403, 403, 403, 403, 403, 200),
    "parties:restore": row(LOGIN, 403, 403, 403, 403, 403, 302),
    "parties:purge": row(LOGIN, 403, 403, 403, 403, 403, 302),
    "api:list_parties": row(401, 403, 200, 200, 200, 200, 200),
    "api:create_party": row(401, 403, 201, 201, 201, 201, 201),
    "api:get_party": row(401, 403, 200, 200, 200, 200, 200),
    "api:update_party": row(401, 403, 200, 200, 200, 200, 200),
    "api:delete_party": row(401, 403, 403, 403, 403, 204, 204),
    "api:restore_party": row(401, 403, 403, 403, 403, 403, 200),
    "api:purge_party": row(401, 403, 403, 403, 403, 403, 204),
    "api:party_history": row(401, 403, 200, 200, 200, 200, 200),
    "api:party_contacts": row(401, 403, 200, 200, 200, 200, 200),
    "api:party_timeline": row(401, 403, 200, 200, 200, 200, 200),
}

# A record the persona may NOT see: a 404, never a 403 or 200 (403 only where the
# persona may not use the URL at all, whatever the record).
OUT_OF_SCOPE = {
    "parties:detail": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:edit": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:history": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:timeline": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:delete": row(LOGIN, 403, 404, 404, 404, 404, 404),
    "parties:restore": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "parties:purge": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "api:get_party": row(401, 403, 404, 404, 404, 404, 404),
    "api:update_party": row(401, 403, 404, 404, 404, 404, 404),
    "api:delete_party": row(401, 403, 404, 404, 404, 404, 404),
    "api:restore_party": row(401, 403, 403, 403, 403, 403, 404),
    "api:purge_party": row(401, 403, 403, 403, 403, 403, 404),
    "api:party_history": row(401, 403, 404, 404, 404, 404, 404),
    "api:party_contacts": row(401, 403, 404, 404, 404, 404, 404),
    "api:party_timeline": row(401, 403, 404, 404, 404, 404, 404),
}

REQUESTS = {
    "parties:list": Req(),
    "parties:customers": Req(),
    "parties:suppliers": Req(),
    "parties:count": Req(),
    "parties:create": Req(),
    "parties:detail": Req("GET", "party"),
    "parties:edit": Req("GET", "party"),
    "parties:history": Req("GET", "party"),
    "parties:timeline": Req("GET", "party"),
    "parties:delete": Req("POST", "party"),
    "parties:trash": Req(),
    "parties:restore": Req("POST", "trashed_party"),
    "parties:purge": Req("POST", "trashed_party"),
    "api:list_parties": Req(),
    "api:create_party": Req("POST", body={"name": "Oficina Nova"}),
    "api:get_party": Req("GET", "party", "party_id"),
    "api:update_party": Req("PATCH", "party", "party_id"),
    "api:delete_party": Req("DELETE", "party", "party_id"),
    "api:restore_party": Req("POST", "trashed_party", "party_id"),
    "api:purge_party": Req("POST", "trashed_party", "party_id"),
    "api:party_history": Req("GET", "party", "party_id"),
    "api:party_contacts": Req("GET", "party", "party_id"),
    "api:party_timeline": Req("GET", "party", "party_id"),
}

# Which of conftest's parties each persona may see, and one it may not (scope `all`
# sees every party not in the trash, so for them "out of scope" is a trashed one).
PARTY_IN_SCOPE = {
    "anonymous": "matriz",
    "outsider": "matriz",
    "agent_own": "own",
    "agent_unit_b": "filial",
    "agent_all": "matriz",
    "manager": "matriz",
    "admin": "matriz",
}
PARTY_OUT_OF_SCOPE = {
    "anonymous": "filial",
    "outsider": "filial",
    "agent_own": "matriz",
    "agent_unit_b": "matriz",
    "agent_all": "trashed",
    "manager": "filial",
    "admin": "trashed",
}


def _party(world, persona, in_scope):
    choice = PARTY_IN_SCOPE if in_scope else PARTY_OUT_OF_SCOPE
    return world["parties"][choice[persona]].pk


RECORDS = {
    "party": _party,
    "trashed_party": lambda world, persona, in_scope: (
        world["parties"]["trashed"].pk if in_scope else MISSING_PK
    ),
}
