"""/api/v1/me, /api/v1/users (admins) and /api/v1/units."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from clientela.accounts import services
from clientela.accounts.access import require_admin
from clientela.accounts.models import Unit, User
from clientela.core.pagination import clean_limit, paginate

from .base import CONFLICT_SERIALIZERS, RecordId, crm_user, if_match_version

router = Router(tags=["accounts"])

RoleLiteral = Literal["admin", "manager", "agent"]
ScopeLiteral = Literal["own", "unit", "all"]
LanguageLiteral = Literal["pt-BR", "en"]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    language: str | None
    time_zone: str
    role: str
    scope: str
    crm_access: bool
    unit_ids: list[int]
    is_active: bool
    version: int

    @staticmethod
    def resolve_unit_ids(obj: User) -> list[int]:
        return sorted(unit.pk for unit in obj.units.all())

    @staticmethod
    def resolve_scope(obj: User) -> str:
        return obj.effective_scope


class UserIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str
    password: str
    full_name: str = ""
    email: str = ""
    phone: str = ""
    language: LanguageLiteral | None = None
    time_zone: str = ""
    role: RoleLiteral = "agent"
    scope: ScopeLiteral = "own"
    crm_access: bool = False
    unit_ids: list[RecordId] = Field(default_factory=list)
    is_active: bool = True


class UserPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    username: str | None = None
    password: str | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: LanguageLiteral | None = None
    time_zone: str | None = None
    role: RoleLiteral | None = None
    scope: ScopeLiteral | None = None
    crm_access: bool | None = None
    unit_ids: list[RecordId] | None = None
    is_active: bool | None = None
    version: int | None = None


class MePatch(Schema):
    """One's own contact details and preferences; read-only fields only unchanged."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: LanguageLiteral | None = None
    time_zone: str | None = None
    # Accepted only when unchanged, so GET -> PATCH works; changing them is a 422.
    id: int | None = None
    username: str | None = None
    role: str | None = None
    scope: str | None = None
    crm_access: bool | None = None
    unit_ids: list[int] | None = None
    is_active: bool | None = None
    version: int | None = None


class UserList(Schema):
    items: list[UserOut]
    count: int | None
    next_cursor: str | None


class UnitOut(Schema):
    id: int
    name: str
    is_active: bool
    version: int


class UnitIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    is_active: bool = True


class UnitPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    id: int | None = None
    name: str | None = None
    is_active: bool | None = None
    version: int | None = None


class UnitList(Schema):
    items: list[UnitOut]
    count: int | None
    next_cursor: str | None


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


def user_json(user: User) -> dict:
    return UserOut.from_orm(user).model_dump(mode="json")


def unit_json(unit: Unit) -> dict:
    return UnitOut.from_orm(unit).model_dump(mode="json")


CONFLICT_SERIALIZERS[User] = user_json
CONFLICT_SERIALIZERS[Unit] = unit_json

NON_NULL_USER_FIELDS = {
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


def _refuse_nulls(data: dict, allowed: set[str]) -> None:
    refused = {
        k: [_("This field cannot be empty.")] for k, v in data.items() if v is None and k in allowed
    }
    if refused:
        raise ValidationError(refused)


def _refuse_changed_id(obj, data: dict) -> None:
    if "id" in data and data.pop("id") != obj.pk:
        raise ValidationError({"id": [_("This field is read-only.")]})


# --- me ------------------------------------------------------------------------


@router.get("/me", response=UserOut, summary="The user making the request")
def get_me(request: HttpRequest):
    return request.auth


@router.patch("/me", response={200: UserOut, 422: Error}, summary="Change one's own profile")
def update_me(request: HttpRequest, payload: MePatch):
    user = request.auth
    data = payload.model_dump(exclude_unset=True)
    current = user_json(user)
    refused = {}
    for name in [n for n in data if n not in services.USER_SELF_FIELDS]:
        if data.pop(name) != current.get(name):
            refused[name] = [_("You cannot change this field.")]
    if refused:
        raise ValidationError(refused)
    _refuse_nulls(data, {"full_name", "email", "phone", "time_zone"})
    return services.me_update(user=user, data=data)


# --- users (admins) ------------------------------------------------------------


def _admin(request: HttpRequest) -> User:
    user = request.auth
    require_admin(user)
    return user


@router.get("/users", response=UserList, summary="List users (admins)")
def list_users(
    request: HttpRequest,
    limit: int | None = None,
    cursor: str | None = None,
    is_active: bool | None = None,
):
    _admin(request)
    queryset = User.objects.prefetch_related("units")
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    page = paginate(
        queryset, sort_field="username", descending=False, limit=clean_limit(limit), cursor=cursor
    )
    return {"items": page.items, "count": page.count, "next_cursor": page.next_cursor}


@router.post("/users", response={201: UserOut, 422: Error}, summary="Create a user (admins)")
def create_user(request: HttpRequest, response: HttpResponse, payload: UserIn):
    actor = _admin(request)
    user = services.user_create(actor=actor, data=payload.model_dump())
    response["Location"] = reverse("api:get_user", kwargs={"user_id": user.pk})
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut, summary="Read a user (admins)")
def get_user(request: HttpRequest, user_id: RecordId):
    _admin(request)
    return get_object_or_404(User.objects.prefetch_related("units"), pk=user_id)


@router.patch(
    "/users/{user_id}",
    response={200: UserOut, 409: Error, 422: Error},
    summary="Change, deactivate or reset the password of a user (admins)",
)
def update_user(request: HttpRequest, user_id: RecordId, payload: UserPatch):
    actor = _admin(request)
    user = get_object_or_404(User, pk=user_id)
    data = payload.model_dump(exclude_unset=True)
    _refuse_changed_id(user, data)
    version = if_match_version(request, data.pop("version", None))
    _refuse_nulls(data, NON_NULL_USER_FIELDS)
    return services.user_update(actor=actor, user=user, data=data, version=version)


# --- units -----------------------------------------------------------------------


@router.get("/units", response=UnitList, summary="List business units")
def list_units(request: HttpRequest, limit: int | None = None, cursor: str | None = None):
    crm_user(request)
    page = paginate(
        Unit.objects.all(),
        sort_field="name",
        descending=False,
        limit=clean_limit(limit),
        cursor=cursor,
    )
    return {"items": page.items, "count": page.count, "next_cursor": page.next_cursor}


@router.post("/units", response={201: UnitOut, 422: Error}, summary="Create a unit (admins)")
def create_unit(request: HttpRequest, response: HttpResponse, payload: UnitIn):
    actor = _admin(request)
    unit = services.unit_create(actor=actor, name=payload.name, is_active=payload.is_active)
    response["Location"] = reverse("api:get_unit", kwargs={"unit_id": unit.pk})
    return Status(201, unit)


@router.get("/units/{unit_id}", response=UnitOut, summary="Read a business unit")
def get_unit(request: HttpRequest, unit_id: RecordId):
    crm_user(request)
    return get_object_or_404(Unit, pk=unit_id)


@router.patch(
    "/units/{unit_id}",
    response={200: UnitOut, 409: Error, 422: Error},
    summary="Rename or deactivate a unit (admins)",
)
def update_unit(request: HttpRequest, unit_id: RecordId, payload: UnitPatch):
    actor = _admin(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    data = payload.model_dump(exclude_unset=True)
    _refuse_changed_id(unit, data)
    version = if_match_version(request, data.pop("version", None))
    _refuse_nulls(data, {"name", "is_active"})
    return services.unit_update(actor=actor, unit=unit, data=data, version=version)
