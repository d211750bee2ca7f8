"""The sealed report document: built from the journey's answers, checked and normalised for storage.

The shape is described in docs/report-content.md. `from_journey()` turns the per-page session answers
into it; `normalise()` checks any document (from the journey, the demo data or another app's tests)
before it is sealed, so that everything sealed is in one well-formed shape.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

from beacon.core.forms import clean_text

from . import flows, identifiers
from .models import CATEGORY_CODES

VERSION = 1
_YES_NO_UNKNOWN = {"yes": True, "no": False}


def from_journey(answers: dict) -> dict:
    """The document for the answers on the current route (answers left on an abandoned branch are dropped)."""
    a = flows.answers_on_route(answers)
    when_kind = a.get("when", {}).get("when", "unknown")
    when = {"kind": when_kind}
    if when_kind == "once":
        when.update(
            {"date": a.get("when-once", {}).get("date", ""), "time": a.get("when-once", {}).get("time", "")}
        )
    elif when_kind == "ongoing":
        ongoing = a.get("when-ongoing", {})
        when.update({"since": ongoing.get("since", ""), "times": ongoing.get("times", [])})

    people = [
        {
            "name": item.get("name", ""),
            "age": item.get("age", ""),
            "description": item.get("description", ""),
            "is_child": _YES_NO_UNKNOWN.get(item.get("is_child")),
        }
        for item in a.get("people_items", [])
    ]
    vehicles = [
        {key: item.get(key, "") for key in ("registration", "make", "model", "colour")}
        for item in a.get("vehicle_items", [])
    ]
    phones = [item["phone"] for item in a.get("number_items", []) if item.get("phone")]
    handles = [
        {"platform": item["platform"], "handle": item["handle"]}
        for item in a.get("number_items", [])
        if item.get("handle")
    ]
    child = None
    if "child" in a:
        details = a["child"]
        child = {
            "ages": details.get("ages", ""),
            "in_danger": details.get("in_danger", "unknown"),
            "where_known": details.get("where_known", ""),
        }
    contact = None
    if a.get("contact", {}).get("contact") == "identified" and "contact-details" in a:
        details = a["contact-details"]
        contact = {key: details.get(key, "") for key in ("name", "email", "phone", "when")}
        contact["ways"] = details.get("ways", [])
    where = a.get("where", {})
    return {
        "version": VERSION,
        "immediate_danger": a.get("danger", {}).get("danger") == "yes",
        "categories": a.get("about", {}).get("categories", []),
        "where": {key: where.get(key, "") for key in ("address", "postcode", "description")},
        "when": when,
        "people": people,
        "vehicles": vehicles,
        "phones": phones,
        "handles": handles,
        "child_involved_answer": a.get("child-involved", {}).get("child", "yes" if child else ""),
        "child": child,
        "how_known": a.get("how", {}).get("how", ""),
        "how_known_detail": a.get("how", {}).get("detail", ""),
        "details": a.get("details", {}).get("details", ""),
        "contact": contact,
    }


def _text(value, *, limit: int, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text")
    value = clean_text(value)
    if len(value) > limit:
        raise ValidationError(f"{what} must be {limit:,} characters or fewer")
    return value


def normalise(document: dict) -> dict:
    """A checked copy of a report document. Raises ValidationError for anything malformed."""
    if not isinstance(document, dict):
        raise ValidationError("A report must be a set of answers")
    long_limit = settings.BEACON_REPORT_TEXT_MAX
    categories = document.get("categories") or []
    if not isinstance(categories, list) or not categories or any(c not in CATEGORY_CODES for c in categories):
        raise ValidationError("Select what your concern is about")
    categories = [code for code in CATEGORY_CODES if code in categories]

    where_in = document.get("where") or {}
    where = {
        "address": _text(where_in.get("address"), limit=500, what="The address"),
        "postcode": "",
        "description": _text(where_in.get("description"), limit=1000, what="The description of the place"),
    }
    if where_in.get("postcode"):
        postcode = identifiers.postcode_normalise(str(where_in["postcode"]))
        where["postcode"] = postcode.full or postcode.district

    when_in = document.get("when") or {}
    kind = when_in.get("kind", "unknown")
    if kind not in {"now", "once", "ongoing", "unknown"}:
        raise ValidationError("Select when it is happening")
    when = {"kind": kind}
    for key in ("date", "time", "since"):
        if when_in.get(key):
            when[key] = _text(when_in[key], limit=200, what="When it happened")
    if when_in.get("times"):
        when["times"] = [str(t) for t in when_in["times"]][:5]

    people = []
    for person in document.get("people") or []:
        people.append(
            {
                "name": _text(person.get("name"), limit=150, what="A name"),
                "age": _text(person.get("age"), limit=50, what="An age"),
                "description": _text(person.get("description"), limit=1000, what="A description"),
                "is_child": person.get("is_child") if person.get("is_child") in (True, False) else None,
            }
        )
    vehicles = []
    for vehicle in document.get("vehicles") or []:
        registration = ""
        partial = False
        if vehicle.get("registration"):
            parsed = identifiers.registration_normalise(str(vehicle["registration"]))
            registration, partial = parsed.value, parsed.partial
        vehicles.append(
            {
                "registration": registration,
                "partial": partial,
                "make": _text(vehicle.get("make"), limit=50, what="A make"),
                "model": _text(vehicle.get("model"), limit=50, what="A model"),
                "colour": _text(vehicle.get("colour"), limit=50, what="A colour"),
            }
        )
    phones = list(dict.fromkeys(identifiers.phone_normalise(str(p)) for p in document.get("phones") or []))
    handles = []
    for handle in document.get("handles") or []:
        joined = identifiers.handle_normalise(
            platform=handle.get("platform", ""), handle=handle.get("handle", "")
        )
        platform, name = joined.split(":", 1)
        handles.append({"platform": platform, "handle": name})

    child = None
    if document.get("child"):
        child_in = document["child"]
        in_danger = child_in.get("in_danger", "unknown")
        child = {
            "ages": _text(child_in.get("ages"), limit=100, what="Their age"),
            "in_danger": in_danger if in_danger in {"yes", "no", "unknown"} else "unknown",
            "where_known": _text(child_in.get("where_known"), limit=long_limit, what="Where they live"),
        }
    contact = None
    if document.get("contact"):
        contact_in = document["contact"]
        contact = {
            "name": _text(contact_in.get("name"), limit=150, what="Your name"),
            "email": _text(contact_in.get("email"), limit=254, what="Your email address"),
            "phone": identifiers.phone_normalise(contact_in["phone"]) if contact_in.get("phone") else "",
            "ways": [w for w in contact_in.get("ways") or [] if w in {"call", "text", "voicemail", "email"}],
            "when": _text(contact_in.get("when"), limit=200, what="When to contact you"),
        }
        if not contact["email"] and not contact["phone"]:
            raise ValidationError("Enter an email address or a phone number")
    how = document.get("how_known") or ""
    return {
        "version": VERSION,
        "immediate_danger": bool(document.get("immediate_danger")),
        "categories": categories,
        "where": where,
        "when": when,
        "people": people,
        "vehicles": vehicles,
        "phones": phones,
        "handles": handles,
        "child_involved_answer": str(document.get("child_involved_answer") or ("yes" if child else "")),
        "child": child,
        "how_known": how if how in {"saw", "told", "heard", "other"} else "",
        "how_known_detail": _text(document.get("how_known_detail"), limit=long_limit, what="How you know"),
        "details": _text(document.get("details"), limit=long_limit, what="Anything else"),
        "contact": contact,
    }


def child_involved(document: dict) -> bool:
    """The safeguarding flag: a child is described, marked, or the concern is about child exploitation; or a
    person's approximate age is under 18, whatever the reporter answered to "is this person a child?" (a
    missed child costs more than a report looked at twice)."""
    return bool(
        document.get("child")
        or document.get("child_involved_answer") == "yes"
        or "child_exploitation" in document.get("categories", [])
        or any(
            person.get("is_child") is True or _age_under_18(person.get("age") or "")
            for person in document.get("people", [])
        )
    )


def child_not_known(document: dict) -> bool:
    """The reporter answered "I do not know" to "Is a child or young person involved?" and nothing else in the
    report raises the safeguarding flag: a question for triage to ask, not a flag."""
    return document.get("child_involved_answer") == "unknown" and not child_involved(document)


def _age_under_18(age: str) -> bool:
    """An approximate age mentioning a number of years from 1 to 17 ("about 15", "16-17", "17 or 18")."""
    return any(0 < int(number) < 18 for number in re.findall(r"(?<![0-9])[0-9]{1,2}(?![0-9])", age))


def immediate_danger(document: dict) -> bool:
    return bool(document.get("immediate_danger") or (document.get("child") or {}).get("in_danger") == "yes")


def identifier_values(document: dict) -> set[tuple[str, str]]:
    """(kind, normalised value) pairs for the blind indexes. The reporter's own contact details are never
    among them: they must not link a reporter to the people they report."""
    values: set[tuple[str, str]] = set()
    for phone in document.get("phones", []):
        values.add(("phone", phone))
    for vehicle in document.get("vehicles", []):
        if vehicle.get("registration") and not vehicle.get("partial"):
            values.add(("vehicle", vehicle["registration"]))
    postcode = document.get("where", {}).get("postcode", "")
    if " " in postcode:  # a full postcode, not just a district
        values.add(("postcode", postcode))
    for handle in document.get("handles", []):
        values.add(("handle", f"{handle['platform']}:{handle['handle']}"))
    for person in document.get("people", []):
        name = identifiers.name_normalise(person.get("name", ""))
        if name:
            values.add(("name", name))
    return values


def postcode_district(document: dict) -> str:
    postcode = document.get("where", {}).get("postcode", "")
    return postcode.split(" ")[0] if postcode else ""
