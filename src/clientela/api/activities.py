"""/api/v1/activities (the relationship log), activity types and presets, a party's
timeline and the calendar feed's address."""

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict, Field, StrictInt, WithJsonSchema, create_model

from clientela.accounts.access import require_admin
from clientela.accounts.units import default_unit_id
from clientela.activities import catalogue, feeds, selectors, services
from clientela.activities.models import ICONS, Activity, ActivityType, Preset
from clientela.audit.services import history_of
from clientela.core.pagination import clean_limit, paginate
from clientela.core.text import MAX_QUERY_LENGTH

from .base import (
    CONFLICT_SERIALIZERS,
    CREATED,
    IF_MATCH,
    Cursor,
    IsoDate,
    Limit,
    Output,
    RecordId,
    Version,
    VersionIn,
    answers,
    check_patch,
    conflict_schema,
    crm_user,
    expected_version,
    list_schema,
    not_null,
    page_body,
)
from .parties import HISTORY_LIMIT, HistoryList

router = Router(tags=["activities"])
catalogue_router = Router(tags=["activity types and presets"])

_FORBID = ConfigDict(extra="forbid")
StatusLiteral = Literal["open", "done", "cancelled"]
ChannelLiteral = Literal["in_app", "email", "sms"]
Slug = Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9-]+$")]
LongText = Annotated[str, Field(max_length=20000)]


class Reminder(Schema):
    """A reminder wanted: by which channel, and how long before the due time."""

    model_config = _FORBID
    channel: ChannelLiteral
    minutes_before: Annotated[int, Field(ge=0, le=services.MAX_MINUTES_BEFORE)] = 0


Reminders = Annotated[list[Reminder], Field(max_length=services.MAX_REMINDERS)]

# Each editable field once: (type, default on create, description).
FIELDS: dict[str, tuple[Any, Any, str]] = {
    "party_id": (RecordId, ..., "The customer or supplier (one you can see)."),
    "type": (Slug, ..., "The slug of an active activity type (see /activity-types)."),
    "description": (LongText, "", "What was said or done."),
    "complaint": (LongText, "", "The customer's complaint, if any."),
    "internal_note": (LongText, "", "For the company's own users only (never in the feed)."),
    "contacted_at": (AwareDatetime | None, None, "When the contact happened; default now."),
    "due_at": (
        AwareDatetime | None,
        None,
        "The next contact; null for a contact with nothing to follow up. With all_day, "
        "the date as you write it (in the offset you send) is the day.",
    ),
    "all_day": (bool, False, "The whole day, without a time."),
    "assignee_id": (RecordId | None, None, "Default: you."),
    "unit_id": (RecordId | None, None, "Default: your business unit, when you have one."),
    "status": (
        StatusLiteral | None,
        None,
        "Default: open with a due_at, done without one.",
    ),
    "outcome": (Annotated[str, Field(max_length=5000)], "", "How it ended (when done)."),
    "reminders": (Reminders, [], "Reminders wanted before due_at."),
}
assert list(FIELDS) == services.EDITABLE_FIELDS  # noqa: S101 - one list, never drifting

# Shown as stored (not checked on the way out, like base.shown), documented inline.
RemindersOut = Annotated[
    Any,
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "channel": {"type": "string", "enum": ["in_app", "email", "sms"]},
                    "minutes_before": {"type": "integer", "minimum": 0},
                },
                "required": ["channel", "minutes_before"],
            },
        }
    ),
]

ActivityOut = create_model(
    "ActivityOut",
    __base__=Output,
    __doc__="An activity: a contact made and, while open, the follow-up to make.",
    id=(RecordId, ...),
    party_id=(RecordId, ...),
    party_name=(str, Field(..., description="The party's name, for lists.")),
    type=(str, ...),
    description=(str, ...),
    complaint=(str, ...),
    internal_note=(str, ...),
    contacted_at=(datetime.datetime, ...),
    due_at=(datetime.datetime | None, ...),
    due_date=(
        datetime.date | None,
        Field(..., description="The due day in the assignee's time zone."),
    ),
    all_day=(bool, ...),
    assignee_id=(RecordId, ...),
    unit_id=(RecordId, ...),
    status=(StatusLiteral, ...),
    overdue=(bool, ...),
    done_at=(datetime.datetime | None, ...),
    done_by_id=(RecordId | None, ...),
    outcome=(str, ...),
    reminders=(RemindersOut, ...),
    version=(RecordId, ...),
    created_at=(datetime.datetime, ...),
    updated_at=(datetime.datetime, ...),
)


