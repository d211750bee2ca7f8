"""The rows of "Check your answers": each answer in plain words with the page that changes it."""

import datetime

from . import flows, identifiers
from .forms import CONTACT_WAYS, TIMES_OF_DAY
from .models import CATEGORY_CHOICES

_WHEN = {
    "now": "It is happening now",
    "once": "It happened once",
    "ongoing": "It happens regularly or is still going on",
    "unknown": "Not sure",
}
_HOW = {
    "saw": "I saw it myself",
    "told": "Someone told me",
    "heard": "I heard about it",
    "other": "Another way",
}
_YES_NO_UNKNOWN = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def _date(value: str) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{day.day} {day:%B %Y}"


def _row(key: str, lines: list[str], page: str) -> dict:
    return {"key": key, "lines": [line for line in lines if line] or ["None"], "page": page}


def summary_rows(answers: dict, uploads: list[dict]) -> list[dict]:
    a = flows.answers_on_route(answers)
    pages = set(flows.journey_path(answers).pages)
    rows = [
        _row(
            "Anyone in immediate danger",
            [_YES_NO_UNKNOWN.get(a.get("danger", {}).get("danger"), "")],
            "danger",
        )
    ]

    labels = dict(CATEGORY_CHOICES)
    rows.append(
        _row(
            "What it is about", [labels.get(c, c) for c in a.get("about", {}).get("categories", [])], "about"
        )
    )

    where = a.get("where", {})
    rows.append(
        _row(
            "Where",
            [where.get("address", ""), where.get("postcode", ""), where.get("description", "")],
            "where",
        )
    )

    when = a.get("when", {}).get("when", "")
    when_lines = [_WHEN.get(when, "")]
    if when == "once":
        once = a.get("when-once", {})
        when_lines += [_date(once.get("date", "")), once.get("time", "")]
    elif when == "ongoing":
        ongoing = a.get("when-ongoing", {})
        times = dict(TIMES_OF_DAY)
        when_lines += [f"Since: {ongoing.get('since', '')}"]
        if ongoing.get("times"):
            when_lines.append(", ".join(times.get(t, t) for t in ongoing["times"]))
    rows.append(_row("When", when_lines, "when"))

    people = a.get("people_items", []) if "person" in pages else []
    people_lines = []
    for person in people:
        parts = [person.get("name") or "Name not known"]
        if person.get("age"):
            parts.append(f"age {person['age']}")
        if person.get("is_child") == "yes":
            parts.append("under 18")
        line = ", ".join(parts)
        if person.get("description"):
            line += f": {person['description']}"
        people_lines.append(line)
    if not people:
        people_lines = [
            {"no": "No one I can describe", "unknown": "I do not know"}.get(
                a.get("people", {}).get("people"), ""
            )
        ]
    rows.append(_row("People", people_lines, "people-list" if people else "people"))

    vehicles = a.get("vehicle_items", []) if "vehicle" in pages else []
    vehicle_lines = []
    for vehicle in vehicles:
        registration = vehicle.get("registration", "")
        if registration and vehicle.get("partial"):
            registration += " (part of the registration)"
        vehicle_lines.append(
            ", ".join(
                p
                for p in (registration, vehicle.get("colour"), vehicle.get("make"), vehicle.get("model"))
                if p
            )
        )
    rows.append(_row("Vehicles", vehicle_lines, "vehicles-list" if vehicles else "vehicles"))

    numbers = a.get("number_items", []) if "number" in pages else []
    platforms = dict(identifiers.PLATFORM_CHOICES)
    number_lines = []
    for item in numbers:
        if item.get("phone"):
            number_lines.append(identifiers.phone_display(item["phone"]))
        if item.get("handle"):
            number_lines.append(
                f"{platforms.get(item.get('platform'), item.get('platform'))}: {item['handle']}"
            )
    rows.append(
        _row("Phone numbers and online accounts", number_lines, "numbers-list" if numbers else "numbers")
    )

    if "child" in a:
        child = a["child"]
        child_lines = [
            f"Age: {child.get('ages', '')}",
            f"In danger now: {_YES_NO_UNKNOWN.get(child.get('in_danger'), '')}",
            child.get("where_known", ""),
        ]
        child_page = "child"
    else:
        child_lines = [_YES_NO_UNKNOWN.get(a.get("child-involved", {}).get("child"), "")]
        child_page = "child-involved"
    rows.append(_row("A child or young person", child_lines, child_page))

    how = a.get("how", {})
    rows.append(_row("How you know", [_HOW.get(how.get("how"), ""), how.get("detail", "")], "how"))
    rows.append(_row("Anything else", [a.get("details", {}).get("details", "")], "details"))
    rows.append(_row("Photos and documents", [u["name"] for u in uploads], "files"))

    anonymous = a.get("contact", {}).get("contact") != "identified"
    rows.append(
        _row("Stay anonymous", ["Yes" if anonymous else "No, I have given contact details"], "contact")
    )
    if not anonymous:
        details = a.get("contact-details", {})
        ways = dict(CONTACT_WAYS)
        rows.append(
            _row(
                "Your contact details",
                [
                    details.get("name", ""),
                    details.get("email", ""),
                    identifiers.phone_display(details["phone"]) if details.get("phone") else "",
                    "Safe ways to contact you: "
                    + ", ".join(ways.get(w, w).lower() for w in details.get("ways", [])),
                    f"When: {details['when']}" if details.get("when") else "",
                ],
                "contact-details",
            )
        )
    return rows
