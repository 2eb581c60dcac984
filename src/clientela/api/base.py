"""The API object: authentication, the error format of DESIGN.md, shared helpers."""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import Field

from clientela.accounts.access import require_crm_access
from clientela.accounts.middleware import activate_user_language
from clientela.accounts.services import token_authenticate
from clientela.core.converters import MAX_ID
from clientela.core.errors import EditConflict

# A record id as the database can hold it: bigger numbers are a 422, never a 500.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


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
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            # No session: a 401, never a CSRF 403 for an anonymous client.
            return None
        self._get_key(request)  # runs the CSRF check for unsafe methods
        return user

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - see __call__
        return None


api = NinjaAPI(
    title="Clientela API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_body(detail: str, errors: dict | None = None) -> dict:
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def _field_name(loc) -> str:
    # ("body", "payload", "phones", 0) -> "phones"; ("query", "limit") -> "limit"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "__root__")]
    return parts[0] if parts else "__all__"


def _schema_message(err: dict) -> str:
    """Our own words (translated) for pydantic's error types, not its English sentences."""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("int") or kind.startswith("float"):
        return _("Enter a whole number.")
    if kind.startswith("string"):
        return _("Enter text.")
    if kind.startswith("list") or kind == "too_long":
        return _("Enter a list.")
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return _("Choose one of: %(choices)s.") % {"choices": expected}
    if kind == "timezone_aware":
        return _("Enter a date-time with a UTC offset, e.g. 2026-03-01T14:30:00-03:00.")
    if kind.startswith("datetime") or kind.startswith("date"):
        return _("Enter a date-time in ISO 8601, e.g. 2026-03-01T14:30:00-03:00.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("Send a JSON object.")
    return _("Invalid value.")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(_field_name(err.get("loc", ())), []).append(str(_schema_message(err)))
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
        body["current"] = serializer(exc.current)
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


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    elif exc.status_code == 403 and "CSRF" in message:
        message = _("CSRF check failed: send the X-CSRFToken header, or use a token.")
    return api.create_response(request, error_body(message), status=exc.status_code)


# Filled by the resource modules: model class -> function giving its JSON form.
CONFLICT_SERIALIZERS: dict = {}


def crm_user(request: HttpRequest):
    """The authenticated user, with a 403 when they lack access to the CRM."""
    user = request.auth
    require_crm_access(user)
    return user


def if_match_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The expected version from the body, else from an If-Match header."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if not header:
        return None
    try:
        return int(header)
    except ValueError:
        raise DjangoValidationError(
            {"version": [_("If-Match must be a version number.")]}
        ) from None
