"""/api/v1/me, /api/v1/users (admins) and /api/v1/units."""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, create_model

from clientela.accounts import services
from clientela.accounts.access import require_admin
from clientela.accounts.models import Unit, User
from clientela.accounts.selectors import unit_for, user_for_admin
from clientela.core import registries
from clientela.core.pagination import clean_limit, paginate

from .base import (
    CONFLICT_SERIALIZERS,
    CREATED,
    CURSOR,
    IF_MATCH,
    LIMIT,
    Email,
    Error,
    Output,
    RecordId,
    Version,
    answers,
    check_patch,
    conflict_schema,
    crm_user,
    expected_version,
    list_schema,
    not_null,
    page_body,
    shown,
)

me_router = Router(tags=["me"])
users_router = Router(tags=["users"])
units_router = Router(tags=["units"])

RoleLiteral = Literal["admin", "manager", "agent"]
ScopeLiteral = Literal["own", "unit", "all"]
LanguageLiteral = Literal["pt-BR", "en"]
_FORBID = ConfigDict(extra="forbid")


def _text(model, name: str):
    return Annotated[str, Field(max_length=model._meta.get_field(name).max_length)]


Username = _text(User, "username")
FullName = _text(User, "full_name")
Phone = _text(User, "phone")
TimeZone = _text(User, "time_zone")
Password = Annotated[
    str,
    Field(
        max_length=services.MAX_PASSWORD_LENGTH,
        json_schema_extra={"format": "password", "writeOnly": True},
    ),
]
UnitName = _text(Unit, "name")


class UserOut(Output):
    id: RecordId
    username: shown(Username)
    full_name: shown(FullName)
    email: shown(Email)
    phone: shown(Phone)
    language: LanguageLiteral | None = Field(description="Null: follow the browser.")
    time_zone: shown(TimeZone) = Field(description="Empty: the server's time zone.")
    role: RoleLiteral
    scope: ScopeLiteral = Field(description="Administrators always have `all`.")
    crm_access: bool = Field(description="Administrators always have access to the CRM.")
    unit_ids: list[RecordId]
    is_active: bool
    version: RecordId

    @staticmethod
    def resolve_unit_ids(obj: User) -> list[int]:
        return sorted(unit.pk for unit in obj.units.all())

    @staticmethod
    def resolve_scope(obj: User) -> str:
        return obj.effective_scope

    @staticmethod
    def resolve_crm_access(obj: User) -> bool:
        return obj.is_admin or obj.crm_access


def _me_schema() -> type:
    """UserOut plus the fields other apps register (e.g. `calendar_feed_url`)."""
    extra = {
        field.name: (field.type, Field(..., description=field.description or None))
        for field in registries.me_fields
    }
    return create_model("Me", __base__=UserOut, **extra)


MeOut = _me_schema()


class UserIn(Schema):
    model_config = _FORBID

    username: Username
    password: Password
    full_name: FullName = ""
    email: Email = ""
    phone: Phone = ""
    language: LanguageLiteral | None = None
    time_zone: TimeZone = ""
    role: RoleLiteral = "agent"
    scope: ScopeLiteral = "own"
    crm_access: bool = False
    unit_ids: list[RecordId] = Field(default_factory=list, max_length=200)
    is_active: bool = True


UnitIds = Annotated[list[RecordId], Field(max_length=200)]


class UserPatch(Schema):
    """Send only what changes; `id` is accepted when unchanged, `language` may be null."""

    model_config = _FORBID

    id: int | None = None
    username: not_null(Username) = None
    password: not_null(Password) = Field(None, description="A new password (a reset).")
    full_name: not_null(FullName) = None
    email: not_null(Email) = None
    phone: not_null(Phone) = None
    language: LanguageLiteral | None = None
    time_zone: not_null(TimeZone) = None
    role: not_null(RoleLiteral) = None
    scope: not_null(ScopeLiteral) = None
    crm_access: not_null(bool) = None
    unit_ids: not_null(UnitIds) = None
    is_active: not_null(bool) = None
    version: Version | None = None


