"""Reports for triage tests, made through the reporting app's real submit service."""

import io

import pytest

from beacon.accounts import roles
from beacon.core.demo import seed as seed_areas
from beacon.reporting.services import report_submit
from beacon.triage import services

THRIVE = {
    "threat": "Dealing from the flat; visitors at night",
    "harm": "medium",
    "risk": "medium",
    "investigation": "Check intelligence records for the address",
    "vulnerability": "Tenant may be cuckooed",
    "engagement": "Neighbourhood team visit",
}


def assess(user, report, **overrides):
    """A THRIVE assessment through the service, on the report as it is stored now."""
    report.refresh_from_db()
    return services.assessment_record(
        user=user, report=report, expected_version=report.version, **{**THRIVE, **overrides}
    )


@pytest.fixture
def areas(db):
    seed_areas(stdout=io.StringIO())


def answers(**overrides) -> dict:
    document = {
        "categories": ["dealing"],
        "where": {"address": "Flat 2, 10 Example Street", "postcode": "NN1 1AF", "description": ""},
        "when": {"kind": "ongoing", "since": "a few weeks"},
        "people": [{"name": "Big Dave", "age": "about 30", "description": "red cap", "is_child": False}],
        "vehicles": [{"registration": "AB12 CDE", "make": "Ford", "model": "Focus", "colour": "blue"}],
        "phones": ["07700 900123"],
        "handles": [],
        "child": None,
        "how_known": "saw",
        "how_known_detail": "I live in the flat opposite and watch from my window",
        "details": "Cars come and go all night.",
        "contact": None,
    }
    document.update(overrides)
    return document


@pytest.fixture
def submit(db, areas):
    """submit(**answer overrides) -> Report, through reporting's report_submit (linking runs in it)."""

    def make(**overrides):
        return report_submit(answers=answers(**overrides), files=[]).report

    return make


@pytest.fixture
def officer(make_staff):
    return make_staff(roles.TRIAGE_OFFICER)


@pytest.fixture
def analyst(make_staff):
    return make_staff(roles.INTELLIGENCE_ANALYST)


@pytest.fixture
def safeguarding_lead(make_staff):
    return make_staff(roles.SAFEGUARDING_LEAD)


@pytest.fixture
def administrator(make_staff):
    return make_staff(roles.ADMINISTRATOR)


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CAMPAIGN_EDITOR)