def _activity_json(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "party_id": activity.party_id,
        "party_name": activity.party.name,
        "type": activity.type.slug,
        "description": activity.description,
        "complaint": activity.complaint,
        "internal_note": activity.internal_note,
        "contacted_at": activity.contacted_at,
        "due_at": activity.due_at,
        "due_date": activity.due_date,
        "all_day": activity.all_day,
        "assignee_id": activity.assignee_id,
        "unit_id": activity.unit_id,
        "status": activity.status,
        "overdue": activity.is_overdue(),
        "done_at": activity.done_at,
        "done_by_id": activity.done_by_id,
        "outcome": activity.outcome,
        "reminders": activity.reminders,
        "version": activity.version,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
    }


def activity_json(activity: Activity, request=None) -> dict:
    return ActivityOut.model_validate(_activity_json(activity)).model_dump(mode="json")


CONFLICT_SERIALIZERS[Activity] = activity_json

ActivityIn = create_model(
    "ActivityIn",
    __base__=Schema,
    **{
        name: (annotation, Field(default, description=description or None))
        for name, (annotation, default, description) in FIELDS.items()
    },
)
ActivityIn.model_config.update(_FORBID)
NOT_NULL = set(services.EDITABLE_FIELDS) - {"due_at", "contacted_at"}
PATCH_SHAPES = {"assignee_id": RecordId, "unit_id": RecordId, "status": StatusLiteral}
READ_ONLY = {
    "id",
    "party_name",
    "due_date",
    "overdue",
    "done_at",
    "done_by_id",
    "created_at",
    "updated_at",
}
ActivityPatch = create_model(
    "ActivityPatch",
    __base__=Schema,
    **{
        name: (
            # not_null cannot wrap a model such as Reminder: check_patch refuses its null
            not_null(PATCH_SHAPES.get(name, annotation))
            if name in NOT_NULL and name != "reminders"
            else annotation | None,
            Field(None, description=description or None),
        )
        for name, (annotation, _default, description) in FIELDS.items()
    },
    version=(Version | None, Field(None)),
    # Read-only: accepted when unchanged, so that a GET -> PATCH round trip works.
    id=(int | None, Field(None)),
    party_name=(str | None, Field(None)),
    due_date=(datetime.date | None, Field(None)),
    overdue=(bool | None, Field(None)),
    done_at=(AwareDatetime | None, Field(None)),
    done_by_id=(int | None, Field(None)),
    created_at=(AwareDatetime | None, Field(None)),
    updated_at=(AwareDatetime | None, Field(None)),
)
ActivityPatch.model_config.update(_FORBID)
ActivityIn.model_rebuild(force=True)
ActivityPatch.model_rebuild(force=True)

ActivityList = list_schema("ActivityList", ActivityOut)
ActivityConflict = conflict_schema("ActivityConflict", ActivityOut)


NextIn = create_model(
    "NextIn",
    __base__=Schema,
    __doc__="The next follow-up: party, type, assignee and unit default to the completed one's.",
    **{
        name: (
            (annotation | None) if name in ("party_id", "type") else annotation,
            Field(None if name in ("party_id", "type") else default),
        )
        for name, (annotation, default, _description) in FIELDS.items()
        if name not in ("status",)
    },
)
NextIn.model_config.update(_FORBID)
NextIn.model_rebuild(force=True)


class CompleteIn(Schema):
    model_config = _FORBID
    outcome: Annotated[str, Field(max_length=5000)] = ""
    next: NextIn | None = Field(None, description="A new follow-up to open in the same step.")
    version: Version | None = None


CompletedOut = create_model(
    "CompletedOut",
    __base__=ActivityOut,
    __doc__="The completed activity, with the next one when it was asked for.",
    next=(ActivityOut | None, Field(...)),
)

SortLiteral = Literal[
    "due_at", "-due_at", "contacted_at", "-contacted_at", "created_at", "-created_at"
]
StatusFilter = Literal["open", "done", "cancelled", "overdue"]


Day = IsoDate


class ActivityFilters(Schema):
    party_id: RecordId = None
    assignee_id: RecordId = None
    type: Slug = None
    status: StatusFilter = Field(None, description="`overdue`: open and past due.")
    unit_id: RecordId = None
    due_from: Day = Field(None, description="Due on or after this day (your zone).")
    due_to: Day = Field(None, description="Due on or before this day (your zone).")
    contacted_from: Day = None
    contacted_to: Day = None
    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Words of the party's name (as the registry's search) or the description.",
    )
    party_role: Literal["customers", "suppliers"] = Field(
        None, description="Only activities with customers, or only with suppliers."
    )
    sort: SortLiteral = Field(
        "-contacted_at",
        description="By due date lists only activities that have one; ties by id.",
    )
    limit: Limit = None
    cursor: Cursor = None


