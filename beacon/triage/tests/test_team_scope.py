"""A neighbourhood supervisor sees only the reports routed to their own teams; force-wide roles see all."""

import pytest
from django.core.exceptions import ValidationError

from beacon.accounts import roles
from beacon.core.models import AuditEvent, Neighbourhood
from beacon.reporting.services import report_message_add
from beacon.triage import selectors, services
from beacon.triage.models import ReportTriage

from .conftest import assess
from .test_access import client_for
from .test_workflow import close

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_areas(submit):
    """The same deal line reported in the town centre (NN1) and in Kingsthorpe (NN2): the reports link."""
    town = submit(where={"address": "", "postcode": "NN1 1AF", "description": ""})
    kingsthorpe = submit(where={"address": "", "postcode": "NN2 6AA", "description": ""})
    assert town.neighbourhood.code == "northampton-town-centre"
    assert kingsthorpe.neighbourhood.code == "kingsthorpe"
    return town, kingsthorpe


def _detail(report) -> str:
    return f"/admin/triage/reports/{report.pk}/"


def test_a_supervisor_sees_their_teams_reports_and_no_others(two_areas, make_staff):
    town, kingsthorpe = two_areas
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    town.neighbourhood.members.add(supervisor)
    client = client_for(supervisor)

    queue = client.get("/admin/triage/").content.decode()
    assert town.reference in queue and kingsthorpe.reference not in queue

    page = client.get(_detail(town))
    assert page.status_code == 200
    assert kingsthorpe.reference not in page.content.decode()  # nor through the linked reports

    for page_name in ("assess/", "question/"):
        assert client.get(_detail(town) + page_name).status_code == 200  # their own report's actions
    for url in (_detail(kingsthorpe), f"{_detail(kingsthorpe)}assess/", f"{_detail(kingsthorpe)}question/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert kingsthorpe.reference not in response.content.decode()
    refused = client.post(
        f"{_detail(kingsthorpe)}question/", {"version": kingsthorpe.version, "text": "Hello"}
    )
    assert refused.status_code == 404
    assert not kingsthorpe.messages.exists()
    # Refused views are not recorded as views of the report.
    assert not AuditEvent.objects.filter(actor=supervisor, object_id=str(kingsthorpe.pk)).exists()


def test_a_supervisor_counts_only_their_teams_reports_sharing_an_identifier(two_areas, make_staff):
    """The identifier counts on a report's page say nothing of reports outside the supervisor's area."""
    town, _kingsthorpe = two_areas
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    town.neighbourhood.members.add(supervisor)
    page = client_for(supervisor).get(_detail(town)).content.decode()
    assert "Identifiers in this report" in page
    assert "in 0 other reports" in page and "in 1 other report" not in page

    analyst = client_for(make_staff(roles.INTELLIGENCE_ANALYST)).get(_detail(town)).content.decode()
    assert "in 1 other report" in analyst


def test_a_supervisor_in_no_team_sees_no_reports(two_areas, make_staff):
    town, kingsthorpe = two_areas
    client = client_for(make_staff(roles.NEIGHBOURHOOD_SUPERVISOR))
    queue = client.get("/admin/triage/").content.decode()
    assert town.reference not in queue and kingsthorpe.reference not in queue
    assert client.get(_detail(town)).status_code == 404


@pytest.mark.parametrize("role", [roles.TRIAGE_OFFICER, roles.INTELLIGENCE_ANALYST, roles.SAFEGUARDING_LEAD])
def test_force_wide_roles_see_every_area_whatever_their_teams(two_areas, make_staff, role):
    town, kingsthorpe = two_areas
    user = make_staff(role)
    town.neighbourhood.members.add(user)  # belonging to a team narrows nothing for these roles
    client = client_for(user)
    queue = client.get("/admin/triage/").content.decode()
    assert town.reference in queue and kingsthorpe.reference in queue
    page = client.get(_detail(town)).content.decode()
    assert kingsthorpe.reference in page  # the linked report is shown
    assert client.get(_detail(kingsthorpe)).status_code == 200


def test_an_administrator_sets_a_teams_members_and_the_change_is_audited(make_staff, areas):
    admin = make_staff(roles.ADMINISTRATOR)
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    team = Neighbourhood.objects.get(code="kingsthorpe")
    response = client_for(admin).post(
        f"/admin/triage/neighbourhoods/edit/{team.pk}/",
        {
            "area": team.area_id,
            "name": team.name,
            "code": team.code,
            "team_email": "",
            "postcode_districts": "NN2",
            "members": [supervisor.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(team.members.all()) == [supervisor]
    event = AuditEvent.objects.get(action="neighbourhood.change", object_id=str(team.pk))
    assert event.actor == admin and event.detail["members"] == [supervisor.username]


def _assessed(officer, report):
    assess(officer, report)
    report.refresh_from_db()
    return report


def _assessed_pair(two_areas, officer):
    return tuple(_assessed(officer, report) for report in two_areas)


def test_a_report_is_assigned_only_to_someone_who_can_open_it(two_areas, officer, make_staff):
    town, _kingsthorpe = _assessed_pair(two_areas, officer)
    elsewhere = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    Neighbourhood.objects.get(code="kingsthorpe").members.add(elsewhere)
    with pytest.raises(ValidationError) as refused:
        services.report_assign(user=officer, report=town, expected_version=town.version, assignee=elsewhere)
    assert refused.value.message_dict["assignee"] == [
        "Select someone who can open this report: they must be in its neighbourhood team, or see reports "
        "from every area"
    ]
    town.refresh_from_db()
    assert town.status == "assessed" and town.version == 2
    assert not ReportTriage.objects.filter(report=town, assignee__isnull=False).exists()

    in_team = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    town.neighbourhood.members.add(in_team)
    services.report_assign(user=officer, report=town, expected_version=town.version, assignee=in_team)
    assert ReportTriage.objects.get(report=town).assignee == in_team
    # Someone who sees every area can take it over, whatever their teams.
    town.refresh_from_db()
    services.report_assign(user=officer, report=town, expected_version=town.version, assignee=officer)
    assert ReportTriage.objects.get(report=town).assignee == officer


def test_an_unrouted_report_goes_only_to_someone_who_sees_every_area(submit, officer, make_staff):
    report = _assessed(officer, submit(where={"address": "", "postcode": "", "description": "by the park"}))
    assert report.neighbourhood_id is None
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    Neighbourhood.objects.get(code="kingsthorpe").members.add(supervisor)
    with pytest.raises(ValidationError):
        services.report_assign(
            user=officer, report=report, expected_version=report.version, assignee=supervisor
        )
    assert [person.pk for person in selectors.staff_who_can_work(report=report)] == [officer.pk]


def test_the_assign_form_lists_only_staff_who_can_open_the_report(two_areas, officer, make_staff):
    town, _kingsthorpe = _assessed_pair(two_areas, officer)
    elsewhere = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR, username="kingsthorpe-sergeant")
    Neighbourhood.objects.get(code="kingsthorpe").members.add(elsewhere)
    in_team = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR, username="town-sergeant")
    town.neighbourhood.members.add(in_team)
    client = client_for(officer)
    page = client.get(f"{_detail(town)}assign/").content.decode()
    assert "town-sergeant" in page and officer.username in page
    assert "kingsthorpe-sergeant" not in page
    refused = client.post(f"{_detail(town)}assign/", {"version": town.version, "assignee": elsewhere.pk})
    assert refused.status_code == 400
    assert "Select someone from the list" in refused.content.decode()
    assert not ReportTriage.objects.filter(report=town, assignee__isnull=False).exists()
    taken = client.post(f"{_detail(town)}assign/", {"version": town.version, "assignee": in_team.pk})
    assert taken.status_code == 302
    assert ReportTriage.objects.get(report=town).assignee == in_team


def _unlinked(submit, postcode, phone):
    """A report in the district of `postcode` that shares no identifier with the others."""
    return submit(
        phones=[phone], vehicles=[], people=[], where={"address": "", "postcode": postcode, "description": ""}
    )


def test_a_duplicate_from_outside_a_supervisors_teams_shows_nothing_of_itself(submit, officer, make_staff):
    town = _unlinked(submit, "NN1 1AF", "07700 900801")
    kingsthorpe = _unlinked(submit, "NN2 6AA", "07700 900802")
    town_repeat = _unlinked(submit, "NN1 1AG", "07700 900803")
    report_message_add(report=kingsthorpe, direction="from_reporter", text="Kingsthorpe reporter's reply")
    report_message_add(report=town_repeat, direction="from_reporter", text="Town reporter's reply")
    close(officer, kingsthorpe, kind="duplicate", duplicate_of=town)
    close(officer, town_repeat, kind="duplicate", duplicate_of=town)
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    town.neighbourhood.members.add(supervisor)

    page = client_for(supervisor).get(_detail(town)).content.decode()
    assert "Kingsthorpe reporter&#x27;s reply" not in page and kingsthorpe.reference not in page
    assert "Town reporter&#x27;s reply" in page and f"from duplicate {town_repeat.reference}" in page
    # Seeing a duplicate's messages is a view of that report, audited against it.
    viewed = AuditEvent.objects.filter(action="report.view", actor=supervisor)
    assert sorted(viewed.values_list("object_id", flat=True)) == sorted([str(town.pk), str(town_repeat.pk)])
    assert viewed.get(object_id=str(town_repeat.pk)).detail == {
        "reference": town_repeat.reference,
        "shown": ["timeline"],
        "merged_into": town.reference,
    }

    everything = client_for(officer).get(_detail(town)).content.decode()  # force-wide: both duplicates
    assert (
        "Kingsthorpe reporter&#x27;s reply" in everything
        and f"from duplicate {kingsthorpe.reference}" in everything
    )
    assert AuditEvent.objects.filter(
        action="report.view", actor=officer, object_id=str(kingsthorpe.pk)
    ).exists()


def test_a_supervisor_sees_only_that_the_original_is_outside_their_teams(submit, officer, make_staff):
    town = _unlinked(submit, "NN1 1AF", "07700 900811")
    kingsthorpe = _unlinked(submit, "NN2 6AA", "07700 900812")
    close(officer, town, kind="duplicate", duplicate_of=kingsthorpe)
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    town.neighbourhood.members.add(supervisor)
    page = client_for(supervisor).get(_detail(town)).content.decode()
    assert "duplicate of a report outside your teams" in page
    assert kingsthorpe.reference not in page
    officer_page = client_for(officer).get(_detail(town)).content.decode()
    assert f'duplicate of <a href="{_detail(kingsthorpe)}">{kingsthorpe.reference}</a>' in officer_page


def test_a_supervisor_cannot_close_a_report_as_a_duplicate_of_one_outside_their_teams(submit, make_staff):
    mine = _unlinked(submit, "NN1 1AG", "07700 900821")
    other = _unlinked(submit, "NN2 6AB", "07700 900822")
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    mine.neighbourhood.members.add(supervisor)
    response = client_for(supervisor).post(
        f"{_detail(mine)}close/",
        {"kind": "duplicate", "duplicate_of": other.reference, "version": mine.version},
    )
    assert response.status_code == 400
    assert "There is no report with that reference" in response.content.decode()  # as for no report at all
    with pytest.raises(ValidationError) as refused:  # the service refuses it too
        close(supervisor, mine, kind="duplicate", duplicate_of=other)
    assert refused.value.message_dict == {"duplicate_of": ["There is no report with that reference"]}
    mine.refresh_from_db()
    assert mine.status == "new"
    assert not AuditEvent.objects.filter(object_id=str(other.pk), action="report.duplicate_merged").exists()

    in_team = _unlinked(submit, "NN1 1AF", "07700 900823")
    allowed = client_for(supervisor).post(
        f"{_detail(mine)}close/",
        {"kind": "duplicate", "duplicate_of": in_team.reference, "version": mine.version},
    )
    assert allowed.status_code == 302


def test_routing_away_from_the_assignees_team_hands_the_report_back_for_assigning(
    two_areas, officer, make_staff
):
    town, _kingsthorpe = _assessed_pair(two_areas, officer)
    sergeant = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    town.neighbourhood.members.add(sergeant)
    services.report_assign(user=officer, report=town, expected_version=town.version, assignee=sergeant)
    town.refresh_from_db()
    assert town.status == "assigned"

    kingsthorpe = Neighbourhood.objects.get(code="kingsthorpe")
    page = client_for(officer).post(
        f"{_detail(town)}route/", {"version": town.version, "neighbourhood": kingsthorpe.pk}, follow=True
    )
    assert "so it is no longer assigned. Assign it to someone in the new team" in page.content.decode()
    town.refresh_from_db()
    # The sergeant can no longer open it: left assigned to them, it would sit where nobody works on it.
    assert ReportTriage.objects.get(report=town).assignee is None
    assert town.status == "assessed"  # back in the queue, waiting to be assigned in Kingsthorpe
    routed = AuditEvent.objects.filter(action="report.route", object_id=str(town.pk)).get()
    assert routed.detail["assignee"] == {"from": sergeant.pk, "to": None}
    assert routed.detail["status"] == {"from": "assigned", "to": "assessed"}

    # Someone who sees every area keeps the report wherever it goes.
    services.report_assign(user=officer, report=town, expected_version=town.version, assignee=officer)
    town.refresh_from_db()
    services.report_route(
        user=officer, report=town, expected_version=town.version, neighbourhood=two_areas[0].neighbourhood
    )
    town.refresh_from_db()
    assert ReportTriage.objects.get(report=town).assignee == officer and town.status == "assigned"
