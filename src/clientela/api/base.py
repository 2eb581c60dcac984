"""The API object: authentication, the error format of DESIGN.md, and what every resource
module shares (the error and list schemas, the answers each operation declares, the
read-only and not-null rules of a PATCH, the version from the body or If-Match)."""

import datetime
import re
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import (
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    WithJsonSchema,
    create_model,
)

from clientela.accounts.access import require_crm_access
from clientela.accounts.middleware import activate_user_language
from clientela.accounts.tokens import token_authenticate
from clientela.core.converters import MAX_ID
from clientela.core.errors import EditConflict
from clientela.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from clientela.core.versioning import parse_version

# A record id as the database can hold it: bigger numbers are a 422, never a 500.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[
    int, Field(ge=1, le=MAX_ID, description="The version you read; a stale one is a 409.")
]
Limit = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_LIMIT,
        description=f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    ),
]
Cursor = Annotated[
    str,
    Field(max_length=500, description="`next_cursor` of the previous page, to read the next one."),
]
# An e-mail address or nothing: "" is how an unknown address is sent and shown.
Email = Annotated[
    str,
    Field(max_length=254),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "email", "maxLength": 254},
                {"type": "string", "maxLength": 0},
            ],
            "description": "An e-mail address, or an empty string for none.",
        }
    ),
]
# The same, as parameters of an operation (`limit: int = LIMIT`: absent means the default).
LIMIT = Query(
    None,
    ge=1,
    le=MAX_LIMIT,
    description=f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
)
CURSOR = Query(None, max_length=500, description="`next_cursor` of the previous page.")
IF_MATCH = Header(
    None,
    alias="If-Match",
    max_length=40,
    description='The version you read, e.g. `3` or `"3"` (or send `version` in the body); '
    "a stale one is a 409.",
)
# Answers of 201: where the new record is.
CREATED = {
    "responses": {
        201: {
            "headers": {
                "Location": {
                    "description": "The address of the new record.",
                    "required": True,
                    "schema": {"type": "string"},
                }
            }
        }
    }
}


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})", re.I)


def _written_as(pattern: re.Pattern, example: str):
    """Only text of the documented form: pydantic alone also takes 0 or 0.5 (Unix time)."""

    def check(value):
        if isinstance(value, str) and not pattern.fullmatch(value.strip()):
            raise ValueError(f"write it as {example}")
        if isinstance(value, int | float):
            raise ValueError(f"write it as {example}")
        return value

    return BeforeValidator(check)


def bounded_format(kind: str, length: int):
    """A date ("date") or date-time ("date-time") parameter, documented with its greatest
    length, as every text parameter is."""
    return WithJsonSchema({"type": "string", "format": kind, "maxLength": length})


def shown(annotation) -> Any:
    """An answer's field: documented as `annotation`, but not checked on the way out, so a
    row saved before a rule existed is still shown (the tests check every answer against
    the document, see api/tests/openapi_conformance.py)."""
    schema = TypeAdapter(annotation).json_schema(mode="serialization")
    return Annotated[Any, WithJsonSchema(schema)]


def not_null(annotation) -> Any:
    """`annotation | None` that the document shows as `annotation`: a PATCH field that may be
    left out but not sent as null (the handler refuses null with its own message)."""
    schema = TypeAdapter(annotation).json_schema()
    return Annotated[annotation | None, WithJsonSchema(schema)]