def _filters(values: dict) -> selectors.Filters:
    return selectors.Filters(**{k: v for k, v in values.items() if v not in (None, "")})


def _fetch(request: HttpRequest, activity_id: int) -> Activity:
    return selectors.visible_activity(crm_user(request), activity_id)


# --- bulk (declared before /activities/{id}, which would take "bulk" for an id) ---


class BulkFilter(Schema):
    """The list's filters: every activity that matches them (and that you may see)."""

    model_config = _FORBID
    party_id: RecordId | None = None
    assignee_id: RecordId | None = None
    type: Slug | None = None
    status: StatusFilter | None = None
    unit_id: RecordId | None = None
    due_from: IsoDate | None = None
    due_to: IsoDate | None = None
    contacted_from: IsoDate | None = None
    contacted_to: IsoDate | None = None
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH)] = ""
    party_role: Literal["customers", "suppliers"] | None = None


class BulkIn(Schema):
    model_config = _FORBID
    action: Literal["complete", "reassign", "reschedule", "trash"]
    ids: Annotated[list[RecordId], Field(max_length=services.BULK_LIMIT)] | None = Field(
        None, description="The activities to change; or send `filter` instead."
    )
    filter: BulkFilter | None = Field(None, description="Every activity matching these filters.")
    outcome: Annotated[str, Field(max_length=5000)] = Field("", description="For complete.")
    assignee_id: RecordId | None = Field(None, description="For reassign.")
    date: IsoDate | None = Field(None, description="For reschedule: the new day.")
    shift_days: Annotated[StrictInt, Field(ge=-365, le=365)] | None = Field(
        None, description="For reschedule: days to move by (instead of a date)."
    )


class BulkOut(Output):
    changed: Annotated[int, Field(ge=0)]


@router.post(
    "/activities/bulk",
    response=answers({200: BulkOut}, body=True),
    summary="Complete, reassign, reschedule or trash many activities at once",
    description=f"In one transaction, each change recorded; at most {services.BULK_LIMIT} "
    "rows. Rows you may not see are left out; rows the action does not apply to (already "
    "done, nothing to reschedule) are not counted.",
)
def bulk_activities(request: HttpRequest, payload: BulkIn):
    user = crm_user(request)
    if (payload.ids is None) == (payload.filter is None):
        raise ValidationError({"ids": [_("Send either ids or filter.")]})
    if payload.ids is not None:
        queryset = selectors.Activity.objects.restrict(user).filter(pk__in=payload.ids)
    else:
        queryset = selectors.filtered_activities(user, _filters(payload.filter.model_dump()))
    params = payload.model_dump(include={"outcome", "assignee_id", "date", "shift_days"})
    changed = services.activity_bulk(
        actor=user, activities=queryset, action=payload.action, params=params
    )
    return {"changed": changed}


@router.get(
    "/activities",
    response=answers({200: ActivityList}),
    summary="List activities",
    description="The contacts and follow-ups you may see, filtered, in pages.",
)
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]):
    user = crm_user(request)
    data = filters.model_dump(exclude={"sort", "limit", "cursor"})
    queryset = selectors.filtered_activities(user, _filters(data))
    column = filters.sort.lstrip("-")
    if column == "due_at":
        queryset = queryset.filter(due_at__isnull=False)
    page = paginate(
        queryset,
        sort_field=column,
        descending=filters.sort.startswith("-"),
        limit=clean_limit(filters.limit),
        cursor=filters.cursor,
    )
    body = page_body(page)
    body["items"] = [_activity_json(a) for a in page.items]
    return body


@router.post(
    "/activities",
    response=answers({201: ActivityOut}, body=True),
    summary="Record a contact or schedule a follow-up",
    description="Answers 201 with the activity and its address in `Location`.",
    openapi_extra=CREATED,
)
def create_activity(request: HttpRequest, response: HttpResponse, payload: ActivityIn):
    user = crm_user(request)
    data = payload.model_dump()
    for name in ("unit_id", "assignee_id", "status", "contacted_at"):
        if data[name] is None:
            data.pop(name)
    activity = services.activity_create(
        actor=user, data=data, default_unit_id=default_unit_id(user)
    )
    response["Location"] = reverse("api:get_activity", kwargs={"activity_id": activity.pk})
    return Status(201, _activity_json(activity))


