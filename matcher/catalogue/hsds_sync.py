"""Follow another directory's HSDS 3.x API: page through its changed services and import them.

One run is one import: every page is fetched and every service validated before anything is written,
the session is only flushed (the command commits), and the feed's mark moves only with a successful
run. The publisher's own clock (its HTTP ``Date``) marks where a run started, so clock skew between the
two servers cannot skip a change; a minute of overlap covers changes committed while the run started.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue.feed_models import HsdsFeed
from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.summary import ImportSummary
from matcher.db import utcnow
from matcher.jsonio import JSONInputError, loads
from matcher.urls import safe_url

PER_PAGE = 100
MAX_PAGES = 100_000
OVERLAP = dt.timedelta(minutes=1)
TIMEOUT = (10, 120)  # connect, read (seconds)
USER_AGENT = "matcher-hsds-sync/1"


class FeedError(ValueError):
    """The feed could not be read completely; nothing was stored."""

    def __init__(self, url: str, message: str, field: str = "BASE_URL"):
        super().__init__(f"{url}: {message}")
        self.url, self.message, self.field = url, message, field


@dataclass
class SyncResult:
    """What a run did: the import summary, how many services and pages it read, and the new mark."""

    base_url: str
    since: dt.datetime | None
    summary: ImportSummary
    services: int = 0
    pages: int = 0
    synced_until: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)


def normalise_base_url(value: str) -> str:
    """Return the feed's base URL without a trailing slash; only http(s) URLs are followed."""
    url = (value or "").strip().rstrip("/")
    if not url or safe_url(url) is None or not url.lower().startswith(("http://", "https://")):
        raise FeedError(value, "must be an http(s) URL of an HSDS API (e.g. https://example.dk/api/hsds)")
    return url


def _publisher_time(response: requests.Response) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        return None
    return when.astimezone(dt.timezone.utc) if when.tzinfo else None


def _get_page(http: requests.Session, url: str, params: dict[str, Any], page: int) -> tuple[dict, requests.Response]:
    try:
        response = http.get(f"{url}/services", params={**params, "page": page}, timeout=TIMEOUT,
                            headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    except requests.RequestException as exc:
        raise FeedError(url, f"page {page} could not be fetched ({type(exc).__name__}: {exc})") from None
    if response.status_code != 200:
        raise FeedError(url, f"page {page} answered HTTP {response.status_code}")
    try:
        body = loads(response.content)
    except JSONInputError as exc:
        raise FeedError(url, f"page {page} is not standard JSON ({exc})") from None
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
        raise FeedError(url, f"page {page} is not an HSDS page (no contents list)")
    return body, response


def fetch_changed(url: str, since: dt.datetime | None, http: requests.Session | None = None,
                  per_page: int = PER_PAGE) -> tuple[list[Any], int, dt.datetime | None]:
    """Return every service the feed changed since ``since`` (all when None), the pages read and its clock."""
    http = http or requests.Session()
    params: dict[str, Any] = {"full": "true", "per_page": per_page}
    if since is not None:
        params["modified_after"] = since.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    services: dict[str, Any] = {}
    odd: list[Any] = []
    started = None
    for page in range(1, MAX_PAGES + 1):
        body, response = _get_page(http, url, params, page)
        started = started or _publisher_time(response)
        for item in body["contents"]:
            # A service edited while we page can show up twice: the later copy is the newer one.
            key = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
            if key is None:
                odd.append(item)
            else:
                services.pop(key, None)
                services[key] = item
        total_pages = body.get("total_pages")
        if body.get("last_page") is True or not body["contents"] or (
                isinstance(total_pages, int) and page >= total_pages):
            return list(services.values()) + odd, page, started
    raise FeedError(url, f"more than {MAX_PAGES} pages")


def sync_feed(session: Session, base_url: str, since: dt.datetime | None = None, *, lenient: bool = False,
              http: requests.Session | None = None, per_page: int = PER_PAGE,
              overlap: dt.timedelta = OVERLAP) -> SyncResult:
    """Import what the feed changed since its mark (or ``since``); move the mark; flush only.

    Raises ``FeedError`` when a page cannot be read and ``ImportFailed`` when a service is invalid; in
    both cases nothing has been written.
    """
    url = normalise_base_url(base_url)
    feed = session.scalar(select(HsdsFeed).where(HsdsFeed.base_url == url))
    start = since if since is not None else (feed.synced_until - overlap if feed and feed.synced_until else None)
    local_start = utcnow()
    services, pages, publisher_start = fetch_changed(url, start, http, per_page)
    summary = import_services(session, services, strict=not lenient, source=url)
    if feed is None:
        feed = HsdsFeed(base_url=url)
        session.add(feed)
    feed.synced_until = publisher_start or local_start
    feed.last_success_at = utcnow()
    feed.last_summary = {**summary.as_dict(), "services": len(services), "pages": pages}
    session.flush()
    return SyncResult(url, start, summary, len(services), pages, feed.synced_until, summary.notes)
