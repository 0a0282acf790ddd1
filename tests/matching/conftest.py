"""A small hand-written corpus for the matcher's tests (not the portal's content)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from matching import Document, Matcher

ABBREVIATIONS = {
    "ECG": "electrocardiogram",
    "EBME": "electronic and biomedical engineering",
    "EAT": "electronic assistive technology",
    "IVF": "in vitro fertilisation",
}


def _area(slug: str, name: str, titles: list[str], keywords: list[str], summary: str, **more) -> Document:
    fields = {
        "name": name,
        "alternative_titles": titles,
        "keywords": keywords,
        "summary": summary,
        "theme": more.pop("theme", "Healthcare science"),
        "division": more.pop("division", "Life sciences"),
    }
    fields.update(more)
    return Document(id=slug, fields=fields)


AREAS = [
    _area(
        "audiology",
        "Audiology",
        ["Audiologist", "Hearing scientist"],
        ["hearing", "hearing aids", "deafness"],
        "Audiologists test hearing and balance, and fit hearing aids for children and adults.",
        day_to_day=["You might test a baby's hearing.", "You might adjust a hearing aid."],
        skills=["Patience with children", "Clear speaking"],
        division="Physiological sciences",
    ),
    _area(
        "cardiac-science",
        "Cardiac science",
        ["Cardiac physiologist", "Heart rhythm specialist"],
        ["heart", "heart rhythm", "pacemakers"],
        "Cardiac physiologists record the electrocardiogram and check how well the heart pumps.",
        day_to_day=["You might record an electrocardiogram before an operation."],
        division="Physiological sciences",
    ),
    _area(
        "clinical-engineering",
        "Clinical engineering",
        ["Medical equipment engineer", "Electronics technician"],
        ["fixing machines", "repairs", "medical devices", "EBME"],
        "Clinical engineers look after hospital equipment, from infusion pumps to ventilators.",
        day_to_day=["You might repair a faulty monitor on a ward."],
        division="Physical sciences and biomedical engineering",
    ),
    _area(
        "genomics",
        "Genomics",
        ["Genetic technologist", "Clinical scientist in genomics"],
        ["DNA", "genes", "inherited conditions"],
        "Genomics teams read a person's DNA to find the changes behind inherited conditions.",
        skills=["Working with computers and data"],
    ),
    _area(
        "haematology",
        "Haematology",
        ["Biomedical scientist in haematology", "Blood cell specialist"],
        ["blood", "anaemia", "blood cells"],
        "Haematology laboratories test blood samples to find anaemia, infections and leukaemia.",
    ),
    _area(
        "radiotherapy-physics",
        "Radiotherapy physics",
        ["Medical physicist", "Radiotherapy physicist"],
        ["cancer treatment", "radiation", "linear accelerator"],
        "Radiotherapy physicists plan radiation treatment that hits the cancer and spares healthy tissue.",
        division="Physical sciences and biomedical engineering",
    ),
    _area(
        "electronic-assistive-technology",
        "Electronic assistive technology",
        ["Assistive technology engineer", "Environmental controls technician"],
        ["environmental controls", "switches", "EAT"],
        "Engineers set up equipment that lets disabled people open doors and use a phone with a switch.",
        division="Physical sciences and biomedical engineering",
    ),
    _area(
        "sleep-physiology",
        "Sleep physiology",
        ["Sleep physiologist", "Sleep technician"],
        ["sleep", "snoring", "sleep apnoea"],
        "Sleep physiologists study people overnight to find out why they snore or stop breathing.",
        division="Physiological sciences",
    ),
    _area(
        "clinical-microbiology",
        "Clinical microbiology",
        ["Microbiologist", "Infection scientist"],
        ["bacteria", "infection", "microscope"],
        "Microbiologists grow bacteria from samples and work out which antibiotic will treat an infection.",
    ),
    _area(
        "clinical-embryology",
        "Clinical embryology",
        ["Embryologist", "Fertility scientist"],
        ["IVF", "embryos", "fertility"],
        "Embryologists help people have babies by growing embryos in the laboratory.",
    ),
]

OPPORTUNITIES = [
    Document(
        id="opp-audiology-apprentice",
        kind="opportunity",
        fields={"title": "Audiology apprentice", "description": "Learn to test hearing in a busy clinic."},
        tags={"level": "apprenticeship", "service_areas": ["audiology"]},
    ),
    Document(
        id="opp-audiology-placement",
        kind="opportunity",
        fields={"title": "Hearing clinic placement", "description": "A summer placement in audiology."},
        tags={"level": "placement", "service_areas": ["audiology"]},
    ),
    Document(
        id="opp-engineering-job",
        kind="opportunity",
        fields={"title": "Medical equipment engineer", "description": "Repair and test hospital machines."},
        tags={"level": "job", "service_areas": ["clinical-engineering"]},
    ),
]


@pytest.fixture(scope="session")
def areas() -> list[Document]:
    """The ten hand-written service areas."""
    return list(AREAS)


@pytest.fixture(scope="session")
def corpus() -> list[Document]:
    """Service areas and a few opportunities together."""
    return [*AREAS, *OPPORTUNITIES]


@pytest.fixture(scope="session")
def matcher(corpus: list[Document]) -> Matcher:
    """A matcher fitted once on the corpus; tests must not change it."""
    return Matcher(abbreviations=ABBREVIATIONS).fit(corpus)


@pytest.fixture
def saved(matcher: Matcher, tmp_path: Path) -> Path:
    """A directory holding the shared matcher, saved."""
    directory = tmp_path / "index"
    matcher.save(directory)
    return directory


def sha256(data: bytes) -> str:
    """Hex SHA-256, as the manifest lists it."""
    return hashlib.sha256(data).hexdigest()


def edit_manifest(directory: Path, change: Callable[[dict], object]) -> None:
    """Rewrite manifest.json after ``change`` has edited it."""
    manifest = json.loads((directory / "manifest.json").read_text())
    change(manifest)
    (directory / "manifest.json").write_text(json.dumps(manifest))


def replace_file(directory: Path, name: str, data: bytes) -> None:
    """Write ``name`` and its checksum in the manifest, as anyone who can write the folder can."""
    (directory / name).write_bytes(data)
    edit_manifest(directory, lambda manifest: manifest["files"].update({name: sha256(data)}))


class Tripwire:
    """Unpickling this records that code ran."""

    ran = False

    def __reduce__(self) -> tuple:
        return (_trip, ())


def _trip() -> None:
    Tripwire.ran = True
