from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.middleware import DJANGO_LANGUAGE
from clientela.accounts.services import me_update

from .navigation import nav_for

LANGUAGE_SETTING = {django_code: code for code, django_code in DJANGO_LANGUAGE.items()}


def home(request):
    """The start page: the first navigation entry the user has (the agenda, once it exists)."""
    entries = nav_for(request.user) if request.user.crm_access else []
    if entries:
        return redirect(entries[0].url)
    return redirect("accounts:profile")


def safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_not_required
@require_POST
def set_language(request):
    """Switch the language: saved on the user when logged in, in a cookie for everyone."""
    code = request.POST.get("language", "")
    response = redirect(safe_next(request))
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        me_update(user=request.user, data={"language": LANGUAGE_SETTING[code]})
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def permission_denied(request, exception=None):
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have permission to open this page.")
    )
    return render(
        request, "core/error.html", {"title": _("Access denied"), "message": message}, status=403
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "title": _("Not found"),
            "message": _("This page does not exist, or you cannot see it."),
        },
        status=404,
    )
