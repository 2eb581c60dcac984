"""The permission walk's table for the relationship log: pages and API."""

import datetime

from django.utils import timezone

from clientela.core.testing import LOGIN, MISSING_PK, Req, row

CRM = row(LOGIN, 403, 200, 200, 200, 200, 200)
CRM_REDIRECT = row(LOGIN, 403, 302, 302, 302, 302, 302)
ADMIN_PAGE = row(LOGIN, 403, 403, 403, 403, 403, 200)
MISSING_PAGE = row(LOGIN, 403, 404, 404, 404, 404, 404)
API = row(401, 403, 200, 200, 200, 200, 200)
MISSING_API = row(401, 403, 404, 404, 404, 404, 404)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200)

EXPECTED = {
    "activities:agenda": CRM,
    "activities:list": CRM,
    "activities:count": CRM,
    "activities:bulk": CRM_REDIRECT,
    "activities:filter_save": CRM_REDIRECT,
    "activities:filter_delete": CRM_REDIRECT,
    "activities:create": CRM,
    "activities:quick": CRM_REDIRECT,
    "activities:party_options": CRM,
    "activities:detail": CRM,
    "activities:edit": CRM,
    "activities:complete": CRM_REDIRECT,
    # agents may trash what is assigned to them; the page says so when refused
    "activities:delete": CRM_REDIRECT,
    "activities:party": CRM,
    "activities:calendar": CRM,
    "activities:move": CRM_REDIRECT,
    "activities:types": ADMIN_PAGE,
    "activities:type_create": ADMIN_PAGE,
    "activities:type_edit": ADMIN_PAGE,
    "activities:presets": CRM,
    "activities:preset_create": CRM,
    "activities:preset_edit": CRM,
    "activities:trash": ADMIN_PAGE,
    "activities:restore": row(LOGIN, 403, 403, 403, 403, 403, 302),
    "activities:feed_page": CRM,
    "activities:feed": PUBLIC,
    "api:list_activities": API,
    "api:bulk_activities": API,
    "api:create_activity": row(401, 403, 422, 422, 422, 422, 422),
    "api:get_activity": API,
    "api:update_activity": API,
    "api:delete_activity": row(401, 403, 204, 204, 403, 204, 204),
    "api:restore_activity": row(401, 403, 403, 403, 403, 403, 200),
    "api:complete_activity": API,
    "api:activity_history": API,
    "api:list_activity_types": API,
    "api:create_activity_type": row(401, 403, 403, 403, 403, 403, 201),
    "api:get_activity_type": API,
    "api:update_activity_type": row(401, 403, 403, 403, 403, 403, 200),
    "api:list_activity_presets": API,
    "api:create_activity_preset": row(401, 403, 201, 201, 201, 201, 201),
    "api:get_activity_preset": API,
    "api:update_activity_preset": API,
    "api:rotate_calendar_feed": API,
    "api:revoke_calendar_feed": row(401, 403, 204, 204, 204, 204, 204),
}

OUT_OF_SCOPE = {
    "activities:filter_delete": CRM_REDIRECT,
    "activities:detail": MISSING_PAGE,
    "activities:edit": MISSING_PAGE,
    "activities:complete": MISSING_PAGE,
    "activities:delete": MISSING_PAGE,
    "activities:party": MISSING_PAGE,
    "activities:move": MISSING_PAGE,
    "activities:type_edit": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "activities:preset_edit": MISSING_PAGE,
    "activities:restore": row(LOGIN, 403, 403, 403, 403, 403, 404),
    "activities:feed": row(404, 404, 404, 404, 404, 404, 404),
    "api:get_activity": MISSING_API,
    "api:update_activity": MISSING_API,
    "api:delete_activity": MISSING_API,
    "api:restore_activity": row(401, 403, 403, 403, 403, 403, 404),
    "api:complete_activity": MISSING_API,
    "api:activity_history": MISSING_API,
    "api:get_activity_type": MISSING_API,
    "api:update_activity_type": row(401, 403, 403, 403, 403, 403, 404),
    "api:get_activity_preset": MISSING_API,
    "api:update_activity_preset": MISSING_API,
}

