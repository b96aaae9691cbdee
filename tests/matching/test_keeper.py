"""The index keeper: build when missing, rebuild at once when quick, in the background when slow."""

from __future__ import annotations

import threading
import time

import pytest

from matcher.matching.keeper import IndexKeeper
from matcher.matching.store import IndexStore


class Builds:
    """Counts builds; ``later`` blocks until released so a test can look at the state meanwhile."""

    def __init__(self):
        self.now, self.later_calls = [], 0
        self.release = threading.Event()
        self.done = threading.Event()

    def build_now(self, value):
        def build():
            self.now.append(value)
            return value
        return build

    def build_later(self, revision, value):
        def build():
            self.later_calls += 1
            self.release.wait(5)
            return revision, value
        return build


def slow_keeper(**kw) -> IndexKeeper:
    """A keeper whose first build counted as slow (as a national catalogue's)."""
    keeper = IndexKeeper("test", slow_seconds=1.0, refresh_interval=kw.pop("refresh_interval", 0.0), max_busy=0.0)
    keeper.put("db", 1, "index@1", seconds=30.0)
    return keeper


def test_first_build_happens_in_the_caller_and_is_reused():
    keeper, b = IndexKeeper("test"), Builds()
    assert keeper.get("db", 1, b.build_now("a"), b.build_later(1, "x")) == "a"
    assert keeper.get("db", 1, b.build_now("b"), b.build_later(1, "x")) == "a"
    assert b.now == ["a"] and b.later_calls == 0


def test_a_quick_index_is_rebuilt_at_once_when_the_revision_moves():
    keeper, b = IndexKeeper("test"), Builds()
    keeper.get("db", 1, b.build_now("a"), b.build_later(1, "x"))
    assert keeper.get("db", 2, b.build_now("b"), b.build_later(2, "x")) == "b"
    assert keeper.peek("db").revision == 2 and b.later_calls == 0


def test_a_slow_index_answers_while_one_background_rebuild_runs():
    keeper, b = slow_keeper(), Builds()
    for _ in range(3):  # three requests see the new revision; one rebuild starts
        assert keeper.get("db", 2, b.build_now("never"), b.build_later(2, "index@2")) == "index@1"
    b.release.set()
    assert wait_for(lambda: keeper.peek("db").revision == 2)
    assert keeper.get("db", 2, b.build_now("never"), b.build_later(2, "x")) == "index@2"
    assert b.now == [] and b.later_calls == 1


def test_a_rebuild_that_finishes_while_a_request_looks_starts_no_second_one():
    keeper, b = slow_keeper(), Builds()
    assert keeper.get("db", 2, b.build_now("never"), b.build_later(2, "index@2"), lambda held, index: None) \
        == "index@1"  # the update cannot tell: one background rebuild starts

    def update_while_the_rebuild_finishes(held, index):
        b.release.set()  # the background rebuild ends while this request is in its update
        assert wait_for(lambda: keeper.peek("db").revision == 2 and "db" not in keeper._refreshing)
        return None

    keeper.get("db", 2, b.build_now("never"), b.build_later(2, "again"), update_while_the_rebuild_finishes)
    time.sleep(0.3)  # a second rebuild would have been counted by now
    assert b.later_calls == 1 and keeper.peek("db").value == "index@2"


def test_an_update_that_makes_a_new_index_object_is_held_and_counted():
    keeper, b = IndexKeeper("test"), Builds()
    keeper.get("db", 1, b.build_now("a"), b.build_later(1, "x"))
    seen = []

    def update(held, index):
        seen.append((held, index))
        return True, index + "+rows"

    assert keeper.get("db", 2, b.build_now("never"), b.build_later(2, "x"), update) == "a+rows"
    assert seen == [(1, "a")] and keeper.peek("db").revision == 2 and not keeper.peek("db").stale
    assert (keeper.builds, keeper.updates) == (1, 1) and b.now == ["a"]

    def approximate(held, index):
        return False, index + "~"

    keeper.slow_seconds = -1.0  # as if builds were slow: answer from the updated index, rebuild later
    keeper.refresh_interval = 3600.0
    assert keeper.get("db", 3, b.build_now("never"), b.build_later(3, "x"), approximate) == "a+rows~"
    assert keeper.peek("db").stale and (keeper.builds, keeper.updates) == (1, 2)


def test_slow_rebuilds_are_throttled():
    keeper, b = slow_keeper(refresh_interval=3600.0), Builds()
    assert keeper.get("db", 2, b.build_now("never"), b.build_later(2, "index@2")) == "index@1"
    assert b.later_calls == 0 and b.now == []


