"""`matcher import hsds-feed`: a second instance follows the first over HTTP on loopback.

Two real app instances on 127.0.0.1, each with its own database: one publishes /api/hsds, the other
follows it. Includes feeds that fail halfway (the publisher stops, a page carries an invalid record):
nothing is stored and the last-sync mark stays where it was.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.feed_models import HsdsFeed, OrganisationIdentifier
from matcher.catalogue.hsds_export import iter_services
from matcher.catalogue.hsds_import import import_services, load_services
from matcher.catalogue.hsds_sync import FeedError, sync_feed
from matcher.catalogue.models import Offer, Organisation
from matcher.catalogue.revision import current_revision
from matcher.db import make_engine, utcnow
from matcher.migrate import upgrade
from matcher.seeding import load_reference
from tests.api.conftest import SEEDS, hsds_app, serve

DATA = Path(__file__).resolve().parents[1] / "data" / "hsds-3.1"
NO_OVERLAP = dt.timedelta(0)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A migrated database with the reference data, and one with the demo catalogue too (copied per test)."""
    folder = tmp_path_factory.mktemp("sync-templates")
    empty, demo = folder / "empty.db", folder / "demo.db"
    for path, catalogue in ((empty, False), (demo, True)):
        url = f"sqlite:///{path}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference(session)
            if catalogue:
                import_services(session, load_services((SEEDS / "demo_catalogue.json").read_bytes()))
            session.commit()
        engine.dispose()
    # The publisher's clock (HTTP Date) has whole seconds and a sync asks "modified on or after": let
    # the catalogue be older than the first sync's second, as any real one is.
    time.sleep(1.1)
    return empty, demo


class Instance:
    """One app instance: its database and, when serving, its base URL."""

    def __init__(self, path: Path):
        self.url = f"sqlite:///{path}"
        self.engine = make_engine(self.url)
        self.base, self._stop = None, None

    def start(self) -> str:
        self.base, self._stop = serve(hsds_app(self.url))
        return self.base + "/api/hsds"

    def stop(self) -> None:
        if self._stop:
            self._stop()
            self._stop = None

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def export(self) -> list[dict]:
        with self.session() as s:
            return json.loads(json.dumps(list(iter_services(s))))

    def count(self, model) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def pair(templates, tmp_path):
    """A publisher serving the demo catalogue and an empty follower."""
    shutil.copy(templates[1], tmp_path / "publisher.db")
    shutil.copy(templates[0], tmp_path / "follower.db")
    publisher, follower = Instance(tmp_path / "publisher.db"), Instance(tmp_path / "follower.db")
    feed = publisher.start()
    yield publisher, follower, feed
    publisher.stop()
    publisher.engine.dispose()
    follower.engine.dispose()


def sync(follower: Instance, feed: str, **kwargs):
    with follower.session() as session:
        result = sync_feed(session, feed, per_page=kwargs.pop("per_page", 50), overlap=NO_OVERLAP, **kwargs)
        session.commit()
    return result


def mark(follower: Instance):
    with follower.session() as s:
        return s.scalar(select(HsdsFeed.synced_until))


def edit_on_publisher(publisher: Instance, title: str) -> str:
    """Retitle the publisher's first offer (as a club would); return its HSDS id."""
    with publisher.session() as s:
        offer = s.scalars(select(Offer).order_by(Offer.id)).first()
        offer.title = title
        s.commit()
        return offer.external_id


