"""The security-review tests use the web fixtures (an app on a copy of the fixture database)."""

from tests.web.conftest import app, client, db, ids, kids, login, token, web_template  # noqa: F401

import pytest  # noqa: E402


@pytest.fixture
def api(client, token):
    """Return a function calling the API as ``role`` (or ``other_cp``) with a fresh token and optional headers."""
    def call(who: str, method: str, url: str, body=None, headers=None):
        return client.open(url, method=method, json=body,
                           headers={"Authorization": f"Bearer {token(who)}", **(headers or {})})
    return call


def field_of(response) -> str:
    """Return the field an API error names."""
    return response.get_json()["error"]["field"]
