"""Dislikes, everyday words, neighbouring professions and the learned model, on the small corpus."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matching import NEIGHBOURING_KIND, Document, Matcher, MatcherLoadError
from matching.ranking import CONFIDENCE_FEATURES, RANKING_FEATURES, LearnedModel, ModelError, shipped_model
from tests.matching.conftest import ABBREVIATIONS, AREAS

NURSING = Document(
    id="nursing",
    kind=NEIGHBOURING_KIND,
    fields={
        "name": "Nursing",
        "title": ["nurse", "staff nurse", "ward sister", "charge nurse", "children's nurse"],
    },
    tags={
        "why": "Nurses care for patients on wards and in the community.",
        "learn_more_url": "https://www.healthcareers.nhs.uk/explore-roles/nursing",
        "related": ["sleep-physiology", "haematology"],
    },
)
DOCTORS = Document(
    id="pathology-doctors",
    kind=NEIGHBOURING_KIND,
    fields={"name": "Doctors in pathology", "title": ["consultant haematologist", "haematologist"]},
    tags={
        "why": "Haematologists are doctors.",
        "learn_more_url": "https://www.healthcareers.nhs.uk/explore-roles/doctors",
        "related": ["haematology"],
    },
)


PARAMEDICS = Document(
    id="paramedics",
    kind=NEIGHBOURING_KIND,
    fields={"name": "Paramedics", "title": ["paramedic", "ambulance driver"]},
    tags={
        "why": "Paramedics treat people in emergencies.",
        "learn_more_url": "https://www.healthcareers.nhs.uk/explore-roles/ambulance-service-team",
        "related": ["cardiac-science"],
    },
)


@pytest.fixture(scope="module")
def beside() -> Matcher:
    """The small corpus with two neighbouring professions and a few everyday words."""
    words = {"deaf": ["hearing", "deafness"], "germs": ["bacteria", "infection"]}
    return Matcher(abbreviations=ABBREVIATIONS, everyday_words=words).fit(
        [*AREAS, NURSING, DOCTORS, PARAMEDICS]
    )


def _ids(result) -> list[str]:
    return [match.id for match in result.matches]


@pytest.mark.parametrize(
    ("text", "profession"),
    [
        ("staff nurse", "nursing"),
        ("Consultant haematologist", "pathology-doctors"),
        ("band 6 nurse", "nursing"),
    ],
)
def test_a_neighbouring_title_is_named_and_never_confident(
    beside: Matcher, text: str, profession: str
) -> None:
    result = beside.query(text)
    assert result.outside_field is not None and result.outside_field.id == profession
    assert result.confident is False
    related = list(result.outside_field.related)
    assert _ids(result)[: len(related)] == sorted(related, key=_ids(result).index)
    assert set(related) <= set(_ids(result))
    assert result.outside_field.learn_more_url.startswith("https://www.healthcareers.nhs.uk/")


@pytest.mark.parametrize(
    "text",
    [
        "haematology",
        "hearing aids",
        "I like fixing machines",
        # Shares "children" with "children's nurse" but names no nurse.
        "I want to help deaf children",
        # Shares "driver" with "ambulance driver", but a lorry driver is another job altogether.
        "I want to be a lorry driver",
        # Names a doctor's title only as a place, in passing.
        "I measured breathing for a haematologist's patients and fixed hearing aids",
    ],
)
def test_healthcare_science_words_are_not_sent_elsewhere(beside: Matcher, text: str) -> None:
    assert beside.query(text).outside_field is None


def test_the_areas_beside_a_profession_say_so(beside: Matcher) -> None:
    result = beside.query("staff nurse")
    first = result.matches[0]
    assert first.id in result.outside_field.related
    assert first.reasons[0].text == "This work sits beside nursing, which you asked about."


def test_neighbouring_professions_are_never_matches(beside: Matcher) -> None:
    for kind in ("service-area", None):
        result = beside.query("nurse", k=20, kind=kind)
        assert all(match.document.kind != NEIGHBOURING_KIND for match in result.matches)


def test_a_dislike_pushes_its_area_down_and_says_so(beside: Matcher) -> None:
    liked = beside.query("blood and hearing")
    disliked = beside.query("I hate blood but I like hearing")
    assert "haematology" in _ids(liked)[:2]
    assert _ids(disliked)[0] == "audiology"
    assert "haematology" not in _ids(disliked)[:2]
    first = disliked.matches[0].reasons
    assert any("you said you do not want" in reason.text.lower() for reason in first)
    pushed = next((m for m in disliked.matches if m.id == "haematology"), None)
    if pushed is not None:
        assert any('do not want "blood"' in reason.text for reason in pushed.reasons)
    assert "blood" not in disliked.query_terms


def test_a_fine_with_phrase_is_not_a_dislike(beside: Matcher) -> None:
    assert "haematology" in _ids(beside.query("I don't mind blood"))[:2]


def test_everyday_words_reach_the_words_of_the_work(beside: Matcher) -> None:
    deaf = beside.query("I want to help deaf children")
    assert _ids(deaf)[0] == "audiology"
    assert "hearing" in deaf.query_terms
    germs = beside.query("germs")
    assert _ids(germs)[0] == "clinical-microbiology"


def test_the_shipped_model_describes_the_features_this_library_computes() -> None:
    model = shipped_model()
    assert model is not None and model.kind == "service-area"
    assert model.ranking.features == RANKING_FEATURES
    assert model.confidence.features == CONFIDENCE_FEATURES
    # A stated dislike only ever pushes an area down.
    assert model.ranking.coefficients[RANKING_FEATURES.index("dislike")] < 0


def test_a_model_for_other_features_is_refused() -> None:
    data = shipped_model().to_json()
    data["ranking"]["features"] = data["ranking"]["features"][:-1]
    with pytest.raises(ModelError, match="features"):
        LearnedModel.from_json(data)
    data = shipped_model().to_json()
    data["confidence"]["coefficients"][0] = "NaN"
    with pytest.raises((ModelError, ValueError)):
        LearnedModel.from_json(data)


def test_the_model_is_saved_with_the_index_and_checked_on_load(beside: Matcher) -> None:
    files = beside.to_files()
    state = json.loads(files["state.json"])
    assert state["model"] == beside.model_.to_json()
    again = Matcher.from_files(files)
    for text in ("staff nurse", "I hate blood but I like hearing", "germs"):
        first, second = beside.query(text), again.query(text)
        assert _ids(first) == _ids(second)
        assert first.confidence == pytest.approx(second.confidence)
    state["model"]["ranking"]["features"] = ["word:name"]
    tampered = dict(files, **{"state.json": json.dumps(state).encode()})
    with pytest.raises(MatcherLoadError):
        Matcher.from_files(tampered)


def test_confidence_is_a_probability_and_fixed_weights_still_work(beside: Matcher) -> None:
    for text in ("hearing aids", "I want to be a lorry driver", "zzqx"):
        assert 0.0 <= beside.query(text).confidence <= 1.0
    fixed = Matcher(abbreviations=ABBREVIATIONS, learned=False).fit(AREAS)
    assert fixed.model_ is None
    assert _ids(fixed.query("hearing aids"))[0] == "audiology"
    assert np.isfinite(fixed.query("hearing aids").matches[0].score)
