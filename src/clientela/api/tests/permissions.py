"""The permission walk's table for the API's own URLs (documentation and root)."""

from clientela.core.testing import Req, row

EXPECTED = {
    # django-ninja's documentation is public; its root has no page
    "api:openapi-json": row(200, 200, 200, 200, 200, 200, 200),
    "api:openapi-view": row(200, 200, 200, 200, 200, 200, 200),
    "api:api-root": row(404, 404, 404, 404, 404, 404, 404),
}
OUT_OF_SCOPE: dict = {}
REQUESTS = {name: Req() for name in EXPECTED}
RECORDS: dict = {}
# Answers that are HTML or nothing rather than JSON, and need no credentials.
NOT_JSON = {"api:openapi-view", "api:api-root"}
PUBLIC = {"api:openapi-json", "api:openapi-view", "api:api-root"}
