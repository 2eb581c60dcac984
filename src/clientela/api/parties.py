"""/api/v1/parties: the customer and supplier registry."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict

from clientela.accounts.access import get_visible_or_404, require_admin
from clientela.audit.services import history_for
from clientela.core.pagination import clean_limit, paginate
from clientela.parties import services
from clientela.parties.models import Party
from clientela.parties.queries import SORTS, filter_parties

from .base import CONFLICT_SERIALIZERS, RecordId, crm_user, if_match_version

router = Router(tags=["parties"])

KindLiteral = Literal["person", "company"]


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    trade_name: str
    tax_id: str | None
    is_customer: bool
    is_supplier: bool
    email: str
    phones: list[str]
    street: str
    number: str
    complement: str
    district: str
    zip_code: str
    city: str
    state: str
    country: str
    tags: list[str]
    notes: str
    is_active: bool
    employer_id: int | None
    job_title: str
    owner_id: int
    unit_id: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PartyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: KindLiteral = "person"
    name: str
    trade_name: str = ""
    tax_id: str | None = None
    is_customer: bool = True
    is_supplier: bool = False
    email: str = ""
    phones: list[str] = Field(default_factory=list)
    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    zip_code: str = ""
    city: str = ""
    state: str = ""
    country: str = "BR"
    tags: list[str] = Field(default_factory=list)
    notes: str = ""
    is_active: bool = True
    employer_id: RecordId | None = None
    job_title: str = ""
    owner_id: RecordId | None = None
    unit_id: RecordId | None = None


class PartyPatch(Schema):
    """Every field optional; id/created_at/updated_at accepted only unchanged (GET -> PATCH)."""

    model_config = ConfigDict(extra="forbid")

    kind: KindLiteral | None = None
    name: str | None = None
    trade_name: str | None = None
    tax_id: str | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    email: str | None = None
    phones: list[str] | None = None
    street: str | None = None
    number: str | None = None
    complement: str | None = None
    district: str | None = None
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    is_active: bool | None = None
    employer_id: RecordId | None = None
    job_title: str | None = None
    owner_id: RecordId | None = None
    unit_id: RecordId | None = None
    version: int | None = None
    id: int | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None


class VersionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = None


class PartyList(Schema):
    items: list[PartyOut]
    count: int | None
    next_cursor: str | None


class HistoryOut(Schema):
    id: int
    action: str
    actor_id: int | None
    actor_name: str
    at: datetime.datetime
    changes: dict


class HistoryList(Schema):
    items: list[HistoryOut]


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class Conflict(Schema):
    detail: str
    current: PartyOut | None = None


def party_json(party: Party) -> dict:
    return PartyOut.from_orm(party).model_dump(mode="json")


CONFLICT_SERIALIZERS[Party] = party_json

# Fields a PATCH may not set to null (tax_id and employer_id may be cleared).
NOT_NULL_FIELDS = set(services.EDITABLE_FIELDS) - {"tax_id", "employer_id"}


def _fetch(request: HttpRequest, party_id: RecordId) -> Party:
    return get_visible_or_404(Party.objects.alive(), crm_user(request), pk=party_id)


def _single_unit_default(user) -> int | None:
    """Only a user with exactly one unit may omit unit_id."""
    unit_ids = user.unit_ids()
    return unit_ids[0] if len(unit_ids) == 1 else None


@router.get("/parties", response=PartyList, summary="List and search parties")
def list_parties(
    request: HttpRequest,
    q: str = "",
    kind: KindLiteral | None = None,
    is_customer: bool | None = None,
    is_supplier: bool | None = None,
    is_active: bool | None = None,
    city: str | None = None,
    state: str | None = None,
    owner_id: RecordId | None = None,
    unit_id: RecordId | None = None,
    sort: str = "name",
    limit: int | None = None,
    cursor: str | None = None,
    trashed: bool = False,
):
    user = crm_user(request)
    if trashed:
        require_admin(user)
    if sort.lstrip("-") not in SORTS:
        raise ValidationError({"sort": [_("Sort by name, created_at or updated_at.")]})
    queryset = filter_parties(
        user,
        q=q,
        kind=kind,
        is_customer=is_customer,
        is_supplier=is_supplier,
        is_active=is_active,
        city=city,
        state=state,
        owner_id=owner_id,
        unit_id=unit_id,
        trashed=trashed,
    )
    page = paginate(
        queryset,
        sort_field=SORTS[sort.lstrip("-")],
        descending=sort.startswith("-"),
        limit=clean_limit(limit),
        cursor=cursor,
        ids_first=True,
    )
    return {"items": page.items, "count": page.count, "next_cursor": page.next_cursor}


@router.post("/parties", response={201: PartyOut, 422: Error}, summary="Create a party")
def create_party(request: HttpRequest, response: HttpResponse, payload: PartyIn):
    user = crm_user(request)
    data = payload.model_dump()
    if data["unit_id"] is None:
        data.pop("unit_id")
    if data["owner_id"] is None:
        data.pop("owner_id")
    party = services.party_create(actor=user, data=data, default_unit_id=_single_unit_default(user))
    response["Location"] = reverse("api:get_party", kwargs={"party_id": party.pk})
    return Status(201, party)


@router.get("/parties/{party_id}", response=PartyOut, summary="Read a party")
def get_party(request: HttpRequest, party_id: RecordId):
    return _fetch(request, party_id)


def _check_read_only(party: Party, data: dict) -> None:
    errors = {}
    if "id" in data and data["id"] != party.pk:
        errors["id"] = [_("This field is read-only.")]
    for name in ("created_at", "updated_at"):
        sent = data.get(name)
        if sent is not None and abs((sent - getattr(party, name)).total_seconds()) >= 0.001:
            errors[name] = [_("This field is read-only.")]
    if errors:
        raise ValidationError(errors)


@router.patch(
    "/parties/{party_id}",
    response={200: PartyOut, 409: Conflict, 422: Error},
    summary="Change a party",
)
def update_party(request: HttpRequest, party_id: RecordId, payload: PartyPatch):
    party = _fetch(request, party_id)
    data = payload.model_dump(exclude_unset=True)
    _check_read_only(party, data)
    version = if_match_version(request, data.pop("version", None))
    for name in ("id", "created_at", "updated_at"):
        data.pop(name, None)
    refused = {
        name: [_("This field cannot be empty.")]
        for name, value in data.items()
        if value is None and name in NOT_NULL_FIELDS
    }
    if refused:
        raise ValidationError(refused)
    return services.party_update(actor=request.auth, party=party, data=data, version=version)


@router.delete(
    "/parties/{party_id}", response={204: None, 409: Conflict}, summary="Move a party to the trash"
)
def delete_party(request: HttpRequest, party_id: RecordId, payload: VersionIn | None = None):
    party = _fetch(request, party_id)
    version = if_match_version(request, payload.version if payload else None)
    services.party_trash(actor=request.auth, party=party, version=version)
    return Status(204, None)


def _trashed(request: HttpRequest, party_id: RecordId) -> Party:
    user = crm_user(request)
    require_admin(user)
    return get_object_or_404(Party.objects.trashed(), pk=party_id)


@router.post(
    "/parties/{party_id}/restore",
    response=PartyOut,
    summary="Restore a party from the trash (admins)",
)
def restore_party(request: HttpRequest, party_id: RecordId):
    party = _trashed(request, party_id)
    return services.party_restore(actor=request.auth, party=party)


@router.post(
    "/parties/{party_id}/purge",
    response={204: None},
    summary="Delete a party in the trash for good (admins)",
)
def purge_party(request: HttpRequest, party_id: RecordId):
    party = _trashed(request, party_id)
    services.party_purge(actor=request.auth, party=party)
    return Status(204, None)


@router.get("/parties/{party_id}/history", response=HistoryList, summary="A party's history")
def party_history(request: HttpRequest, party_id: RecordId, limit: int | None = None):
    party = _fetch(request, party_id)
    rows = history_for("party", party.pk)[: clean_limit(limit, default=100)]
    return {"items": list(rows)}


@router.get(
    "/parties/{party_id}/contacts", response=PartyList, summary="The contact people of a company"
)
def party_contacts(
    request: HttpRequest, party_id: RecordId, limit: int | None = None, cursor: str | None = None
):
    party = _fetch(request, party_id)
    queryset = Party.objects.visible_to(request.auth).filter(employer=party)
    page = paginate(
        queryset, sort_field="sort_name", descending=False, limit=clean_limit(limit), cursor=cursor
    )
    return {"items": page.items, "count": page.count, "next_cursor": page.next_cursor}
