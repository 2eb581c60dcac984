"""Cursors: every value a cursor carries is checked against the column it sorts by."""

import base64
import json

import pytest


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("created_at", "0001-01-01T00:00:00+01:00"),  # before year 1 in UTC: OverflowError
        ("created_at", "9999-12-31T23:59:59-01:00"),  # after year 9999 in UTC
        ("created_at", "2026-01-01T00:00:00"),  # no offset
        ("created_at", 12),
        ("name", 12),  # a number against a text column (a 500 on PostgreSQL)
        ("name", 1.5),
        ("-updated_at", "x" * 5000),
    ],
)
def test_a_cursor_whose_sort_value_does_not_fit_its_column_is_a_422(api, admin, sort, value):
    response = api(admin).get("/api/v1/parties", {"sort": sort, "cursor": cursor_of([value, 1])})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_the_api_gave_leads_to_the_next_page(api, admin, parties):
    first = api(admin).get("/api/v1/parties", {"sort": "-created_at", "limit": 1}).json()
    second = (
        api(admin)
        .get("/api/v1/parties", {"sort": "-created_at", "limit": 1, "cursor": first["next_cursor"]})
        .json()
    )

    assert second["items"] and second["items"][0]["id"] != first["items"][0]["id"]
