"""Small HTTP helpers shared by the pages of every app."""

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str = "/") -> str:
    """The `next` address of a form or link, when it points back into this site.

    Only an address with a path: redirect() would take a bare word ("0", "home") for the
    name of a view and fail to find it.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and urlsplit(target).path.startswith("/"):
        return target
    return fallback
