"""The invented organisations and the wording the demonstration listings are made from.

Every name is made up (no real trust, board, university or company), and every organisation sits
in a real town from the gazetteer, so that search by place works on the demonstration data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoOrganisation:
    """One invented organisation: its name, kind, home town (as the gazetteer knows it) and sites."""

    name: str
    kind: str
    town: str
    sites: tuple[str, ...] = ()


# One organisation a line: name | kind | home town as the gazetteer knows it | sites ("; " between).
_TABLE = """
# North East and Yorkshire
Northdale Teaching Hospitals NHS Foundation Trust | trust | Leeds | Northdale General Hospital
Brackenridge and Don Valley NHS Trust | trust | Sheffield | Brackenridge Royal Infirmary
Tees Moorland Hospitals NHS Foundation Trust | trust | Middlesbrough | Moorland University Hospital
University of Eastmoor | university | York | Eastmoor Science Park
Humberfield Sixth Form College | college | Kingston upon Hull
# North West
Irwell Valley University Hospitals NHS Foundation Trust | trust | Manchester | Irwell Valley Hospital
Merseyvale Hospitals NHS Trust | trust | Liverpool | Merseyvale Royal Hospital
Ribblemoor Teaching Hospitals NHS Foundation Trust | trust | Preston | Ribblemoor Hospital
Lunebridge University | university | Lancaster
# Midlands
Heartwood Midlands University Hospitals NHS Trust | trust | Birmingham | Heartwood Queen's Hospital
Trentside University Hospitals NHS Trust | trust | Nottingham | Trentside City Hospital
Soarbrook Hospitals NHS Trust | trust | Leicester | Soarbrook Royal Infirmary
Witham Fen Hospitals NHS Trust | trust | Lincoln | Witham Fen County Hospital
Kingsmere Diagnostics Ltd | other | Coventry | Kingsmere Laboratory Park
Stoneleigh Vale College | college | Derby
# East of England
Fenbridge University Hospitals NHS Foundation Trust | trust | Cambridge | Fenbridge Hospital
Wensum Valley Hospitals NHS Foundation Trust | trust | Norwich | Wensum Valley University Hospital
Orwellmere Hospital NHS Trust | trust | Ipswich | Orwellmere Hospital
University of Colnebury | university | Colchester
# London
Thameside Royal Hospitals NHS Foundation Trust | trust | London | Thameside Royal Hospital
Southbank Vale University Hospitals NHS Trust | trust | Croydon | Southbank Vale Hospital
North Capital Blood and Transplant Laboratories | trust | Harrow | Harrow Weald Processing Centre
Kingsgate University London | university | London | Kingsgate Clinical Sciences Building
# South East
Isis Vale University Hospitals NHS Foundation Trust | trust | Oxford | Isis Vale Hospital
Downsview Coast Hospitals NHS Trust | trust | Brighton | Downsview County Hospital
Solent Haven University Hospital NHS Foundation Trust | trust | Southampton | Solent Haven General Hospital
Medway Weald College | college | Maidstone
# South West
Avonmere University Hospitals NHS Foundation Trust | trust | Bristol | Avonmere Royal Infirmary
Exevale Royal Hospitals NHS Foundation Trust | trust | Exeter | Exevale Royal Hospital
Tamarbrook Hospitals NHS Trust | trust | Plymouth | Tamarbrook Hospital
University of the Severn Vale | university | Gloucester
# Scotland
NHS Clydemuir | trust | Glasgow | Clydemuir University Hospital; Clydemuir Laboratory Medicine Building
NHS Lothmoor | trust | Edinburgh | Lothmoor Royal Infirmary
NHS Deeside Vale | trust | Aberdeen | Deeside Royal Infirmary
Taymouth Institute of Science and Health | university | Dundee
# Wales
Cwm Aderyn University Health Board | trust | Cardiff | Ysbyty Aderyn University Hospital
Bae Tawelwch Health Board | trust | Swansea | Ysbyty Tawelwch
Eryri Mynydd Health Board | trust | Bangor, Wales | Ysbyty Mynydd
# Northern Ireland
Loughside Health and Social Care Trust | trust | Belfast | Loughside City Hospital
Sperrin Vale Health and Social Care Trust | trust | Omagh | Sperrin Vale Hospital
Foyleview Clinical Engineering Ltd | other | Derry
"""
_KINDS = {
    "trust": "nhs-trust",
    "university": "university",
    "college": "college-or-school",
    "other": "other-employer",
}


def _organisations(table: str) -> tuple[DemoOrganisation, ...]:
    rows = [line for line in table.strip().splitlines() if not line.startswith("#")]
    cells = [[cell.strip() for cell in row.split("|")] for row in rows]
    return tuple(
        DemoOrganisation(name, _KINDS[kind], town, tuple(rest[0].split("; ")) if rest else ())
        for name, kind, town, *rest in cells
    )


ORGANISATIONS = _organisations(_TABLE)

# What each kind of organisation advertises (an NHS body advertises everything).
TYPES_BY_KIND = {
    "nhs-trust": ("apprenticeship", "placement", "work-experience", "job", "training-post", "event"),
    "university": ("placement", "event"),
    "college-or-school": ("work-experience", "event"),
    "other-employer": ("apprenticeship", "placement", "work-experience", "job"),
}
# Roughly how often each type appears: jobs most, training posts least.
TYPE_WEIGHTS = {
    "job": 30,
    "apprenticeship": 15,
    "placement": 15,
    "work-experience": 15,
    "event": 15,
    "training-post": 10,
}
# Apprenticeship level -> (career level, a standard's name as the standards are commonly called).
APPRENTICESHIPS = {
    2: ("assistant", "Healthcare science assistant"),
    3: ("assistant", "Laboratory technician"),
    4: ("associate", "Healthcare science associate"),
    5: ("associate", "Healthcare assistant practitioner"),
    6: ("practitioner", "Healthcare science practitioner (integrated degree)"),
    7: ("trainee-clinical-scientist", "Clinical scientist"),
}
# Career level -> the Agenda for Change bands a job at that level is advertised at.
JOB_BANDS = {
    "assistant": ("2", "3"),
    "associate": ("4",),
    "practitioner": ("5", "6"),
    "specialist-practitioner": ("6", "7"),
    "clinical-scientist": ("7",),
    "principal-clinical-scientist": ("8a", "8b"),
    "consultant-clinical-scientist": ("8c", "8d", "9"),
}
JOB_TITLES = {
    "assistant": "{area} assistant",
    "associate": "{area} associate",
    "practitioner": "{area} practitioner",
    "specialist-practitioner": "Specialist {area_lower} practitioner",
    "clinical-scientist": "Clinical scientist in {area_lower}",
    "principal-clinical-scientist": "Principal clinical scientist, {area_lower}",
    "consultant-clinical-scientist": "Consultant clinical scientist, {area_lower}",
}
# Training posts: (title, career level, band, stages).
TRAINING_POSTS = (
    (
        "Scientist Training Programme: {area_lower}",
        "trainee-clinical-scientist",
        "6",
        ("graduate", "nhs-staff"),
    ),
    ("Practitioner Training Programme: {area_lower}", "practitioner", "4", ("graduate", "nhs-staff")),
    (
        "Higher Specialist Scientist Training: {area_lower}",
        "principal-clinical-scientist",
        "8a",
        ("nhs-staff",),
    ),
)
# Work experience: (stages, minimum age).
WORK_EXPERIENCE = ((("ks3", "gcse"), 14), (("gcse", "post16"), 15), (("post16",), 16))
EVENT_TITLES = (
    "Open day: {area_lower}",
    "Careers talk: a day in {area_lower}",
    "Meet the scientists: {area_lower}",
    "Hands-on taster session: {area_lower}",
)
EVENT_TIMES = ("09:30", "10:00", "13:30", "16:00", "18:00")
HOURS = (
    "Full time, 37.5 hours a week",
    "Part time, 22.5 hours a week",
    "Full time, 37.5 hours a week, some weekends",
)
DESCRIPTIONS = {
    "apprenticeship": (
        "Earn while you learn {area_lower} with {organisation}. You will work alongside our team in"
        " {town} and study towards the {standard} apprenticeship, with time set aside every week "
        "for learning."
    ),
    "placement": (
        "A placement in our {area_lower} service for students on a healthcare science course. You "
        "will shadow practitioners in {town}, take part in routine work under supervision and "
        "reflect on what you see."
    ),
    "work-experience": (
        "A week of work experience in {area_lower} with {organisation}. You will see how the team "
        "in {town} helps patients, try some simple tasks safely and talk to staff about how they "
        "got into the job."
    ),
    "job": (
        "Join the {area_lower} team at {organisation} in {town}. You will take part in the daily "
        "work of the service, help train colleagues and students, and keep improving how we care "
        "for patients."
    ),
    "training-post": (
        "A funded training post in {area_lower} with {organisation}. You will be employed by us in "
        "{town} while you complete the national training programme, with a supervisor and protected"
        " study time."
    ),
    "event": (
        "Find out what people in {area_lower} do, how they help patients and how you could get in. "
        "Hosted by {organisation}; questions are welcome and no experience is needed."
    ),
}
