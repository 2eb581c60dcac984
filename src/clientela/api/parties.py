"""/api/v1/parties: the customer and supplier registry."""

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict, Field, create_model

from clientela.accounts.units import default_unit_id
from clientela.audit.models import Action
from clientela.audit.services import history_of
from clientela.core.pagination import MAX_LIMIT, clean_limit, paginate
from clientela.core.registries import timeline_for
from clientela.core.text import MAX_QUERY_LENGTH
from clientela.parties import selectors, services
from clientela.parties.models import Party
from clientela.parties.queries import SORTS

from .base import (
    CONFLICT_SERIALIZERS,
    CREATED,
    CURSOR,
    IF_MATCH,
    LIMIT,
    Cursor,
    Email,
    IsoMoment,
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
    shown,
)

router = Router(tags=["parties"])

KindLiteral = Literal["person", "company"]
SortLiteral = Literal["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"]


def _text(name: str, description: str = "") -> Any:
    return Annotated[
        str,
        Field(max_length=Party._meta.get_field(name).max_length, description=description or None),
    ]


Phone = Annotated[str, Field(max_length=30)]
Tag = Annotated[str, Field(max_length=services.MAX_TAG_LENGTH)]

# Each editable field once: (type, default on create, description). The input, patch and
# output schemas are all derived from this table and services.EDITABLE_FIELDS.
FIELDS: dict[str, tuple[Any, Any, str]] = {
    "kind": (KindLiteral, "person", "person (CPF) or company (CNPJ)."),
    "name": (_text("name"), ..., "Full name, or a company's legal name (razão social)."),
    "trade_name": (_text("trade_name"), "", "A company's trade name (nome fantasia)."),
    "tax_id": (
        Annotated[str, Field(max_length=30)] | None,
        None,
        "CPF or CNPJ; punctuation optional; stored canonical (digits, or uppercase letters "
        "and digits for the alphanumeric CNPJ).",
    ),
    "state_registration": (
        _text("state_registration"),
        "",
        "Inscrição Estadual, or ISENTO.",
    ),
    "municipal_registration": (_text("municipal_registration"), "", "Inscrição Municipal."),
    "birth_date": (datetime.date | None, None, "A person's date of birth (YYYY-MM-DD)."),
    "is_customer": (
        bool | None,
        None,
        "Default true, except for contact people (employer_id set): false.",
    ),
    "is_supplier": (bool, False, ""),
    "email": (Email, "", ""),
    "phones": (
        Annotated[list[Phone], Field(max_length=services.MAX_PHONES)],
        [],
        "Any common notation; stored E.164. Old 8-digit mobiles get their 9.",
    ),
    "street": (_text("street"), "", ""),
    "number": (_text("number"), "", ""),
    "complement": (_text("complement"), "", ""),
    "district": (_text("district"), "", ""),
    "zip_code": (Annotated[str, Field(max_length=12)], "", "CEP: 8 digits in Brazil."),
    "city": (_text("city"), "", ""),
    "state": (_text("state"), "", "UF in Brazil (SP, RJ…)."),
    "country": (_text("country"), "BR", "Two-letter ISO code."),
    "tags": (Annotated[list[Tag], Field(max_length=services.MAX_TAGS)], [], ""),
    "notes": (_text("notes"), "", ""),
    "is_active": (bool, True, ""),
    "employer_id": (RecordId | None, None, "The company a contact person works at."),
    "job_title": (_text("job_title"), "", "A contact person's job title."),
    "owner_id": (RecordId | None, None, "Default: you."),
    "unit_id": (
        RecordId | None,
        None,
        "Default: your business unit, when you have exactly one.",
    ),
}
assert list(FIELDS) == services.EDITABLE_FIELDS  # noqa: S101 - one list, derived, never drifting

_FORBID = ConfigDict(extra="forbid")


def _field(default, description):
    return Field(default, description=description or None)


