"""Import every model so that ``Base.metadata`` knows the whole schema."""

from matcher.accounts.models import User  # noqa: F401
from matcher.catalogue.models import (  # noqa: F401
    District,
    DistrictPostcode,
    InterestTerm,
    Mentor,
    Offer,
    OfferSchedule,
    Organisation,
)
from matcher.db import Base

metadata = Base.metadata
