from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers


class HealthCheckMiddleware:
    """Answer /healthz first, before host checks, sessions or login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return health_response()
        return self.get_response(request)


def health_response() -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok"})


class NoStoreMiddleware:
    """Pages and API answers hold personal data: no browser or proxy may keep a copy.

    Static files never get here (WhiteNoise answers them earlier, with long caching).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
