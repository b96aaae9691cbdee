"""Every model and listener, so that ``Base.metadata`` knows the whole schema; the session factory.

The session factory lives here and not in ``matcher.db`` because a session needs every model mapped and
every listener (``modified``, ``revision``, ``waiting``) registered; ``matcher.db`` stays below the models.
"""

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


from matcher.accounts.models import User  # noqa: F401
from matcher.catalogue import modified, revision  # noqa: F401  (keep updated_at and the revision current)
from matcher.catalogue.feed_models import HsdsFeed, OrganisationIdentifier  # noqa: F401
from matcher.catalogue.models import (  # noqa: F401
    CatalogueRevision,
    District,
    DistrictPostcode,
    InterestTerm,
    ListingChange,
    Mentor,
    Offer,
    OfferSchedule,
    Organisation,
)
from matcher.config import RUNTIME_KEY
from matcher.db import Base
from matcher.pathways.models import (  # noqa: F401
    Child,
    IdempotentRequest,
    NetworkPerson,
    Participation,
    Phase,
    Referral,
    ReferralEvent,
)
from matcher.privacy.models import AuditEvent  # noqa: F401
from matcher.shortlists.models import SavedSearch, ShortlistItem  # noqa: F401
from matcher.mail.models import JobLease, OutboxMessage, SignedLink  # noqa: F401
from matcher.clubs.models import ClubAnswer, WaitingListEntry  # noqa: F401
from matcher.clubs import waiting  # noqa: F401  (tells contact persons at once when a spot frees)

metadata = Base.metadata


def make_session_factory(engine: Engine, runtime: Any = None) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``, with every model and listener loaded.

    Its sessions carry ``runtime`` (``matcher.runtime.Runtime``): code handed a session finds the
    settings, clock and indexes of the app, command or worker that opened it (``db.session_runtime``).
    """
    info = {RUNTIME_KEY: runtime} if runtime is not None else {}
    return sessionmaker(bind=engine, expire_on_commit=False, future=True, info=info)