# What the answers hold, where it is narrower than what the input accepts: canonical
# CPF/CNPJ, E.164 phones, uppercase codes, ids of existing rows.
OUTPUT_SHAPES: dict[str, Any] = {
    "tax_id": Annotated[str, Field(pattern=r"^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")] | None,
    "is_customer": bool,
    "phones": Annotated[
        list[Annotated[str, Field(pattern=r"^\+[1-9][0-9]{6,14}$")]],
        Field(max_length=services.MAX_PHONES),
    ],
    "state": Annotated[str, Field(pattern="^([A-Z0-9]{1,2})?$")],
    "country": Annotated[str, Field(pattern="^[A-Z]{2}$")],
    "owner_id": RecordId,
    "unit_id": RecordId,
}


_PartyOut = create_model(
    "_PartyOut",
    __base__=Output,
    id=(RecordId, ...),
    **{
        name: (
            shown(OUTPUT_SHAPES.get(name, annotation)),
            Field(..., description=description or None),
        )
        for name, (annotation, _default, description) in FIELDS.items()
    },
    employer_hidden=(
        bool,
        Field(
            False, description="True when the company the person works at is outside your scope."
        ),
    ),
    version=(RecordId, ...),
    created_at=(datetime.datetime, ...),
    updated_at=(datetime.datetime, ...),
)


class PartyOut(_PartyOut):
    """A party as the API shows it to you."""

    @staticmethod
    def resolve_employer_id(obj) -> int | None:
        # A company outside your scope is not shown: null, with employer_hidden true.
        return None if getattr(obj, "employer_hidden", False) else obj.employer_id


PartyIn = create_model(
    "PartyIn",
    __base__=Schema,
    __config__=None,
    **{
        name: (annotation, _field(default, description))
        for name, (annotation, default, description) in FIELDS.items()
    },
)
PartyIn.model_config.update(_FORBID)
# Fields a PATCH may not set to null (tax_id, birth_date and employer_id may be cleared);
# null on create means "the default" for these, not on a change.
NOT_NULL = set(services.EDITABLE_FIELDS) - {"tax_id", "birth_date", "employer_id"}
PATCH_SHAPES = {"is_customer": bool, "owner_id": RecordId, "unit_id": RecordId}
PartyPatch = create_model(
    "PartyPatch",
    __base__=Schema,
    **{
        name: (
            not_null(PATCH_SHAPES.get(name, annotation)) if name in NOT_NULL else annotation | None,
            _field(None, description),
        )
        for name, (annotation, _default, description) in FIELDS.items()
    },
    version=(Version | None, Field(None)),
    # Read-only: accepted when unchanged, so that a GET -> PATCH round trip works.
    id=(int | None, Field(None)),
    employer_hidden=(bool | None, Field(None)),
    created_at=(AwareDatetime | None, Field(None)),
    updated_at=(AwareDatetime | None, Field(None)),
)
PartyPatch.model_config.update(_FORBID)
PartyIn.model_rebuild(force=True)
PartyPatch.model_rebuild(force=True)

PartyList = list_schema("PartyList", PartyOut)
PartyConflict = conflict_schema("PartyConflict", PartyOut)


ActionLiteral = Literal[tuple(Action.values)]


class HistoryOut(Output):
    """One recorded change: who, when, and each field's [old, new]."""

    id: RecordId
    action: ActionLiteral
    actor_id: RecordId | None = Field(description="Null for the system (or a deleted user).")
    actor_name: str
    at: datetime.datetime
    changes: shown(dict[str, Annotated[list[Any], Field(min_length=2, max_length=2)]]) = Field(
        description="Each changed field's [old, new] value."
    )


class HistoryList(Output):
    items: list[HistoryOut]


