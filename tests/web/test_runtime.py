"""The app's runtime: settings from the test config, indexes per app, clear_cache as a runtime method."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.catalogue.search import SearchQuery, database_key, search
from matcher.config import ConfigError
from matcher.pathways.models import Child
from matcher.pathways.warnings import warnings_for
from matcher.runtime import Runtime, runtime_of
from matcher.web import create_app
from matcher.web.database import get_session
from tests.web.conftest import OWN_CHILD, sign_in


def _app(tmp_path, web_template, name: str, **config):
    path = tmp_path / f"{name}.db"
    if not path.exists():
        shutil.copyfile(web_template, path)
    return create_app({"DATABASE_URL": f"sqlite:///{path}", "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "SECRET_KEY": "test", **config})


def _no_participation(app) -> set[str]:
    """Return the codes of the children with a "no participation" warning, seen by the app's own session."""
    with app.app_context():
        session = get_session()
        admin = session.scalars(select(User).where(User.email == "admin@kk.dk")).one()
        found = warnings_for(session, admin, runtime_of(app).today())
        ids = {w["child_id"] for w in found if w["type"] == "no_participation"}
        return set(session.scalars(select(Child.code).where(Child.id.in_(ids))))


def test_the_test_config_sets_the_pathway_thresholds(tmp_path, web_template):
    default = _app(tmp_path, web_template, "default")
    patient = _app(tmp_path, web_template, "patient", WARN_NO_PARTICIPATION_DAYS=90, STALE_AFTER_DAYS=3,
                   COMMUNITY_DAYS=45)
    try:
        settings = runtime_of(patient).settings
        assert (settings.warn_no_participation_days, settings.stale_after_days, settings.community_days) == (90, 3, 45)
        assert runtime_of(patient).warning_settings.no_participation_days == 90
        assert runtime_of(patient).indicator_settings.stale_after_days == 3
        assert runtime_of(default).warning_settings.no_participation_days == 14
        # The fixture child's last session was 53 days ago: a warning after 14 days, none within 90.
        assert OWN_CHILD in _no_participation(default)
        assert OWN_CHILD not in _no_participation(patient)
    finally:
        for app in (default, patient):
            app.extensions["matcher.engine"].dispose()


def test_the_stale_threshold_from_the_test_config_reaches_the_search_page(tmp_path, web_template):
    app = _app(tmp_path, web_template, "stale", STALE_AFTER_DAYS=1)
    try:
        client = app.test_client()
        assert sign_in(app, client, "key_staff@kk.dk").status_code == 302
        assert "Forældet" in client.get("/soeg?q=fodbold").get_data(as_text=True)
    finally:
        app.extensions["matcher.engine"].dispose()


@pytest.mark.parametrize("config, named", [
    ({"WARN_MISSED_IN_ROW": 0}, "MATCHER_WARN_MISSED_IN_ROW"),
    ({"STALE_AFTER_DAYS": "et halvt år"}, "MATCHER_STALE_AFTER_DAYS"),
    ({"COMMUNITY_DAYS": True}, "COMMUNITY_DAYS"),
])
def test_a_bad_threshold_in_the_test_config_is_refused_by_name(tmp_path, web_template, config, named):
    with pytest.raises(ConfigError, match=named):
        _app(tmp_path, web_template, "bad", **config)


def test_two_apps_in_one_process_keep_independent_indexes(tmp_path, web_template):
    first = _app(tmp_path, web_template, "shared")
    second = _app(tmp_path, web_template, "shared")  # the same database, even
    try:
        one, two = runtime_of(first), runtime_of(second)
        assert one is not two and one.search is not two.search and one.matching is not two.matching
        for app in (first, second):
            client = app.test_client()
            assert sign_in(app, client, "key_staff@kk.dk").status_code == 302
            assert client.get("/soeg?q=fodbold").status_code == 200
            if app is first:
                with app.app_context():
                    key = database_key(get_session())
                assert one.search.indexes.peek(key) is not None
                assert two.search.indexes.peek(key) is None  # the second app has built nothing yet
        assert one.search.indexes.peek(key).value is not two.search.indexes.peek(key).value
        one.clear_cache()
        assert one.search.indexes.peek(key) is None and one.search.matchers == {}
        assert two.search.indexes.peek(key) is not None  # clearing one runtime leaves the other's alone
    finally:
        for app in (first, second):
            app.extensions["matcher.engine"].dispose()


def test_the_app_sessions_carry_its_runtime_and_a_given_runtime_is_used(tmp_path, web_template):
    own = Runtime.from_env({"MATCHER_ENV": "testing"}, {"WARN_SUGGESTED_DAYS": 7})
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "TESTING": True}, runtime=own)
    try:
        assert runtime_of(app) is own
        with app.app_context():
            assert runtime_of(get_session()) is own
        own.settings = dataclasses.replace(own.settings, warn_suggested_days=21)  # read on use, not copied
        assert runtime_of(app).warning_settings.suggested_days == 21
    finally:
        app.extensions["matcher.engine"].dispose()


def test_a_session_opened_without_a_runtime_says_so(engine):
    with Session(engine) as bare, pytest.raises(LookupError, match="without a runtime"):
        search(bare, SearchQuery())