@router.get(
    "/activities/{activity_id}",
    response=answers({200: ActivityOut}, record=True),
    summary="Read an activity",
    description="An activity you may see; one outside your scope or in the trash is a 404.",
)
def get_activity(request: HttpRequest, activity_id: RecordId):
    return _activity_json(_fetch(request, activity_id))


@router.patch(
    "/activities/{activity_id}",
    response=answers({200: ActivityOut}, record=True, body=True, conflict=ActivityConflict),
    summary="Change an activity",
    description="Send only what changes, with the `version` you read (or If-Match).",
)
def update_activity(
    request: HttpRequest,
    activity_id: RecordId,
    payload: ActivityPatch,
    if_match: str = IF_MATCH,
):
    activity = _fetch(request, activity_id)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    current = _activity_json(activity)
    changes = check_patch(current, data, read_only=READ_ONLY, not_null=NOT_NULL)
    if "reminders" in changes and changes["reminders"] is not None:
        changes["reminders"] = [dict(r) for r in changes["reminders"]]
    saved = services.activity_update(
        actor=request.auth, activity=activity, data=changes, version=version
    )
    return _activity_json(saved)


@router.delete(
    "/activities/{activity_id}",
    response=answers({204: None}, record=True, body=True, conflict=ActivityConflict),
    summary="Move an activity to the trash",
    description="Managers and administrators, or the assignee; administrators can restore it.",
)
def delete_activity(
    request: HttpRequest,
    activity_id: RecordId,
    payload: VersionIn | None = None,
    if_match: str = IF_MATCH,
):
    activity = _fetch(request, activity_id)
    version = expected_version(request, payload.version if payload else None)
    services.activity_trash(actor=request.auth, activity=activity, version=version)
    return Status(204, None)


@router.post(
    "/activities/{activity_id}/restore",
    response=answers({200: ActivityOut}, record=True),
    summary="Restore an activity from the trash (administrators)",
    description="Answers the restored activity; refused (422) while its party is in the trash.",
)
def restore_activity(request: HttpRequest, activity_id: RecordId):
    require_admin(crm_user(request))
    activity = selectors.trashed_activity(request.auth, activity_id)
    return _activity_json(services.activity_restore(actor=request.auth, activity=activity))


@router.post(
    "/activities/{activity_id}/complete",
    response=answers({200: CompletedOut}, record=True, body=True, conflict=ActivityConflict),
    summary="Complete a follow-up (“Baixar”), optionally opening the next one",
    description="Records who completed it, when, and the outcome. With `next`, a new "
    "follow-up opens in the same transaction (same party, type, assignee and unit unless "
    "given); errors of `next` are reported as `next.<field>`.",
)
def complete_activity(
    request: HttpRequest, activity_id: RecordId, payload: CompleteIn, if_match: str = IF_MATCH
):
    activity = _fetch(request, activity_id)
    version = expected_version(request, payload.version)
    next_data = None
    if payload.next is not None:
        next_data = {
            k: v
            for k, v in payload.next.model_dump(exclude_unset=True).items()
            if v is not None or k == "due_at"
        }
        if "reminders" in next_data:
            next_data["reminders"] = [dict(r) for r in next_data["reminders"]]
    done, following = services.activity_complete(
        actor=request.auth,
        activity=activity,
        outcome=payload.outcome,
        next_data=next_data,
        version=version,
        default_unit_id=default_unit_id(request.auth),
    )
    body = _activity_json(done)
    body["next"] = _activity_json(following) if following is not None else None
    return body


@router.get(
    "/activities/{activity_id}/history",
    response=answers({200: HistoryList}, record=True),
    summary="An activity's recorded changes",
    description="Newest first: who changed what, when, old → new.",
)
def activity_history(request: HttpRequest, activity_id: RecordId, limit: int = HISTORY_LIMIT):
    activity = _fetch(request, activity_id)
    return {"items": list(history_of(activity)[: clean_limit(limit, default=100)])}


# --- types and presets ---------------------------------------------------------------------

IconLiteral = Literal[tuple(dict(ICONS))]
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class TypeOut(Output):
    slug: str
    name: str
    name_pt_br: str
    color: str
    icon: str
    is_active: bool
    order: int
    version: int