def test_slow_rebuilds_keep_the_process_busy_at_most_max_busy_of_the_time():
    keeper = IndexKeeper("test", refresh_interval=60.0, max_busy=0.05)
    assert keeper.interval(1.0) == 60.0 and keeper.interval(20.0) == 400.0
    keeper.put("db", 1, "index@1", seconds=20.0)
    b = Builds()
    assert keeper.get("db", 2, b.build_now("never"), b.build_later(2, "index@2")) == "index@1"
    assert b.later_calls == 0  # the last 20-second build ended just now


def test_a_failed_background_rebuild_keeps_the_old_index():
    keeper = slow_keeper()
    finished = threading.Event()

    def fail():
        try:
            raise RuntimeError("database went away")
        finally:
            finished.set()

    assert keeper.get("db", 2, lambda: "never", fail) == "index@1"
    finished.wait(5)
    threading.Event().wait(0.05)
    assert keeper.peek("db").revision == 1 and keeper.peek("db").value == "index@1"


def test_a_database_restored_to_an_older_revision_is_noticed():
    keeper, b = IndexKeeper("test"), Builds()
    keeper.put("db", 5, "index@5", 0.1)
    assert keeper.get("db", 4, b.build_now("index@4"), b.build_later(4, "x")) == "index@4"
    keeper.clear()
    assert keeper.peek("db") is None


def test_processes_sharing_a_store_build_a_slow_revision_once(tmp_path):
    first, second = IndexKeeper("test", slow_seconds=0.0), IndexKeeper("test", slow_seconds=0.0)
    first.store, second.store = IndexStore(tmp_path, "test"), IndexStore(tmp_path, "test")
    b = Builds()
    assert first.get("db", (1, "t1"), b.build_now({"index": 1}), b.build_later(1, "x")) == {"index": 1}
    assert second.get("db", (1, "t1"), b.build_now({"index": "again"}), b.build_later(1, "x")) == {"index": 1}
    assert len(b.now) == 1 and second.peek("db").seconds == first.peek("db").seconds
    # The next revision: one background rebuild writes it, the other process reads it instead of building.
    second.max_busy = first.max_busy = 0.0
    second.refresh_interval = first.refresh_interval = 0.0
    b.release.set()
    assert first.get("db", (2, "t2"), b.build_now("never"), b.build_later((2, "t2"), {"index": 2})) == {"index": 1}
    assert wait_for(lambda: first.peek("db").revision == (2, "t2"))
    assert second.get("db", (2, "t2"), b.build_now("never"), b.build_later((2, "t2"), "never")) == {"index": 1}
    assert wait_for(lambda: second.peek("db").revision == (2, "t2"))
    assert second.peek("db").value == {"index": 2} and b.later_calls == 1 and b.now == [{"index": 1}]
    assert len(list(tmp_path.glob("*.pickle"))) == 1  # the older revision's file is gone


def wait_for(predicate, seconds: float = 120.0) -> bool:
    """Poll ``predicate`` until it holds; the limit only stops a hung test, it is no speed goal."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_store_ignores_files_of_another_revision_or_key_and_damaged_files(tmp_path):
    store = IndexStore(tmp_path, "test")
    store.save("db", (3, "t"), [1, 2, 3], 12.5)
    assert store.load("db", (3, "t")) == ([1, 2, 3], 12.5)
    assert store.load("db", (3, "other time")) is None and store.load("other-db", (3, "t")) is None
    next(tmp_path.glob("*.pickle")).write_bytes(b"not a pickle")
    assert store.load("db", (3, "t")) is None


def test_a_store_refuses_a_folder_others_may_write(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(PermissionError):
        IndexStore(shared, "test")
    assert (IndexStore(tmp_path / "new", "test").folder.stat().st_mode & 0o777) == 0o700


def test_a_fitted_ranker_read_back_from_a_store_ranks_the_same(tmp_path):
    from matcher.matching import Ranker

    from .match_factory import TERMS, TODAY, make_candidate

    candidates = [make_candidate(id=i, name=n, interests=(code,)) for i, (n, code) in
                  enumerate([("Fodbold U12", "fodbold"), ("Rideskole", "ridning"), ("Hiphop", "hiphop"),
                             ("Gaming LAN", "gaming"), ("Fodbold U14", "fodbold")])]
    ranker = Ranker(interest_matcher=TERMS, today=TODAY).fit(candidates)
    store = IndexStore(tmp_path, "match")
    store.save("db", (7, "t"), ranker, 40.0)
    again, _ = store.load("db", (7, "t"))
    child = {"age": 11, "interests": "fotbold og heste", "postcode": "2200"}
    assert again.rank(child, limit=5).to_dict() == ranker.rank(child, limit=5).to_dict()
