"""The "report a concern" journey as data: the pages, their order, and where each answer leads.

Each page is a slug under /report/. `NEXT` says where a page goes once answered: a plain slug, or a
`Branch` on one of its answers. `journey_path(answers)` walks the journey with the answers given so far
and returns the pages on the route plus the first page still to answer, which is what the views use to
decide where the reporter may go, where "Back" leads, and whether "Check your answers" is reachable.
Answers are held per page in the session: `answers[slug] = {field: value}`; the add-another lists are
held under `answers["people_items"]`, `["vehicle_items"]` and `["number_items"]`.
"""

from dataclasses import dataclass, field

START = "danger"
CHECK = "check"

PAGE_ORDER = (
    "danger",
    "call-999",
    "about",
    "where",
    "when",
    "when-once",
    "when-ongoing",
    "people",
    "person",
    "people-list",
    "vehicles",
    "vehicle",
    "vehicles-list",
    "numbers",
    "number",
    "numbers-list",
    "child-involved",
    "child",
    "child-999",
    "how",
    "details",
    "files",
    "contact",
    "contact-details",
    "check",
)

# Pages that only tell the reporter something; they count as answered once reached.
INTERRUPTS = {"call-999", "child-999"}
# Add-another pages: the page that adds one item, and where its list is kept.
ITEM_PAGES = {"person": "people_items", "vehicle": "vehicle_items", "number": "number_items"}
LIST_PAGES = {"people-list": "people_items", "vehicles-list": "vehicle_items", "numbers-list": "number_items"}
LIST_QUESTION = {"people-list": "people", "vehicles-list": "vehicles", "numbers-list": "numbers"}
ITEM_LIST_PAGE = {"person": "people-list", "vehicle": "vehicles-list", "number": "numbers-list"}

TITLES = {
    "danger": "Is anyone in immediate danger?",
    "call-999": "Call 999 now",
    "about": "What is your concern about?",
    "where": "Where is it happening?",
    "when": "When is it happening?",
    "when-once": "When did it happen?",
    "when-ongoing": "How long has it been going on?",
    "people": "Can you tell us about anyone involved?",
    "person": "Tell us about the person",
    "people-list": "People you have told us about",
    "vehicles": "Is there a vehicle involved?",
    "vehicle": "Tell us about the vehicle",
    "vehicles-list": "Vehicles you have told us about",
    "numbers": "Do you know any phone numbers or online accounts used?",
    "number": "Add a phone number or online account",
    "numbers-list": "Phone numbers and accounts you have told us about",
    "child-involved": "Is a child or young person involved?",
    "child": "Tell us about the child or young person",
    "child-999": "If a child is in danger now, call 999",
    "how": "How do you know about this?",
    "details": "Is there anything else you want to tell us?",
    "files": "Do you have any photos or documents?",
    "contact": "Do you want to stay anonymous?",
    "contact-details": "How can we contact you safely?",
    "check": "Check your answers before sending your report",
}


@dataclass(frozen=True)
class Branch:
    """Go to `routes[answer]` when the page's `field` has that answer, otherwise to `default`."""

    field: str
    routes: dict = field(default_factory=dict)
    default: str = ""

    def target(self, answer: dict) -> str:
        return self.routes.get(answer.get(self.field), self.default)


@dataclass(frozen=True)
class ChildCheck:
    """Skip the "is a child involved?" question when the answers already say so."""

    def target(self, answers: dict) -> str:
        return "child" if child_implied(answers) else "child-involved"


NEXT = {
    "danger": Branch("danger", {"yes": "call-999"}, "about"),
    "call-999": "about",
    "about": "where",
    "where": "when",
    "when": Branch("when", {"once": "when-once", "ongoing": "when-ongoing"}, "people"),
    "when-once": "people",
    "when-ongoing": "people",
    "people": Branch("people", {"yes": "person"}, "vehicles"),
    "person": "people-list",
    "people-list": "vehicles",
    "vehicles": Branch("vehicles", {"yes": "vehicle"}, "numbers"),
    "vehicle": "vehicles-list",
    "vehicles-list": "numbers",
    "numbers": Branch("numbers", {"yes": "number"}, ChildCheck()),
    "number": "numbers-list",
    "numbers-list": ChildCheck(),
    "child-involved": Branch("child", {"yes": "child"}, "how"),
    "child": Branch("in_danger", {"yes": "child-999"}, "how"),
    "child-999": "how",
    "how": "details",
    "details": "files",
    "files": "contact",
    "contact": Branch("contact", {"identified": "contact-details"}, CHECK),
    "contact-details": CHECK,
}


def is_follow_up(slug: str, following: str) -> bool:
    """`following` asks for the details of an answer given on `slug` (when it happened, how to contact you):
    a change to that answer shows it again, so that the details can be changed too. Lists are not follow-ups:
    their items have change links of their own."""
    rule = NEXT[slug]
    return isinstance(rule, Branch) and following in rule.routes.values() and following not in ITEM_PAGES


def child_implied(answers: dict) -> bool:
    """The answers already say a child is involved: the category, or a person marked as a child."""
    if "child_exploitation" in answers.get("about", {}).get("categories", []):
        return True
    people_on = answers.get("people", {}).get("people") == "yes"
    return people_on and any(item.get("is_child") == "yes" for item in answers.get("people_items", []))


def is_answered(slug: str, answers: dict) -> bool:
    if slug in INTERRUPTS:
        return True
    if slug in ITEM_PAGES:
        return bool(answers.get(ITEM_PAGES[slug]))
    if slug in LIST_PAGES:
        return bool(answers.get(LIST_PAGES[slug])) and slug in answers
    return slug in answers


def next_page(slug: str, answers: dict) -> str:
    rule = NEXT[slug]
    while not isinstance(rule, str):
        rule = rule.target(answers) if isinstance(rule, ChildCheck) else rule.target(answers.get(slug, {}))
    return rule


@dataclass(frozen=True)
class Route:
    pages: tuple  # every page on the route up to and including the first unanswered one (or "check")
    missing: str | None  # the first page still to answer, or None when all are answered

    @property
    def complete(self) -> bool:
        return self.missing is None


def journey_path(answers: dict) -> Route:
    pages = []
    slug = START
    for _ in range(len(PAGE_ORDER) + 1):  # the journey has no loops; this only bounds a bad answer set
        pages.append(slug)
        if slug == CHECK:
            return Route(tuple(pages), None)
        if not is_answered(slug, answers):
            return Route(tuple(pages), slug)
        slug = next_page(slug, answers)
    raise RuntimeError("The reporting journey did not reach its end")  # pragma: no cover


def previous_page(slug: str, answers: dict) -> str | None:
    """Where "Back" goes: the page before this one on the route (None on the first page)."""
    if slug in ITEM_PAGES:  # the add-item form: back to the list if there is one, else the question
        list_page = ITEM_LIST_PAGE[slug]
        return list_page if answers.get(ITEM_PAGES[slug]) else LIST_QUESTION[list_page]
    if slug in LIST_PAGES:
        return LIST_QUESTION[slug]
    pages = journey_path(answers).pages
    if slug in pages and pages.index(slug) > 0:
        return pages[pages.index(slug) - 1]
    return None


def may_visit(slug: str, answers: dict) -> bool:
    return slug in journey_path(answers).pages


def answers_on_route(answers: dict) -> dict:
    """Only the answers on the current route: a changed branch leaves its old answers behind."""
    pages = set(journey_path(answers).pages)
    kept = {slug: value for slug, value in answers.items() if slug in pages}
    for item_page, key in ITEM_PAGES.items():
        if item_page in pages:
            kept[key] = answers.get(key, [])
    return kept
