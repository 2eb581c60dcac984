"""A small JSON client for /api/v1, acting as one persona through a Bearer token."""

import pytest

from clientela.accounts.tokens import token_create


class Api:
    """Sends JSON to the API with the persona's token; English answers, so messages read alike."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"accept-language": "en"}
        if token:
            self.headers["authorization"] = f"Bearer {token}"

    def _headers(self, extra):
        return {**self.headers, **(extra or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self._send("post", path, body, headers)

    def patch(self, path, body=None, headers=None):
        return self._send("patch", path, body, headers)

    def delete(self, path, body=None, headers=None):
        return self._send("delete", path, body, headers)

    def _send(self, method, path, body, headers):
        data = {} if body is None else body
        return getattr(self.client, method)(
            path, data, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def api(client):
    """api(user) -> an Api acting as `user`; api() -> one without credentials."""

    def _for(user=None) -> Api:
        raw = token_create(user=user, name="tests")[1] if user is not None else None
        return Api(client, raw)

    return _for