class TypeIn(Schema):
    model_config = _FORBID
    slug: Slug | None = None
    name: Annotated[str, Field(max_length=60)]
    name_pt_br: Annotated[str, Field(max_length=60)]
    color: Color = "#4b5563"
    icon: IconLiteral = "dot"
    is_active: bool = True
    order: Annotated[int, Field(ge=0, le=10000)] = 100


class TypePatch(Schema):
    model_config = _FORBID
    slug: Slug | None = None
    name: not_null(Annotated[str, Field(max_length=60)]) = None
    name_pt_br: not_null(Annotated[str, Field(max_length=60)]) = None
    color: not_null(Color) = None
    icon: not_null(IconLiteral) = None
    is_active: not_null(bool) = None
    order: not_null(Annotated[int, Field(ge=0, le=10000)]) = None
    version: Version | None = None


TypeList = list_schema("TypeList", TypeOut)
TypeConflict = conflict_schema("TypeConflict", TypeOut)
CONFLICT_SERIALIZERS[ActivityType] = lambda kind, request=None: TypeOut.model_validate(
    kind, from_attributes=True
).model_dump(mode="json")


@catalogue_router.get(
    "/activity-types",
    response=answers({200: TypeList}, params=False),
    summary="Activity types",
    description="Every type, active or not (deactivated ones stay on old records).",
)
def list_activity_types(request: HttpRequest):
    crm_user(request)
    items = list(ActivityType.objects.all())
    return {"items": items, "count": len(items), "next_cursor": None}


@catalogue_router.post(
    "/activity-types",
    response=answers({201: TypeOut}, body=True),
    summary="Create an activity type (administrators)",
    description="The slug is made from the English name when left out; it never changes.",
    openapi_extra=CREATED,
)
def create_activity_type(request: HttpRequest, response: HttpResponse, payload: TypeIn):
    user = crm_user(request)
    data = payload.model_dump()
    if data["slug"] is None:
        data.pop("slug")
    kind = catalogue.type_create(actor=user, data=data)
    response["Location"] = reverse("api:get_activity_type", kwargs={"slug": kind.slug})
    return Status(201, kind)


def _type(slug: str) -> ActivityType:
    from django.http import Http404

    kind = ActivityType.objects.filter(slug=slug).first()
    if kind is None:
        raise Http404
    return kind


@catalogue_router.get(
    "/activity-types/{slug}",
    response=answers({200: TypeOut}, record=True),
    summary="Read an activity type",
    description="By its slug, active or not.",
)
def get_activity_type(request: HttpRequest, slug: Slug):
    crm_user(request)
    return _type(slug)


@catalogue_router.patch(
    "/activity-types/{slug}",
    response=answers({200: TypeOut}, record=True, body=True, conflict=TypeConflict),
    summary="Change an activity type (administrators)",
    description="Deactivate with `is_active: false`; types are never deleted.",
)
def update_activity_type(request: HttpRequest, slug: Slug, payload: TypePatch):
    user = crm_user(request)
    require_admin(user)
    kind = _type(slug)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    if data.get("slug") in (None, kind.slug):
        data.pop("slug", None)
    return catalogue.type_update(actor=user, kind=kind, data=data, version=version)


class PresetOut(Output):
    id: RecordId
    name: str
    type: str
    text: str
    due_in_days: int
    business_days: bool
    due_time: str | None = Field(description="HH:MM, or null for the current time of day.")
    all_day: bool
    reminders: RemindersOut
    shared: bool
    is_active: bool
    order: int
    version: int


def _preset_json(preset: Preset) -> dict:
    return {
        "id": preset.pk,
        "name": preset.name,
        "type": preset.type.slug,
        "text": preset.text,
        "due_in_days": preset.due_in_days,
        "business_days": preset.business_days,
        "due_time": preset.due_time.strftime("%H:%M") if preset.due_time else None,
        "all_day": preset.all_day,
        "reminders": preset.reminders,
        "shared": preset.shared,
        "is_active": preset.is_active,
        "order": preset.order,
        "version": preset.version,
    }


Time = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class PresetIn(Schema):
    model_config = _FORBID
    name: Annotated[str, Field(max_length=60)]
    type: Slug
    text: Annotated[str, Field(max_length=2000)] = ""
    due_in_days: Annotated[int, Field(ge=0, le=365)] = 1
    business_days: bool = False
    due_time: Time | None = None
    all_day: bool = False
    reminders: Reminders = []
    shared: bool | None = Field(None, description="For everyone (administrators only).")
    is_active: bool = True
    order: Annotated[int, Field(ge=0, le=10000)] = 100


