import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from .models import DJANGO_LANGUAGE


def activate_user_language(request, user) -> None:
    language = None
    if user is not None and user.is_authenticated and user.language:
        language = DJANGO_LANGUAGE.get(user.language)
    if language is None:
        language = translation.get_language_from_request(request)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """The user's language if set, else the language switch cookie or the browser's, else pt-BR."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_user_language(request, getattr(request, "user", None))
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ["Accept-Language"])
        return response


class UserTimeZoneMiddleware:
    """Show times in the user's time zone when they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# What a user whose password must be changed may still open.
OPEN_WHILE_PASSWORD_MUST_CHANGE = {"accounts:password", "accounts:logout", "accounts:set_language"}


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login, except the API (it answers 401 JSON itself) and public views.

    A user logged in with a generated first password (must_change_password) is sent to
    the change-password page from every other page until they choose their own (the API
    answers their browser session 403 meanwhile: api.base.SessionAuth).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        refused = super().process_view(request, view_func, view_args, view_kwargs)
        if refused is not None:
            return refused
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_PASSWORD_MUST_CHANGE:
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        target = reverse("accounts:password")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
