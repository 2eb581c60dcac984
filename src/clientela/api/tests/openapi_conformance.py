"""The API answers as its OpenAPI document says, in every test that asks it anything.

A pytest plugin (enabled in pyproject.toml's pytest options): it wraps Django's test
client, and every answer to a /api/v1/ operation — from the API tests, the permission
walk, the property-based tests, anywhere — must have a status the document declares for
that operation, the declared content type, and a body valid against the declared schema
(JSON Schema 2020-12, formats checked). A test fails at the request that drifted, with
the operation, the status and what did not match.

`check_response(method, path, status, content_type, body)` is the same check, for tests
that talk to the API some other way.
"""

import copy
import functools
import json
import re

import pytest

DOC_URI = "urn:clientela:openapi"
# Served by django-ninja itself, not operations of the API.
NOT_OPERATIONS = ("openapi.json", "docs")


class Drift(AssertionError):
    """An answer the OpenAPI document does not describe."""


@functools.cache
def openapi_document() -> dict:
    """The document /api/v1/openapi.json serves."""
    import clientela.urls  # noqa: F401 - mounts the API's routers
    from clientela.api.base import api

    # As served: through JSON (status codes become strings, tuples lists).
    return json.loads(json.dumps(api.get_openapi_schema()))


@functools.cache
def api_prefix() -> str:
    from django.urls import reverse

    return reverse("api:api-root")


def _absolute_refs(node):
    """The document's "#/components/..." references, made absolute to DOC_URI."""
    if isinstance(node, dict):
        return {
            key: (
                DOC_URI + value
                if key == "$ref" and isinstance(value, str) and value.startswith("#")
                else _absolute_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(value) for value in node]
    return node


@functools.cache
def _registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = _absolute_refs(copy.deepcopy(openapi_document()))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return Registry().with_resource(DOC_URI, resource), document


@functools.cache
def _routes() -> list[tuple[re.Pattern, str]]:
    """(regex of the concrete path, the document's path template), longest first."""
    routes = []
    for template in openapi_document()["paths"]:
        regex = re.escape(template)
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
        routes.append((re.compile(regex + "$"), template))
    # A literal segment beats a parameter: /parties/{id}/restore before /parties/{id}.
    routes.sort(key=lambda route: (-route[1].count("/"), route[1].count("{")))
    return routes


def operation_of(method: str, path: str) -> tuple[str, dict] | None:
    """(path template, operation) the document declares for this request, if any."""
    paths = openapi_document()["paths"]
    for regex, template in _routes():
        if regex.match(path):
            operation = paths[template].get(method.lower())
            if operation is not None:
                return template, operation
    return None


@functools.cache
def _validator(template: str, method: str, status: str, media_type: str):
    from jsonschema import Draft202012Validator

    registry, document = _registry()
    schema = document["paths"][template][method.lower()]["responses"][status]["content"][
        media_type
    ]["schema"]
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def check_response(method: str, path: str, status: int, content_type: str, body: bytes) -> None:
    """Raise Drift unless the document describes this answer of the API."""
    prefix = api_prefix()
    if not path.startswith(prefix) or path[len(prefix) :] in NOT_OPERATIONS:
        return
    found = operation_of(method, path)
    if found is None:
        # No such operation: Django's or django-ninja's own 404 or 405, not the API's.
        return
    template, operation = found
    where = f"{method.upper()} {template} answered {status}"
    declared = operation["responses"].get(str(status))
    if declared is None:
        raise Drift(
            f"{where}, which its OpenAPI operation does not declare "
            f"(declared: {', '.join(sorted(operation['responses']))}); body: {body[:300]!r}"
        )
    content = declared.get("content")
    if not content:
        if body:
            raise Drift(f"{where} with a body, where the document declares none: {body[:300]!r}")
        return
    media_type = content_type.split(";")[0].strip()
    if media_type not in content:
        raise Drift(f"{where} as {content_type!r}; the document declares {sorted(content)}")
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise Drift(f"{where} with a body that is not JSON ({exc}): {body[:300]!r}") from None
    validator = _validator(template, method.lower(), str(status), media_type)
    problems = sorted(validator.iter_errors(value), key=lambda error: list(error.path))
    if problems:
        lines = [
            f"  at {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message[:300]}"
            for error in problems[:10]
        ]
        raise Drift(
            f"{where} with a body its declared schema refuses:\n"
            + "\n".join(lines)
            + f"\nbody: {body[:500]!r}"
        )


def _checked(request):
    @functools.wraps(request)
    def wrapper(self, **environ):
        response = request(self, **environ)
        if not getattr(response, "streaming", False):
            check_response(
                environ.get("REQUEST_METHOD", "GET"),
                environ.get("PATH_INFO", ""),
                response.status_code,
                response.get("Content-Type", ""),
                response.content,
            )
        return response

    wrapper.checks_openapi = True
    return wrapper


@pytest.fixture(autouse=True, scope="session")
def _api_answers_follow_the_openapi_document():
    """Every answer Django's test client receives from the API is checked (see the module)."""
    from django.test import Client

    original = Client.request
    if getattr(original, "checks_openapi", False):
        yield
        return
    Client.request = _checked(original)
    try:
        yield
    finally:
        Client.request = original