class PartyFilters(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Every word must match (case, accents and punctuation ignored); "
        "digits match phones and CPF/CNPJ. At most 12 words.",
    )
    # Absent means no filter (None), which the document need not offer as a value.
    kind: KindLiteral = None
    is_customer: bool = None
    is_supplier: bool = None
    is_active: bool = None
    city: str = Field(None, max_length=100, description="The whole city name, any case.")
    state: str = Field(None, max_length=2, description="UF (SP, RJ…), any case.")
    owner_id: RecordId = None
    unit_id: RecordId = None
    sort: SortLiteral = Field("name", description="`-` first for descending; ties by id.")
    limit: Limit = None
    cursor: Cursor = None
    trashed: bool = Field(False, description="The trash instead (administrators only).")


def party_json(party: Party, request) -> dict:
    selectors.mark_hidden_employers(request.auth, [party])
    return PartyOut.model_validate(party, context={"request": request}).model_dump(mode="json")


CONFLICT_SERIALIZERS[Party] = party_json

READ_ONLY = {"id", "employer_hidden", "created_at", "updated_at"}
HISTORY_LIMIT = Query(
    None, ge=1, le=MAX_LIMIT, description=f"Rows, 1 to {MAX_LIMIT} (default 100), newest first."
)


def _fetch(request: HttpRequest, party_id: int) -> Party:
    party = selectors.visible_party(crm_user(request), party_id)
    selectors.mark_hidden_employers(request.auth, [party])
    return party


@router.get(
    "/parties",
    response=answers({200: PartyList}),
    summary="List and search parties",
    description="Customers and suppliers you may see, filtered and searched, in pages.",
)
def list_parties(request: HttpRequest, filters: Query[PartyFilters]):
    user = crm_user(request)
    queryset = selectors.filtered_parties(
        user, **filters.model_dump(exclude={"sort", "limit", "cursor"})
    )
    page = paginate(
        queryset,
        sort_field=SORTS[filters.sort.lstrip("-")],
        descending=filters.sort.startswith("-"),
        limit=clean_limit(filters.limit),
        cursor=filters.cursor,
        ids_first=True,
    )
    selectors.mark_hidden_employers(user, page.items)
    return page_body(page)


@router.post(
    "/parties",
    response=answers({201: PartyOut}, body=True),
    summary="Create a party",
    description="Answers 201 with the party and its address in `Location`. You are its owner "
    "unless you name another one you may assign; `unit_id` may be left out when you have "
    "exactly one business unit.",
    openapi_extra=CREATED,
)
def create_party(request: HttpRequest, response: HttpResponse, payload: PartyIn):
    user = crm_user(request)
    data = payload.model_dump()
    for name in ("unit_id", "owner_id"):
        if data[name] is None:
            data.pop(name)
    party = services.party_create(actor=user, data=data, default_unit_id=default_unit_id(user))
    selectors.mark_hidden_employers(user, [party])
    response["Location"] = reverse("api:get_party", kwargs={"party_id": party.pk})
    return Status(201, party)


@router.get(
    "/parties/{party_id}",
    response=answers({200: PartyOut}, record=True),
    summary="Read a party",
    description="A party you may see; one outside your scope or in the trash is a 404.",
)
def get_party(request: HttpRequest, party_id: RecordId):
    return _fetch(request, party_id)


@router.patch(
    "/parties/{party_id}",
    response=answers({200: PartyOut}, record=True, body=True, conflict=PartyConflict),
    summary="Change a party",
    description="Send only what changes, with the `version` you read (or If-Match); "
    "read-only fields are accepted when unchanged.",
)
def update_party(
    request: HttpRequest,
    party_id: RecordId,
    payload: PartyPatch,
    if_match: str = IF_MATCH,
):
    party = _fetch(request, party_id)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    if party.employer_hidden and data.get("employer_id", party.employer_id) is None:
        # It was shown as null: sending that back is no change.
        data.pop("employer_id", None)
    current = {name: getattr(party, name) for name in READ_ONLY}
    changes = check_patch(current, data, read_only=READ_ONLY, not_null=NOT_NULL)
    saved = services.party_update(actor=request.auth, party=party, data=changes, version=version)
    selectors.mark_hidden_employers(request.auth, [saved])
    return saved


