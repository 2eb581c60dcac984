from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clientela.core.registries import nav_for


def home(request):
    """The start page: the first navigation entry the user has (the agenda, once it exists)."""
    entries = nav_for(request.user)
    if entries:
        return redirect(entries[0].url)
    return redirect("accounts:profile")


def permission_denied(request, exception=None):
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have permission to open this page.")
    )
    return render(
        request, "web/error.html", {"title": _("Access denied"), "message": message}, status=403
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "web/error.html",
        {
            "title": _("Not found"),
            "message": _("This page does not exist, or you cannot see it."),
        },
        status=404,
    )
