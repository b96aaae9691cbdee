"""The match service: database rows to plain candidates, one fitted ranker per process, refits."""

import pytest

from matcher.catalogue.models import Offer
from matcher.catalogue.revision import current_revision
from matcher.matching.profile import ProfileError
from matcher.services.matching import MatchService
from tests.services.conftest import GIRL


def test_match_reads_the_catalogue(example_catalogue):
    result = MatchService(learn=False).match(example_catalogue, GIRL).to_dict()
    assert [r["name"] for r in result["results"]] == ["Pigefodbold U12"]
    assert result["results"][0]["external_id"] == "c1404959-d3aa-5da2-a02e-03e34d695e1c"
    assert "Matcher interesse: fodbold" in result["results"][0]["reasons"]


def test_a_catalogue_change_refits_the_index(example_catalogue):
    service = MatchService(learn=False)
    before = current_revision(example_catalogue)
    assert service.match(example_catalogue, GIRL).results
    offer = example_catalogue.query(Offer).filter_by(title="Pigefodbold U12").one()
    offer.spots_free = 0
    example_catalogue.commit()
    assert current_revision(example_catalogue) == before + 1
    result = service.match(example_catalogue, GIRL)
    assert result.results == [] and result.excluded["no_free_spots"] == 1
    assert service.match(example_catalogue, {**GIRL, "waiting_list": True}).results


def test_boys_do_not_get_girls_teams_and_mentors_need_certificates(example_catalogue):
    service = MatchService(learn=False)
    assert service.match(example_catalogue, {**GIRL, "gender": "boy"}).excluded["gender"] == 1
    mentors = service.match(example_catalogue, {"age": 13, "postcode": "2200", "interests": "kodning"}, kind="mentor")
    # ex-m-2 has no certificate on file: never proposed for a child under 15
    assert [m.candidate.external_id for m in mentors.results] == ["ex-m-1"]
    assert mentors.excluded["childcert"] == 1
    older = service.match(example_catalogue, {"age": 16, "postcode": "2200", "interests": "kodning"}, kind="mentor")
    assert older.results[0].candidate.external_id == "ex-m-2"


@pytest.mark.parametrize("child,kind,limit,field", [
    ({"age": -3, "postcode": "2200"}, "activity", 10, "age"),
    ({"age": 9, "postcode": "9999"}, "activity", 10, "postcode"),
    ({"age": 9, "interests": "x" * 50_000}, "activity", 10, "interests"),
    ({"age": "ti"}, "activity", 10, "age"),
    ({"age": 9}, "circus", 10, "kind"),
    ({"age": 9}, "activity", 0, "limit"),
])
def test_bad_profiles_name_the_field(example_catalogue, child, kind, limit, field):
    with pytest.raises(ProfileError) as err:
        MatchService(learn=False).match(example_catalogue, child, kind=kind, limit=limit)
    assert err.value.field == field
