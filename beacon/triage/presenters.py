"""Turning a decrypted report document (docs/report-content.md) into rows for the detail page."""

import datetime as dt

from beacon.reporting.identifiers import PLATFORM_CHOICES, phone_display
from beacon.reporting.models import CATEGORY_CHOICES

_WHEN = {
    "now": "Happening now (when reported)",
    "once": "Happened once",
    "ongoing": "Happens regularly or is still going on",
    "unknown": "Not sure",
}
_HOW = {
    "saw": "Saw it themselves",
    "told": "Someone told them",
    "heard": "Heard about it",
    "other": "Another way",
}
_YES_NO = {"yes": "Yes", "no": "No", "unknown": "Not known", True: "Yes", False: "No", None: "Not known"}


def _date(value) -> str:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day.day} {day:%B %Y}"


def _join(*parts) -> str:
    return ", ".join(str(p) for p in parts if p not in (None, "", []))


def content_rows(content: dict) -> list[dict]:
    """[{"key": label, "lines": [text, ...]}] in the order staff read a report."""
    if not isinstance(content, dict):
        return []
    labels = dict(CATEGORY_CHOICES)
    platforms = dict(PLATFORM_CHOICES)
    rows = []

    def row(key, lines):
        lines = [str(line) for line in lines if line not in (None, "")]
        rows.append({"key": key, "lines": lines or ["None given"]})

    row("Anyone in immediate danger", [_YES_NO.get(bool(content.get("immediate_danger")))])
    row("What it is about", [labels.get(c, c) for c in content.get("categories") or []])
    where = content.get("where") or {}
    row("Where", [where.get("address"), where.get("postcode"), where.get("description")])
    when = content.get("when") or {}
    when_lines = [_WHEN.get(when.get("kind"), when.get("kind"))]
    if when.get("date") or when.get("time"):
        when_lines.append(_join(_date(when.get("date")) if when.get("date") else "", when.get("time")))
    if when.get("since"):
        when_lines.append(f"Since: {when['since']}")
    if when.get("times"):
        when_lines.append("Times: " + ", ".join(str(t) for t in when["times"]))
    row("When", when_lines)
    row(
        "People",
        [
            _join(
                p.get("name") or "Name not given",
                f"age {p['age']}" if p.get("age") else "",
                p.get("description"),
                "a child" if p.get("is_child") is True else "",
            )
            for p in content.get("people") or []
            if isinstance(p, dict)
        ],
    )
    row(
        "Vehicles",
        [
            _join(
                (v.get("registration") or "No registration") + (" (partial)" if v.get("partial") else ""),
                v.get("colour"),
                v.get("make"),
                v.get("model"),
            )
            for v in content.get("vehicles") or []
            if isinstance(v, dict)
        ],
    )
    row("Phone numbers", [phone_display(str(p)) for p in content.get("phones") or []])
    row(
        "Online accounts",
        [
            f"{platforms.get(h.get('platform'), h.get('platform'))}: {h.get('handle')}"
            for h in content.get("handles") or []
            if isinstance(h, dict)
        ],
    )
    child = content.get("child")
    if isinstance(child, dict):
        row(
            "The child or young person",
            [
                f"Age: {child['ages']}" if child.get("ages") else "",
                f"In danger now: {_YES_NO.get(child.get('in_danger'), 'Not known')}",
                child.get("where_known"),
            ],
        )
    row("How they know", [_HOW.get(content.get("how_known"), ""), content.get("how_known_detail")])
    row("Anything else", [content.get("details")])
    contact = content.get("contact")
    if isinstance(contact, dict):
        row(
            "Reporter's contact details",
            [
                contact.get("name"),
                contact.get("email"),
                phone_display(contact["phone"]) if contact.get("phone") else "",
                ("Ways to contact: " + ", ".join(contact["ways"])) if contact.get("ways") else "",
                f"When: {contact['when']}" if contact.get("when") else "",
            ],
        )
    else:
        row(
            "Reporter",
            ["Anonymous: reply through the follow-up question, which they read with their receipt"],
        )
    return rows
