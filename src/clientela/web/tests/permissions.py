"""The permission walk's table for the page shell."""

from clientela.core.testing import LOGIN, Req, row

EXPECTED = {
    # the start page sends CRM users to their first page, the others to their profile
    "web:home": row(LOGIN, 302, 302, 302, 302, 302, 302),
}
OUT_OF_SCOPE: dict = {}
REQUESTS = {"web:home": Req()}
RECORDS: dict = {}
