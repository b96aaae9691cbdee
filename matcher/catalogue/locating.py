"""Where an offer is: its pin and district, from a venue of its organisation or its postcode; flush only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matcher.catalogue.districts import district_for_postcode
from matcher.catalogue.models import Offer
from matcher.matching.geo import default_geocoder


def locate_offer(session: Session, offer: Offer) -> None:
    """Place the offer's pin and district: at a venue of its organisation with the same address, else the postcode."""
    org = offer.organisation
    same = None
    if org is not None and offer.address:
        same = next((o for o in org.offers if o is not offer and o.lat is not None and o.postcode == offer.postcode
                     and (o.address or "").casefold() == offer.address.casefold()), None)
    if same is not None:
        offer.lat, offer.lon, offer.district_id = same.lat, same.lon, same.district_id
        return
    if org is not None and org.lat is not None and offer.postcode == org.postcode and offer.address \
            and (org.address or "").casefold() == offer.address.casefold():
        offer.lat, offer.lon, offer.district_id = org.lat, org.lon, org.district_id
        return
    centre = default_geocoder().postcode(offer.postcode) if offer.postcode else None
    offer.lat, offer.lon = (centre[0], centre[1]) if centre else (None, None)
    district = district_for_postcode(session, offer.postcode) if offer.postcode else None
    offer.district_id = district.id if district else None
