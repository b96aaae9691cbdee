"""The security-review tests use the web fixtures (an app on a copy of the fixture database)."""

from tests.web.conftest import app, client, db, fresh_caches, ids, kids, login, token, web_template  # noqa: F401
