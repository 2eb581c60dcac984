"""Answers under /api/v1/ that no operation gave (an unknown address, a method an address
does not have) are JSON in the API's error format too, never an HTML page."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

PREFIX = "/api/v1/"


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            detail = _("Not found: no such address in the API (see /api/v1/docs).")
        else:
            allowed = response.get("Allow", "")
            detail = _("This address does not take %(method)s; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed or "—",
            }
        replacement = HttpResponse(
            json.dumps({"detail": detail}),
            status=response.status_code,
            content_type="application/json",
        )
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        for header in ("Cache-Control", "Content-Language", "Vary"):
            if response.has_header(header):
                replacement[header] = response[header]
        return replacement
