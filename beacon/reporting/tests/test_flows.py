"""The journey as data: order, branching, the route and what it keeps."""

from beacon.reporting import flows
from beacon.reporting.urls import STEP_VIEWS


def test_every_page_has_a_view_a_title_and_a_way_on():
    assert set(STEP_VIEWS) == set(flows.PAGE_ORDER)
    assert set(flows.TITLES) == set(flows.PAGE_ORDER)
    assert set(flows.NEXT) == set(flows.PAGE_ORDER) - {flows.CHECK}


def test_an_empty_journey_starts_with_the_danger_question():
    route = flows.journey_path({})
    assert route.pages == ("danger",)
    assert route.missing == "danger"


def _minimal(**extra):
    answers = {
        "danger": {"danger": "no"},
        "about": {"categories": ["dealing"]},
        "where": {"postcode": "NN1 1AF"},
        "when": {"when": "now"},
        "people": {"people": "no"},
        "vehicles": {"vehicles": "no"},
        "numbers": {"numbers": "no"},
        "child-involved": {"child": "no"},
        "how": {"how": "saw"},
        "details": {"details": ""},
        "files": {"count": 0},
        "contact": {"contact": "anonymous"},
    }
    answers.update(extra)
    return answers


def test_a_minimal_journey_is_complete():
    route = flows.journey_path(_minimal())
    assert route.complete
    assert route.pages[-1] == "check"
    assert "call-999" not in route.pages and "contact-details" not in route.pages


def test_danger_yes_passes_through_the_999_page():
    route = flows.journey_path(_minimal(danger={"danger": "yes"}))
    assert route.pages[:3] == ("danger", "call-999", "about")


def test_when_branches():
    once = flows.journey_path(_minimal(when={"when": "once"}))
    assert once.missing == "when-once"
    ongoing = flows.journey_path(_minimal(when={"when": "ongoing"}, **{"when-ongoing": {"since": "May"}}))
    assert ongoing.complete and "when-ongoing" in ongoing.pages and "when-once" not in ongoing.pages


def test_people_yes_needs_a_person_and_a_finished_list():
    answers = _minimal(people={"people": "yes"})
    assert flows.journey_path(answers).missing == "person"
    answers["people_items"] = [{"name": "Tall lad", "is_child": "no"}]
    assert flows.journey_path(answers).missing == "people-list"
    answers["people-list"] = {"done": True}
    assert flows.journey_path(answers).complete


def test_child_question_is_skipped_when_the_answers_already_say_a_child_is_involved():
    answers = _minimal(about={"categories": ["child_exploitation"]})
    route = flows.journey_path(answers)
    assert "child-involved" not in route.pages
    assert route.missing == "child"
    answers = _minimal(people={"people": "yes"}, people_items=[{"name": "J", "is_child": "yes"}])
    answers["people-list"] = {"done": True}
    assert flows.journey_path(answers).missing == "child"


def test_child_in_danger_passes_through_the_child_999_page():
    answers = _minimal(**{"child-involved": {"child": "yes"}, "child": {"ages": "14", "in_danger": "yes"}})
    route = flows.journey_path(answers)
    assert route.complete
    assert route.pages[route.pages.index("child") + 1] == "child-999"


def test_identified_needs_contact_details():
    answers = _minimal(contact={"contact": "identified"})
    assert flows.journey_path(answers).missing == "contact-details"


def test_answers_from_an_abandoned_branch_are_left_behind():
    answers = _minimal(
        when={"when": "now"},
        **{"when-once": {"date": "2025-01-01"}},
        vehicle_items=[{"registration": "AB12CDE"}],
    )
    kept = flows.answers_on_route(answers)
    assert "when-once" not in kept
    assert "vehicle_items" not in kept


def test_back_goes_to_the_previous_page_on_the_route():
    answers = _minimal(danger={"danger": "yes"})
    assert flows.previous_page("about", answers) == "call-999"
    assert flows.previous_page("danger", answers) is None
    assert flows.previous_page("people-list", answers) == "people"
    assert flows.previous_page("person", answers) == "people"
    answers["people_items"] = [{"name": "x"}]
    assert flows.previous_page("person", answers) == "people-list"


def test_pages_off_the_route_may_not_be_visited():
    assert not flows.may_visit("check", {})
    assert not flows.may_visit("about", {})
    assert flows.may_visit("about", {"danger": {"danger": "no"}})