REQUESTS = {
    "activities:agenda": Req(),
    "activities:list": Req(),
    "activities:count": Req(),
    "activities:bulk": Req("POST"),
    "activities:filter_save": Req("POST", body={"name": "Meus", "query": "status=open"}),
    "activities:filter_delete": Req("POST", "missing"),
    "activities:create": Req(),
    "activities:quick": Req(),
    "activities:party_options": Req(),
    "activities:detail": Req("GET", "activity"),
    "activities:edit": Req("GET", "activity"),
    "activities:complete": Req("POST", "activity"),
    "activities:delete": Req("POST", "activity"),
    "activities:party": Req("GET", "party"),
    "activities:calendar": Req(),
    "activities:move": Req("POST", "activity"),
    "activities:types": Req(),
    "activities:type_create": Req(),
    "activities:type_edit": Req("GET", "activity_type"),
    "activities:presets": Req(),
    "activities:preset_create": Req(),
    "activities:preset_edit": Req("GET", "preset"),
    "activities:trash": Req(),
    "activities:restore": Req("POST", "trashed_activity"),
    "activities:feed_page": Req(),
    "activities:feed": Req("GET", "feed", "secret"),
    "api:list_activities": Req(),
    "api:bulk_activities": Req("POST", body={"action": "complete", "ids": [MISSING_PK]}),
    "api:create_activity": Req("POST", body={"party_id": MISSING_PK, "type": "call"}),
    "api:get_activity": Req("GET", "activity", "activity_id"),
    "api:update_activity": Req("PATCH", "activity", "activity_id"),
    "api:delete_activity": Req("DELETE", "activity", "activity_id"),
    "api:restore_activity": Req("POST", "trashed_activity", "activity_id"),
    "api:complete_activity": Req("POST", "activity", "activity_id"),
    "api:activity_history": Req("GET", "activity", "activity_id"),
    "api:list_activity_types": Req(),
    "api:create_activity_type": Req("POST", body={"name": "Fax", "name_pt_br": "Fax"}),
    "api:get_activity_type": Req("GET", "activity_type_slug", "slug"),
    "api:update_activity_type": Req("PATCH", "activity_type_slug", "slug"),
    "api:list_activity_presets": Req(),
    "api:create_activity_preset": Req("POST", body={"name": "Retorno", "type": "call"}),
    "api:get_activity_preset": Req("GET", "preset", "preset_id"),
    "api:update_activity_preset": Req("PATCH", "preset", "preset_id"),
    "api:rotate_calendar_feed": Req("POST"),
    "api:revoke_calendar_feed": Req("DELETE"),
}

# Each persona's party (as in the parties' table), with an open follow-up assigned to
# the party's owner; out of scope: another unit's, or (scope all) one in the trash.
ACTIVITY_IN_SCOPE = {
    "anonymous": "matriz",
    "outsider": "matriz",
    "agent_own": "own",
    "agent_unit_b": "filial",
    "agent_all": "matriz",
    "manager": "matriz",
    "admin": "matriz",
}
ACTIVITY_OUT_OF_SCOPE = {
    "anonymous": "filial",
    "outsider": "filial",
    "agent_own": "matriz",
    "agent_unit_b": "matriz",
    "agent_all": "trashed",
    "manager": "filial",
    "admin": "trashed",
}


def _make_activity(world, party_key: str, *, trashed: bool = False) -> int:
    # Made inside the walk's transaction for each request, so it is rolled back with it.
    from clientela.activities.models import Activity, ActivityType

    party = world["parties"]["matriz" if party_key == "trashed" else party_key]
    now = timezone.now()
    activity = Activity.objects.create(
        party=party,
        type=ActivityType.objects.get(slug="call"),
        contacted_at=now,
        due_at=now + datetime.timedelta(days=1),
        due_date=(now + datetime.timedelta(days=1)).date(),
        assignee=party.owner,
        unit=party.unit,
        deleted_at=now if trashed else None,
    )
    return activity.pk


def _activity(world, persona, in_scope):
    choice = (ACTIVITY_IN_SCOPE if in_scope else ACTIVITY_OUT_OF_SCOPE)[persona]
    return _make_activity(world, choice, trashed=choice == "trashed")


def _preset(world, persona, in_scope):
    from clientela.activities.models import ActivityType, Preset

    users = world["users"]
    owner = users[persona] if in_scope and persona != "anonymous" else users["manager"]
    if not in_scope and persona == "manager":
        owner = users["agent_own"]
    return Preset.objects.create(
        name="Retorno", type=ActivityType.objects.get(slug="call"), owner=owner
    ).pk


def _feed(world, persona, in_scope):
    from clientela.activities import feeds

    return feeds.feed_rotate(world["users"]["manager"]).secret if in_scope else "no-such-feed"


RECORDS = {
    "activity": _activity,
    "trashed_activity": lambda world, persona, in_scope: (
        _make_activity(world, "matriz", trashed=True) if in_scope else MISSING_PK
    ),
    "activity_type": lambda world, persona, in_scope: (
        __import__("clientela.activities.models", fromlist=["x"])
        .ActivityType.objects.get(slug="call")
        .pk
        if in_scope
        else MISSING_PK
    ),
    "activity_type_slug": lambda world, persona, in_scope: "call" if in_scope else "no-such-type",
    "preset": _preset,
    "feed": _feed,
    "missing": lambda world, persona, in_scope: MISSING_PK,
}