class _MePatch(Schema):
    """One's own contact details and preferences; read-only fields only unchanged."""

    model_config = _FORBID

    full_name: not_null(FullName) = None
    email: not_null(Email) = None
    phone: not_null(Phone) = None
    language: LanguageLiteral | None = None
    time_zone: not_null(TimeZone) = None
    # Accepted only when unchanged, so GET -> PATCH works; changing them is a 422.
    id: not_null(int) = None
    username: not_null(Annotated[str, Field(max_length=150)]) = None
    role: not_null(Annotated[str, Field(max_length=20)]) = None
    scope: not_null(Annotated[str, Field(max_length=20)]) = None
    crm_access: not_null(bool) = None
    unit_ids: not_null(Annotated[list[int], Field(max_length=200)]) = None
    is_active: not_null(bool) = None
    version: not_null(int) = None


# The registered extra fields of GET /me are read-only here, accepted when unchanged.
MePatch = create_model(
    "MePatch",
    __base__=_MePatch,
    **{field.name: (field.type | None, Field(None)) for field in registries.me_fields},
)

UserList = list_schema("UserList", UserOut)
UserConflict = conflict_schema("UserConflict", UserOut)


class UnitOut(Output):
    id: RecordId
    name: shown(UnitName)
    is_active: bool
    version: RecordId


class UnitIn(Schema):
    model_config = _FORBID
    name: UnitName
    is_active: bool = True


class UnitPatch(Schema):
    model_config = _FORBID
    id: int | None = None
    name: not_null(UnitName) = None
    is_active: not_null(bool) = None
    version: Version | None = None


UnitList = list_schema("UnitList", UnitOut)
UnitConflict = conflict_schema("UnitConflict", UnitOut)


def user_json(user: User, request=None) -> dict:
    return UserOut.from_orm(user).model_dump(mode="json")


def unit_json(unit: Unit, request=None) -> dict:
    return UnitOut.from_orm(unit).model_dump(mode="json")


CONFLICT_SERIALIZERS[User] = user_json
CONFLICT_SERIALIZERS[Unit] = unit_json

USER_NOT_NULL = {
    "username",
    "full_name",
    "email",
    "phone",
    "time_zone",
    "role",
    "scope",
    "crm_access",
    "unit_ids",
    "is_active",
    "password",
}


# --- me ------------------------------------------------------------------------


def _me(request: HttpRequest) -> User:
    """The user, carrying the values of the registered extra fields."""
    user = request.auth
    for field in registries.me_fields:
        setattr(user, field.name, field.resolve(user, request))
    return user


@me_router.get(
    "/me",
    # 403: a browser session whose generated password must be changed first.
    response=answers({200: MeOut, 403: Error}, crm=False, params=False),
    summary="Yourself",
    description="Your profile, role, scope and units; reachable without access to the CRM.",
)
def get_me(request: HttpRequest):
    return _me(request)


@me_router.patch(
    "/me",
    response=answers({200: MeOut}, crm=False, body=True),
    summary="Change your own profile",
    description="Only full_name, email, phone, language and time_zone (and, later, reminder "
    "defaults) change here; other fields are accepted only unchanged.",
)
def update_me(request: HttpRequest, payload: MePatch):
    user = request.auth
    data = payload.model_dump(exclude_unset=True)
    current = user_json(user)
    for field in registries.me_fields:
        current[field.name] = field.resolve(user, request)
    refused = {}
    for name in [n for n in data if n not in services.USER_SELF_FIELDS]:
        if data.pop(name) != current.get(name):
            refused[name] = [_("You cannot change this field.")]
    if refused:
        raise ValidationError(refused)
    changes = check_patch(
        {}, data, read_only=set(), not_null={"full_name", "email", "phone", "time_zone"}
    )
    services.me_update(user=user, data=changes)
    return _me(request)


# --- users (admins) ------------------------------------------------------------


def _admin(request: HttpRequest) -> User:
    user = request.auth
    require_admin(user)
    return user