@router.delete(
    "/parties/{party_id}",
    response=answers({204: None}, record=True, body=True, conflict=PartyConflict),
    summary="Move a party to the trash",
    description="Managers and administrators; send the `version` you read (in the body or "
    "If-Match) to be refused with a 409 when it changed. Administrators can restore it.",
)
def delete_party(
    request: HttpRequest,
    party_id: RecordId,
    payload: VersionIn | None = None,
    if_match: str = IF_MATCH,
):
    party = _fetch(request, party_id)
    version = expected_version(request, payload.version if payload else None)
    services.party_trash(actor=request.auth, party=party, version=version)
    return Status(204, None)


@router.post(
    "/parties/{party_id}/restore",
    response=answers({200: PartyOut}, record=True),
    summary="Restore a party from the trash (administrators)",
    description="Answers the restored party. Refused (422) while another party not in the "
    "trash has its CPF/CNPJ.",
)
def restore_party(request: HttpRequest, party_id: RecordId):
    party = selectors.trashed_party(crm_user(request), party_id)
    restored = services.party_restore(actor=request.auth, party=party)
    selectors.mark_hidden_employers(request.auth, [restored])
    return restored


@router.post(
    "/parties/{party_id}/purge",
    response=answers({204: None}, record=True),
    summary="Delete a party in the trash for good (administrators)",
    description="Irreversible. Its history stays, with a purge record.",
)
def purge_party(request: HttpRequest, party_id: RecordId):
    party = selectors.trashed_party(crm_user(request), party_id)
    services.party_purge(actor=request.auth, party=party)
    return Status(204, None)


@router.get(
    "/parties/{party_id}/history",
    response=answers({200: HistoryList}, record=True),
    summary="A party's recorded changes",
    description="Newest first: who changed what, when, old → new.",
)
def party_history(request: HttpRequest, party_id: RecordId, limit: int = HISTORY_LIMIT):
    party = _fetch(request, party_id)
    rows = history_of(party)[: clean_limit(limit, default=100)]
    return {"items": selectors.history_visible_to(request.auth, rows)}


@router.get(
    "/parties/{party_id}/contacts",
    response=answers({200: PartyList}, record=True),
    summary="The contact people of a company",
    description="The people who work at the company that you may see, by name, in pages.",
)
def party_contacts(
    request: HttpRequest,
    party_id: RecordId,
    limit: int = LIMIT,
    cursor: str = CURSOR,
):
    party = _fetch(request, party_id)
    page = paginate(
        selectors.contact_people(request.auth, party),
        sort_field="sort_name",
        descending=False,
        limit=clean_limit(limit),
        cursor=cursor,
    )
    selectors.mark_hidden_employers(request.auth, page.items)
    return page_body(page)


# --- the party's timeline ----------------------------------------------------------------


class TimelineItem(Output):
    at: datetime.datetime
    kind: str = Field(description="What it is: activity, change, and later sale, payment, call…")
    title: str
    url: str
    object_id: int | None


class TimelineOut(Output):
    items: list[TimelineItem]
    next_before: datetime.datetime | None = Field(
        description="Pass as `before` for older events; null when there are none."
    )


BEFORE = Query(None, description="Only events before this instant (`next_before`).")
Instant = IsoMoment


@router.get(
    "/parties/{party_id}/timeline",
    response=answers({200: TimelineOut}, record=True),
    summary="A party's timeline",
    description="Everything that happened with the party, newest first, from every module.",
)
def party_timeline(
    request: HttpRequest,
    party_id: RecordId,
    limit: int = HISTORY_LIMIT,
    before: Instant = BEFORE,
):
    party = selectors.visible_party(crm_user(request), party_id)
    size = clean_limit(limit, default=50)
    events = timeline_for("party", party, request.auth, limit=size + 1, before=before)
    items = [vars(event) for event in events[:size]]
    return {
        "items": items,
        "next_before": events[size - 1].at if len(events) > size else None,
    }