def test_follower_keeps_in_step_incrementally(pair):
    publisher, follower, feed = pair
    first = sync(follower, feed)
    total = publisher.count(Offer)
    assert first.summary.as_dict() == {"created": total, "updated": 0, "unchanged": 0, "flagged": 0}
    assert first.pages == -(-total // 50) and first.since is None
    assert follower.export() == publisher.export()
    assert follower.count(Organisation) == publisher.count(Organisation)

    with follower.session() as s:
        revision = current_revision(s)
    again = sync(follower, feed)  # nothing new
    assert again.services == 0 and again.summary.as_dict() == {"created": 0, "updated": 0, "unchanged": 0,
                                                                 "flagged": 0}
    assert again.since == first.synced_until
    with follower.session() as s:
        assert current_revision(s) == revision  # the catalogue did not change at all

    changed = edit_on_publisher(publisher, "Pigefodbold U12 — nyt hold")
    third = sync(follower, feed)
    assert third.summary.updated == 1 and third.summary.created == 0 and third.services == 1
    with follower.session() as s:
        assert s.scalar(select(Offer.title).where(Offer.external_id == changed)) == "Pigefodbold U12 — nyt hold"
    assert follower.export() == publisher.export()


def test_dry_run_prints_what_would_change_and_stores_nothing(pair, monkeypatch):
    from matcher.cli import cli

    publisher, follower, feed = pair
    monkeypatch.setenv("MATCHER_DATABASE_URL", follower.url)
    result = CliRunner().invoke(cli, ["import", "hsds-feed", feed, "--dry-run"])
    assert result.exit_code == 0, result.output
    total = publisher.count(Offer)
    assert f"would create {total}, update 0, leave 0 unchanged, flag 0" in result.stdout
    assert follower.count(Offer) == 0 and follower.count(HsdsFeed) == 0

    result = CliRunner().invoke(cli, ["import", "hsds-feed", feed])
    assert result.exit_code == 0 and f"created {total}, updated 0" in result.stdout
    edit_on_publisher(publisher, "Ændret titel")
    before = mark(follower)
    result = CliRunner().invoke(cli, ["import", "hsds-feed", feed, "--dry-run", "--since", "2000-01-01"])
    assert "would create 0, update 1," in result.stdout and mark(follower) == before
    bad = CliRunner().invoke(cli, ["import", "hsds-feed", feed, "--since", "i går"])
    assert bad.exit_code != 0 and "--since" in bad.output
    publisher.stop()
    gone = CliRunner().invoke(cli, ["import", "hsds-feed", feed])
    assert gone.exit_code == 1 and "page 1 could not be fetched" in gone.stderr
    assert "last sync mark was not moved" in gone.stderr and mark(follower) == before


class StopsAfterFirstPage(requests.Session):
    """An HTTP client after whose first page the publisher really shuts down."""

    def __init__(self, publisher: Instance):
        super().__init__()
        self.publisher, self.calls = publisher, 0

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        self.calls += 1
        if self.calls == 1:
            self.publisher.stop()
        return response


def test_publisher_stopping_halfway_stores_nothing_and_keeps_the_mark(pair):
    publisher, follower, feed = pair
    sync(follower, feed)
    before_mark, before = mark(follower), follower.export()
    with publisher.session() as s:  # many changes, so that the next run needs several pages
        s.execute(update(Offer).values(spots_free=7, updated_at=utcnow()))
        s.commit()
    with pytest.raises(FeedError) as info:
        with follower.session() as session:
            sync_feed(session, feed, per_page=50, overlap=NO_OVERLAP, http=StopsAfterFirstPage(publisher))
    assert "page 2" in info.value.message
    assert mark(follower) == before_mark and follower.export() == before


def test_a_page_with_an_invalid_record_stores_nothing_and_keeps_the_mark(pair):
    publisher, follower, feed = pair
    sync(follower, feed)
    before_mark, before = mark(follower), follower.export()
    with publisher.session() as s:
        ids = list(s.scalars(select(Offer.id).order_by(Offer.id)))
        s.execute(update(Offer).where(Offer.id == ids[0]).values(title="Ny titel", updated_at=utcnow()))
        offer = s.get(Offer, ids[-1])
        # A name with a right-to-left override, written past the product's own checks (our feed drops unsafe
        # URLs itself, so a tampered URL would never reach the follower): the follower must refuse the page.
        s.execute(update(Offer).where(Offer.id == offer.id).values(title="Fodbold\u202e for alle", updated_at=utcnow()))
        s.commit()
        bad_id = offer.external_id
    with pytest.raises(ImportFailed) as info:
        with follower.session() as session:
            sync_feed(session, feed, per_page=50, overlap=NO_OVERLAP)
    assert any(e.field == "name" and bad_id in e.record for e in info.value.errors), info.value.errors
    assert "nothing was stored" in str(info.value) and feed.rstrip("/") in str(info.value)
    assert mark(follower) == before_mark and follower.export() == before


def cvr(number: str) -> list[dict]:
    return [{"id": f"cvr-{number}", "identifier_scheme": "DK-CVR", "identifier_type": "CVR-nummer",
             "identifier": number}]


def test_one_club_from_two_directories_is_one_organisation(templates, tmp_path):
    """The follower knows a club from its own file; another directory publishes the same club (same CVR)
    under its own ids, and a second club (another CVR): one copy of the first, the second kept apart."""
    shutil.copy(templates[0], tmp_path / "publisher.db")
    shutil.copy(templates[0], tmp_path / "follower.db")
    publisher, follower = Instance(tmp_path / "publisher.db"), Instance(tmp_path / "follower.db")
    ours = json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))
    ours[0]["organization"]["organization_identifiers"] = cvr("12345678")
    with follower.session() as s:
        import_services(s, ours[:1])
        s.commit()
    theirs = copy.deepcopy(ours)
    for i, service in enumerate(theirs):
        service["id"] = f"00000000-0000-4000-8000-00000000000{i}"
        service["organization"]["id"] = f"11111111-0000-4000-8000-00000000000{i}"
        service["organization"]["name"] = f"Deres navn {i}"
        for sal in service.get("service_at_locations", []):
            sal["id"] = f"sal-{i}"
    theirs[1]["organization"]["organization_identifiers"] = cvr("87654321")
    with publisher.session() as s:
        import_services(s, theirs)
        s.commit()
    feed = publisher.start()
    try:
        first = sync(follower, feed)
        assert first.summary.created == 2 and any("merged" in n for n in first.summary.notes)
        with follower.session() as s:
            clubs = {o.name: o for o in s.scalars(select(Organisation))}
            assert set(clubs) == {ours[0]["organization"]["name"], "Deres navn 1"}  # ours kept its name
            mine = clubs[ours[0]["organization"]["name"]]
            assert sorted(o.external_id for o in mine.offers) == sorted([ours[0]["id"], theirs[0]["id"]])
            pairs = {(r.scheme, r.identifier): r.organisation.name for r in s.scalars(select(OrganisationIdentifier))}
            assert pairs == {("DK-CVR", "12345678"): mine.name, ("DK-CVR", "87654321"): "Deres navn 1"}
        again = sync(follower, feed, since=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
        assert again.summary.created == 0 and again.summary.updated == 0
        assert follower.count(Organisation) == 2
    finally:
        publisher.stop()
        publisher.engine.dispose()
        follower.engine.dispose()


@pytest.mark.parametrize("identifier", ["1234567", "12 34 56 7x"])
def test_a_cvr_number_has_eight_digits(templates, tmp_path, identifier):
    shutil.copy(templates[0], tmp_path / "db.db")
    instance = Instance(tmp_path / "db.db")
    services = json.loads((DATA / "danish-profile-example.json").read_text(encoding="utf-8"))
    services[0]["organization"]["organization_identifiers"] = cvr(identifier)
    with instance.session() as s, pytest.raises(ImportFailed) as info:
        import_services(s, services)
    assert info.value.errors[0].field == "organization.organization_identifiers[0].identifier"
    instance.engine.dispose()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.dk/hsds", "", "not a url"])
def test_only_http_feeds_are_followed(templates, tmp_path, url):
    shutil.copy(templates[0], tmp_path / "db.db")
    instance = Instance(tmp_path / "db.db")
    with instance.session() as s, pytest.raises(FeedError) as info:
        sync_feed(s, url)
    assert info.value.field == "BASE_URL"
    instance.engine.dispose()