@users_router.get(
    "/users",
    response=answers({200: UserList}),
    summary="List users",
    description="Every user, by username, in pages (administrators only).",
)
def list_users(
    request: HttpRequest,
    limit: int = LIMIT,
    cursor: str = CURSOR,
    is_active: bool = Query(None, description="Only active (true) or inactive (false) users."),
):
    _admin(request)
    queryset = User.objects.prefetch_related("units")
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    page = paginate(
        queryset, sort_field="username", descending=False, limit=clean_limit(limit), cursor=cursor
    )
    return page_body(page)


@users_router.post(
    "/users",
    response=answers({201: UserOut}, body=True),
    summary="Create a user",
    description="The password must follow the password rules (at least 10 characters, not "
    "common, not all digits, not like the username).",
    openapi_extra=CREATED,
)
def create_user(request: HttpRequest, response: HttpResponse, payload: UserIn):
    actor = _admin(request)
    user = services.user_create(actor=actor, data=payload.model_dump())
    response["Location"] = reverse("api:get_user", kwargs={"user_id": user.pk})
    return Status(201, user)


@users_router.get(
    "/users/{user_id}",
    response=answers({200: UserOut}, record=True),
    summary="Read a user",
    description="Administrators only.",
)
def get_user(request: HttpRequest, user_id: RecordId):
    return user_for_admin(request.auth, user_id)


@users_router.patch(
    "/users/{user_id}",
    response=answers({200: UserOut}, record=True, body=True, conflict=UserConflict),
    summary="Change, deactivate or reset the password of a user",
    description="Deactivating a user or resetting their password ends their sessions and "
    "revokes their API tokens. The last active administrator cannot be demoted or deactivated.",
)
def update_user(
    request: HttpRequest, user_id: RecordId, payload: UserPatch, if_match: str = IF_MATCH
):
    actor = request.auth
    user = user_for_admin(actor, user_id)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    changes = check_patch({"id": user.pk}, data, read_only={"id"}, not_null=USER_NOT_NULL)
    return services.user_update(actor=actor, user=user, data=changes, version=version)


# --- units -----------------------------------------------------------------------


@units_router.get(
    "/units",
    response=answers({200: UnitList}),
    summary="List business units",
    description="Every business unit, active or not, by name, in pages.",
)
def list_units(request: HttpRequest, limit: int = LIMIT, cursor: str = CURSOR):
    crm_user(request)
    page = paginate(
        Unit.objects.all(),
        sort_field="name",
        descending=False,
        limit=clean_limit(limit),
        cursor=cursor,
    )
    return page_body(page)


@units_router.post(
    "/units",
    response=answers({201: UnitOut}, body=True),
    summary="Create a business unit (administrators)",
    description="Names are unique, ignoring case.",
    openapi_extra=CREATED,
)
def create_unit(request: HttpRequest, response: HttpResponse, payload: UnitIn):
    actor = _admin(request)
    unit = services.unit_create(actor=actor, name=payload.name, is_active=payload.is_active)
    response["Location"] = reverse("api:get_unit", kwargs={"unit_id": unit.pk})
    return Status(201, unit)


@units_router.get(
    "/units/{unit_id}",
    response=answers({200: UnitOut}, record=True),
    summary="Read a business unit",
    description="Everyone with access to the CRM may read every unit.",
)
def get_unit(request: HttpRequest, unit_id: RecordId):
    return unit_for(request.auth, unit_id)


@units_router.patch(
    "/units/{unit_id}",
    response=answers({200: UnitOut}, record=True, body=True, conflict=UnitConflict),
    summary="Rename or deactivate a business unit (administrators)",
    description="Units are deactivated, never deleted: their records keep them.",
)
def update_unit(
    request: HttpRequest, unit_id: RecordId, payload: UnitPatch, if_match: str = IF_MATCH
):
    actor = request.auth
    unit = unit_for(actor, unit_id, to_change=True)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    changes = check_patch({"id": unit.pk}, data, read_only={"id"}, not_null={"name", "is_active"})
    return services.unit_update(actor=actor, unit=unit, data=changes, version=version)
