"""The API object: authentication, the error format of DESIGN.md, shared helpers."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from clientela.accounts.access import require_crm_access
from clientela.accounts.services import token_authenticate
from clientela.core.errors import EditConflict


class TokenAuth(HttpBearer):
    """`Authorization: Bearer clt_…` for scripts and integrations."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
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


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        name = _field_name(err.get("loc", ()))
        kind = err.get("type", "")
        if kind == "extra_forbidden":
            message = _("Unknown field.")
        elif kind == "missing":
            message = _("This field is required.")
        else:
            message = err.get("msg", _("Invalid value."))
        errors.setdefault(name, []).append(str(message))
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
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


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