TAGS = [
    {"name": "me", "description": "The user making the request: profile and preferences."},
    {"name": "users", "description": "Users of the CRM (administrators only)."},
    {
        "name": "units",
        "description": "Business units: read by everyone in the CRM, written by administrators.",
    },
    {
        "name": "parties",
        "description": "Customers, suppliers and contact people, with search, trash and history.",
    },
    {
        "name": "activities",
        "description": "The relationship log: contacts made and follow-ups to make.",
    },
    {
        "name": "activity types and presets",
        "description": "Types of activity (kept by administrators) and quick-entry presets.",
    },
]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer clt_…` for scripts and integrations."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
            # The language middleware ran before the token was known.
            activate_user_language(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods.

    A user who logged in with a generated password (must_change_password) gets a 403 until
    they choose their own, as every page sends them to do. A token is not held up: only
    someone who has the password can make one (`clientela manage api_token`).
    """

    param_name = "sessionid"

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            # No session: a 401, never a CSRF 403 for an anonymous client.
            return None
        self._get_key(request)  # runs the CSRF check for unsafe methods
        if user.must_change_password:
            from django.urls import reverse

            raise PermissionDenied(
                _(
                    "Change your password first: you logged in with a generated password. "
                    "Choose your own at %(url)s, then use the API."
                )
                % {"url": request.build_absolute_uri(reverse("accounts:password"))}
            )
        return user

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - see __call__
        return None


class ClientelaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # "list_parties", not "clientela_api_parties_list_parties": the name a generated
        # client gives its function, and the URL name of the operation.
        return operation.view_func.__name__

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        _drop_unused_schemas(schema)
        return schema


def _drop_unused_schemas(document) -> None:
    """Leave out the component schemas no operation refers to (a query's model, such as
    the party list's filters, is there only as its parameters)."""
    schemas = document.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"

    def refs(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                yield ref[len(prefix) :]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    used: set[str] = set()
    pending = list(refs(document.get("paths", {})))
    while pending:
        name = pending.pop()
        if name not in used and name in schemas:
            used.add(name)
            pending.extend(refs(schemas[name]))
    for name in [name for name in schemas if name not in used]:
        del schemas[name]


api = ClientelaAPI(
    title="Clientela API",
    version="1",
    description=(
        "The REST API of Clientela. Authenticate with `Authorization: Bearer clt_…` (a token "
        "from the API tokens page or `clientela manage api_token USER`) or the browser session "
        "(with the X-CSRFToken header on unsafe methods). Errors are JSON "
        '`{"detail": "<sentence>", "errors": {"field": ["message"]}}`.'
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    servers=[{"url": "/", "description": "This installation."}],
    openapi_extra={
        "tags": TAGS,
        "info": {
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
            "contact": {"name": "Clientela"},
        },
    },
)


# --- the shapes every operation shares ---------------------------------------------


class Error(Schema):
    """An error answer: a sentence saying what went wrong (in the user's language)."""

    detail: str


class Invalid(Schema):
    """422: some fields are not valid; `errors` holds each field's messages (`__all__` for
    the record as a whole)."""

    detail: str
    errors: dict[str, Annotated[list[str], Field(min_length=1)]]


class VersionIn(Schema):
    """The body of a DELETE: the version you read (or send If-Match)."""

    model_config = ConfigDict(extra="forbid")
    version: Version | None = None


class Output(Schema):
    """An answer's shape: every field is always there (null where nullable)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


def conflict_schema(name: str, record: type) -> type:
    """409 for `record`: the record changed since it was read; `current` is what is saved."""
    return create_model(
        name,
        __base__=Output,
        __doc__=f"409: the record changed since you read it; `current` is the saved "
        f"{record.__name__}.",
        detail=(str, ...),
        current=(record, ...),
    )


def list_schema(name: str, item: type) -> type:
    """The list envelope of DESIGN.md for `item`: items, a capped count and the next cursor."""
    return create_model(
        name,
        __base__=Output,
        items=(list[item], ...),
        count=(
            Annotated[int, Field(ge=0)] | None,
            Field(..., description="Exact up to 10,000; null beyond."),
        ),
        next_cursor=(
            str | None,
            Field(..., description="Pass as `cursor` for the next page; null on the last page."),
        ),
    )


def page_body(page: Page) -> dict:
    return {"items": page.items, "count": page.count, "next_cursor": page.next_cursor}


def answers(
    ok: dict,
    *,
    crm: bool = True,
    record: bool = False,
    body: bool = False,
    conflict: type | None = None,
    params: bool = True,
) -> dict:
    """The status codes an operation can give, for its `response=`, each with its schema.

    401 always (no or a bad token); 403 without access to the CRM, for an action the role
    forbids, or a failed CSRF check (any operation with a body, with the session); 404 for a
    record out of scope or missing; 400 for a body that is not JSON and 413 for one over the
    size limit; 409 (`conflict`, the resource's conflict schema) for a stale version; 422
    for invalid fields, parameters or ids.
    """
    result = dict(ok)
    result[401] = Error
    if crm or body:
        result[403] = Error
    if record:
        result[404] = Error
    if body:
        result[400] = Error
        result[413] = Error
    if conflict:
        result[409] = conflict
    if body or params or record:
        result[422] = Invalid
    return result


# --- errors ----------------------------------------------------------------------------


def error_body(detail: str, errors: dict | None = None) -> dict:
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def _field_name(loc) -> str:
    # ("body", "payload", "phones", 0) -> "phones"; ("query", "limit") -> "limit"
    parts = [
        str(p) for p in loc if p not in ("body", "query", "path", "header", "payload", "__root__")
    ]
    return parts[0] if parts else "__all__"


def _schema_message(err: dict) -> str:
    """Our own words (translated) for pydantic's error types, not its English sentences."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Use at most %(n)d characters.") % {"n": ctx.get("max_length", 0)}
    if kind == "too_long":
        return _("Send at most %(n)d items.") % {"n": ctx.get("max_length", 0)}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = ctx.get("ge", ctx.get("gt")), ctx.get("le", ctx.get("lt"))
        if low is not None and high is None:
            return _("Enter a number of at least %(low)s.") % {"low": low}
        if high is not None and low is None:
            return _("Enter a number of at most %(high)s.") % {"high": high}
        return _("Enter a number in the allowed range.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("int") or kind.startswith("float"):
        return _("Enter a whole number.")
    if kind == "string_unicode":
        return _("Remove the invalid characters (a lone surrogate cannot be stored).")
    if kind.startswith("string"):
        return _("Enter text.")
    if kind.startswith("list"):
        return _("Enter a list.")
    if kind == "literal_error":
        # pydantic says "'person' or 'company'" in English: list the choices ourselves.
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
    if kind == "timezone_aware":
        return _("Enter a date-time with a UTC offset, e.g. 2026-03-01T14:30:00-03:00.")
    if kind.startswith("date_") and not kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("datetime") or kind.startswith("date"):
        return _("Enter a date-time in ISO 8601, e.g. 2026-03-01T14:30:00-03:00.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("Send a JSON object.")
    return _("Invalid value.")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        messages = errors.setdefault(_field_name(err.get("loc", ())), [])
        message = str(_schema_message(err))
        if message not in messages:
            messages.append(message)
    return api.create_response(
        request, error_body(_("Some fields are not valid."), errors), status=422
    )


@api.exception_handler(DjangoValidationError)
def on_rule_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        detail = _("Some fields are not valid.")
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
        detail = " ".join(str(m) for m in exc.messages)
    return api.create_response(request, error_body(detail, errors), status=422)


@api.exception_handler(EditConflict)
def on_conflict(request, exc: EditConflict):
    body = error_body(str(exc.message))
    serializer = CONFLICT_SERIALIZERS.get(type(exc.current))
    if serializer is not None:
        body["current"] = serializer(exc.current, request)
    return api.create_response(request, body, status=409)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc: PermissionDenied):
    return api.create_response(request, error_body(str(exc) or _("Forbidden.")), status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body(_("Authentication required: send a valid token or log in.")),
        status=401,
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return api.create_response(
        request,
        error_body(
            _("The request body is too large: send at most %(size).1f MB.") % {"size": limit}
        ),
        status=413,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    elif exc.status_code == 403 and "CSRF" in message:
        message = _("CSRF check failed: send the X-CSRFToken header, or use a token.")
    return api.create_response(request, error_body(message), status=exc.status_code)


# Filled by the resource modules: model class -> function(record, request) giving its JSON.
CONFLICT_SERIALIZERS: dict = {}


# --- what operations share ----------------------------------------------------------------


def crm_user(request: HttpRequest):
    """The authenticated user, with a 403 when they lack access to the CRM."""
    user = request.auth
    require_crm_access(user)
    return user


def expected_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version the client read: from the body, else from an If-Match header."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    version = parse_version(header.removeprefix("W/").strip('"'))
    if version is None:
        raise DjangoValidationError({"version": [_("If-Match must be a version number.")]})
    return version


def _same(sent, saved) -> bool:
    if isinstance(sent, datetime.datetime) and isinstance(saved, datetime.datetime):
        # JSON carries microseconds at most; allow for a client that rounds to milliseconds.
        return abs((sent - saved).total_seconds()) < 0.001
    if isinstance(sent, list) and isinstance(saved, list | tuple):
        return sorted(map(str, sent)) == sorted(map(str, saved))
    return sent == saved


def check_patch(current: dict, data: dict, *, read_only: set[str], not_null: set[str]) -> dict:
    """The fields of a PATCH to apply: read-only ones only when unchanged (GET -> PATCH works)
    and then dropped; null refused where a field cannot be empty."""
    errors = {}
    changes = {}
    for name, value in data.items():
        if name in read_only:
            if value is not None and not _same(value, current.get(name)):
                errors[name] = [_("This field is read-only.")]
            continue
        if value is None and name in not_null:
            errors[name] = [_("This field cannot be empty.")]
            continue
        changes[name] = value
    if errors:
        raise DjangoValidationError(errors)
    return changes


# Dates and date-times in the text forms the document gives, and nothing else.
IsoDate = Annotated[datetime.date, _written_as(_ISO_DAY, "YYYY-MM-DD"), bounded_format("date", 10)]
IsoMoment = Annotated[
    AwareDatetime,
    _written_as(_ISO_MOMENT, "2026-03-01T14:30:00-03:00"),
    bounded_format("date-time", 40),
]