class PresetPatch(Schema):
    model_config = _FORBID
    name: not_null(Annotated[str, Field(max_length=60)]) = None
    type: not_null(Slug) = None
    text: not_null(Annotated[str, Field(max_length=2000)]) = None
    due_in_days: not_null(Annotated[int, Field(ge=0, le=365)]) = None
    business_days: not_null(bool) = None
    due_time: Time | None = None
    all_day: not_null(bool) = None
    reminders: Reminders | None = None
    shared: not_null(bool) = None
    is_active: not_null(bool) = None
    order: not_null(Annotated[int, Field(ge=0, le=10000)]) = None
    version: Version | None = None
    id: int | None = None


PresetList = list_schema("PresetList", PresetOut)
PresetConflict = conflict_schema("PresetConflict", PresetOut)
CONFLICT_SERIALIZERS[Preset] = lambda preset, request=None: PresetOut.model_validate(
    _preset_json(preset)
).model_dump(mode="json")


def _clean_preset_data(data: dict) -> dict:
    if "reminders" in data and data["reminders"] is not None:
        data["reminders"] = [dict(r) for r in data["reminders"]]
    for name in [k for k, v in data.items() if v is None and k not in ("due_time", "shared")]:
        raise ValidationError({name: [_("This field cannot be empty.")]})
    return data


@catalogue_router.get(
    "/activity-presets",
    response=answers({200: PresetList}, params=False),
    summary="Presets you may use (shared ones and your own)",
    description="Shared presets (made by administrators) and your own, active or not.",
)
def list_activity_presets(request: HttpRequest):
    user = crm_user(request)
    items = [_preset_json(p) for p in catalogue.presets_for(user).select_related("type")]
    return {"items": items, "count": len(items), "next_cursor": None}


@catalogue_router.post(
    "/activity-presets",
    response=answers({201: PresetOut}, body=True),
    summary="Create a preset",
    description="Yours, or for everyone when an administrator makes it (unless `shared` is false).",
    openapi_extra=CREATED,
)
def create_activity_preset(request: HttpRequest, response: HttpResponse, payload: PresetIn):
    user = crm_user(request)
    data = payload.model_dump()
    if data["shared"] is None:
        data.pop("shared")
    preset = catalogue.preset_create(actor=user, data=_clean_preset_data(data))
    response["Location"] = reverse("api:get_activity_preset", kwargs={"preset_id": preset.pk})
    return Status(201, _preset_json(preset))


@catalogue_router.get(
    "/activity-presets/{preset_id}",
    response=answers({200: PresetOut}, record=True),
    summary="Read a preset",
    description="A shared preset or one of yours; someone else's own preset is a 404.",
)
def get_activity_preset(request: HttpRequest, preset_id: RecordId):
    return _preset_json(catalogue.visible_preset(crm_user(request), preset_id))


@catalogue_router.patch(
    "/activity-presets/{preset_id}",
    response=answers({200: PresetOut}, record=True, body=True, conflict=PresetConflict),
    summary="Change a preset",
    description="Your own, or (administrators) a shared one. Deactivate with `is_active: false`.",
)
def update_activity_preset(request: HttpRequest, preset_id: RecordId, payload: PresetPatch):
    user = crm_user(request)
    preset = catalogue.visible_preset(user, preset_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    if data.pop("id", None) not in (None, preset.pk):
        raise ValidationError({"id": [_("This field is read-only.")]})
    saved = catalogue.preset_update(
        actor=user, preset=preset, data=_clean_preset_data(data), version=version
    )
    return _preset_json(saved)


# --- the calendar feed ----------------------------------------------------------------------


class FeedOut(Output):
    calendar_feed_url: str


@router.post(
    "/me/calendar-feed",
    response=answers({200: FeedOut}, params=False),
    summary="Make (or rotate) your private calendar address",
    description="A new secret address for your open follow-ups in iCalendar; the previous "
    "one stops working.",
    tags=["me"],
)
def rotate_calendar_feed(request: HttpRequest):
    user = crm_user(request)
    feeds.feed_rotate(user)
    return {"calendar_feed_url": feeds.feed_url_for(user, request)}


@router.delete(
    "/me/calendar-feed",
    response=answers({204: None}, params=False),
    summary="Turn your calendar address off",
    description="The address stops working at once; make a new one any time.",
    tags=["me"],
)
def revoke_calendar_feed(request: HttpRequest):
    feeds.feed_revoke(crm_user(request))
    return Status(204, None)
