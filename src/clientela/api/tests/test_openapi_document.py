"""The OpenAPI document is complete: what every operation says, and the check of answers.

Together with the conformance plugin (openapi_conformance.py: every answer in the suite
against the document), the generated client (test_generated_client.py) and schemathesis
in CI (scripts/schemathesis), the document cannot drift from the API unnoticed.
"""

import pytest
from django.test import Client

from clientela.api.base import api

from .openapi_conformance import Drift, check_response, openapi_document

ERROR_SCHEMAS = {
    "Error",
    "Invalid",
    "Conflict",
    "PartyConflict",
    "UserConflict",
    "UnitConflict",
    "ActivityConflict",
    "TypeConflict",
    "PresetConflict",
}


def operations():
    for path, methods in openapi_document()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


OPERATIONS = [pytest.param(op, id=f"{method.upper()} {path}") for path, method, op in operations()]


def _ref(schema: dict) -> str:
    return schema.get("$ref", "").rsplit("/", 1)[-1]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_says_what_it_does(operation):
    declared_tags = {tag["name"] for tag in openapi_document()["tags"]}

    assert operation.get("summary")
    assert operation.get("description")
    assert operation.get("tags") and set(operation["tags"]) <= declared_tags
    # The operation id is the view's name, which is also its URL name.
    assert "_api_" not in operation["operationId"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_declares_its_refusals_with_the_error_schemas(operation):
    responses = operation["responses"]
    has_body = "requestBody" in operation
    has_record = any(p["in"] == "path" for p in operation.get("parameters", []))

    assert "401" in responses
    if has_body:
        assert {"400", "403", "413", "422"} <= set(responses)
    if has_record:
        assert {"404", "422"} <= set(responses)
    if any(p["name"] == "If-Match" for p in operation.get("parameters", [])):
        assert "409" in responses
    for status, answer in responses.items():
        if status.startswith(("4", "5")):
            schema = answer["content"]["application/json"]["schema"]
            assert _ref(schema) in ERROR_SCHEMAS, status
    if "422" in responses:
        assert _ref(responses["422"]["content"]["application/json"]["schema"]) == "Invalid"
    if "201" in responses:
        assert responses["201"]["headers"]["Location"]["required"] is True


@pytest.mark.parametrize("operation", OPERATIONS)
def test_parameters_declare_their_bounds(operation):
    for parameter in operation.get("parameters", []):
        schema = parameter["schema"]
        assert "anyOf" not in schema, f"{parameter['name']} is offered as null"
        kind = schema.get("type")
        if kind == "integer":
            assert "minimum" in schema and "maximum" in schema, parameter["name"]
        elif kind == "string" and "enum" not in schema:
            assert "maxLength" in schema, parameter["name"]
        else:
            assert kind in ("boolean", "string"), parameter["name"]


def test_limits_are_bounded_as_enforced():
    for _path, _method, operation in operations():
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "limit":
                assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 200)


def test_answers_list_every_field_as_required():
    schemas = openapi_document()["components"]["schemas"]
    for name in ["PartyOut", "UserOut", "Me", "UnitOut", "HistoryOut", "PartyList"]:
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name


def test_fields_a_change_cannot_empty_are_not_nullable():
    schemas = openapi_document()["components"]["schemas"]
    patch = schemas["PartyPatch"]["properties"]

    for name in ["name", "kind", "is_customer", "owner_id", "unit_id", "phones"]:
        assert "anyOf" not in patch[name], name
    for name in ["tax_id", "birth_date", "employer_id"]:
        assert {"type": "null"} in patch[name]["anyOf"], name
    assert "anyOf" not in schemas["UnitPatch"]["properties"]["name"]
    assert {"type": "null"} in schemas["MePatch"]["properties"]["language"]["anyOf"]


def test_emails_are_an_address_or_empty():
    schemas = openapi_document()["components"]["schemas"]
    for name in ["PartyOut", "PartyIn", "UserOut", "UserIn"]:
        email = schemas[name]["properties"]["email"]
        assert {"type": "string", "format": "email", "maxLength": 254} in email["anyOf"]
        assert {"type": "string", "maxLength": 0} in email["anyOf"]


def test_what_spectral_asks_for(db):
    """Spectral's OpenAPI rules (spectral:oas) that a test can state: contact, servers, no
    unused component (the document had 14 problems by Spectral 6.16, none since)."""
    document = openapi_document()
    text = str(document["paths"]) + str(document["components"])

    assert document["info"]["contact"] and document["servers"]
    for name in document["components"]["schemas"]:
        assert f"#/components/schemas/{name}'" in text, f"{name} is not used"


def test_the_served_document_is_the_checked_one(db):
    assert Client().get("/api/v1/openapi.json").json() == openapi_document()
    assert api.get_openapi_schema()["info"]["license"]["identifier"] == "AGPL-3.0-or-later"


# --- the check itself ------------------------------------------------------------------


def test_the_check_refuses_an_undeclared_status():
    with pytest.raises(Drift, match="does not declare"):
        check_response("GET", "/api/v1/me", 404, "application/json", b'{"detail": "x"}')


def test_the_check_refuses_a_body_its_schema_refuses():
    with pytest.raises(Drift, match="'errors' is a required property"):
        check_response("POST", "/api/v1/parties", 422, "application/json", b'{"detail": "x"}')
    with pytest.raises(Drift, match="not JSON"):
        check_response("GET", "/api/v1/parties/1", 404, "application/json", b"<html>")
    with pytest.raises(Drift, match="text/html"):
        check_response("GET", "/api/v1/parties/1", 404, "text/html", b"<html>")


def test_the_check_refuses_a_body_where_none_is_declared():
    with pytest.raises(Drift, match="with a body"):
        check_response("DELETE", "/api/v1/parties/1", 204, "application/json", b"{}")


def test_the_check_accepts_what_is_declared_and_ignores_what_is_no_operation():
    check_response("GET", "/api/v1/parties/7", 404, "application/json", b'{"detail": "x"}')
    check_response("POST", "/api/v1/parties/7/restore", 403, "application/json", b'{"detail": "x"}')
    check_response("GET", "/api/v1/no-such-thing", 404, "text/html", b"<html>")
    check_response("GET", "/api/v1/openapi.json", 200, "application/json", b"{}")
    check_response("GET", "/parties/", 200, "text/html", b"<html>")


def test_the_check_wraps_the_test_client():
    assert getattr(Client.request, "checks_openapi", False)
