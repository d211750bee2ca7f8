"""Building export files for the force's records system. The schema is documented in docs/export.md.

What identifies the source is removed according to the handling code:
- always: the reporter's contact details, their receipt, attachments and the message timeline;
- handling code C (sharing with conditions): also how the reporter knows what they reported, which often
  identifies them; the conditions travel with the record.
Only fields on an allow-list leave Beacon, so a field added to the sealed document later is not exported
until someone decides it should be.
"""

import csv
import datetime as dt
import io
import json

from beacon.reporting.models import Report
from beacon.reporting.selectors import report_content

from .models import Assessment, Grading, Outcome, ReportLink, SafeguardingDecision, open_note

SCHEMA = "beacon.report-export/1"
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

ALWAYS_REMOVED = ["contact", "attachments", "messages"]
REMOVED_UNDER_C = ["how_known", "how_known_detail"]

CSV_COLUMNS = [
    "reference",
    "received_at",
    "status",
    "categories",
    "immediate_danger",
    "child_involved",
    "postcode_district",
    "neighbourhood",
    "policing_area",
    "grading",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "harm",
    "risk",
    "outcome",
    "crime_reference",
    "duplicate_of",
    "safeguarding_referred",
    "safeguarding_referral_date",
    "safeguarding_referral_reference",
    "where_address",
    "where_postcode",
    "where_description",
    "when",
    "people",
    "vehicles",
    "phones",
    "handles",
    "child",
    "details",
    "how_known",
    "how_known_detail",
    "source_removed",
    "linked_references",
]


def _text(value) -> str:
    return "" if value is None else str(value)


def _when(when) -> dict:
    return when if isinstance(when, dict) else {}


def _yes_no_unknown(value) -> bool | None:
    """True or False as the reporter answered, None when they did not know: never "not known" as False."""
    return value if value is True or value is False else None


def export_records(*, reports: list[Report], exported_at: dt.datetime) -> list[dict]:
    """One sanitised record per report (JSON-ready), in the order given."""
    ids = [r.pk for r in reports]
    latest_grading = {}
    for grading in Grading.objects.filter(report_id__in=ids).order_by("report_id", "-graded_at", "-id"):
        latest_grading.setdefault(grading.report_id, grading)
    latest_assessment = {}
    for assessment in Assessment.objects.filter(report_id__in=ids).order_by(
        "report_id", "-assessed_at", "-id"
    ):
        latest_assessment.setdefault(assessment.report_id, assessment)
    latest_decision = {}
    for decision in SafeguardingDecision.objects.filter(report_id__in=ids).order_by(
        "report_id", "-decided_at", "-id"
    ):
        latest_decision.setdefault(decision.report_id, decision)
    outcomes = {
        o.report_id: o for o in Outcome.objects.filter(report_id__in=ids).select_related("duplicate_of")
    }
    linked: dict[int, set[int]] = {pk: set() for pk in ids}
    for low, high in ReportLink.objects.filter(low_id__in=ids).values_list("low_id", "high_id"):
        linked[low].add(high)
    for low, high in ReportLink.objects.filter(high_id__in=ids).values_list("low_id", "high_id"):
        linked[high].add(low)
    references = dict(
        Report.objects.filter(pk__in={pk for s in linked.values() for pk in s}).values_list("pk", "reference")
    )

    records: dict[int, dict] = {}
    for report in Report.objects.filter(pk__in=ids).select_related("neighbourhood__area"):
        grading = latest_grading[report.pk]
        content = report_content(report=report) or {}
        removed = list(ALWAYS_REMOVED)
        how_known = content.get("how_known") or ""
        how_known_detail = content.get("how_known_detail") or ""
        if grading.handling == Grading.Handling.C:
            removed += REMOVED_UNDER_C
            how_known = how_known_detail = None
        where = content.get("where") or {}
        assessment = latest_assessment.get(report.pk)
        decision = latest_decision.get(report.pk)
        outcome = outcomes.get(report.pk)
        records[report.pk] = {
            "reference": report.reference,
            "received_at": report.received_at.isoformat(),
            "status": report.status,
            "categories": list(report.categories or []),
            "immediate_danger": report.immediate_danger,
            "child_involved": report.child_involved,
            "postcode_district": report.postcode_district,
            "neighbourhood": report.neighbourhood.name if report.neighbourhood else None,
            "policing_area": report.neighbourhood.area.name if report.neighbourhood else None,
            "grading": {
                "code": grading.code,
                "source_evaluation": grading.source,
                "intelligence_assessment": grading.intelligence,
                "handling_code": grading.handling,
                "handling_conditions": open_note(grading.sealed_conditions),
                "graded_at": grading.graded_at.isoformat(),
            },
            "risk": (
                {
                    "harm": assessment.harm,
                    "risk": assessment.risk,
                    "assessed_at": assessment.assessed_at.isoformat(),
                }
                if assessment
                else None
            ),
            "outcome": (
                {
                    "kind": outcome.kind,
                    "crime_reference": outcome.crime_reference or None,
                    "duplicate_of": outcome.duplicate_of.reference if outcome.duplicate_of else None,
                    "recorded_at": outcome.recorded_at.isoformat(),
                }
                if outcome
                else None
            ),
            "safeguarding": (
                {
                    "referred": decision.referred,
                    "referral_date": decision.referral_date.isoformat() if decision.referral_date else None,
                    "referral_reference": decision.referral_reference or None,
                }
                if decision
                else None
            ),
            "where": {
                "address": _text(where.get("address")),
                "postcode": _text(where.get("postcode")),
                "description": _text(where.get("description")),
            },
            "when": _when(content.get("when")),
            "people": [
                {
                    "name": _text(p.get("name")),
                    "age": _text(p.get("age")),
                    "description": _text(p.get("description")),
                    "is_child": _yes_no_unknown(p.get("is_child")),
                }
                for p in content.get("people") or []
                if isinstance(p, dict)
            ],
            "vehicles": [
                {
                    **{k: _text(v.get(k)) for k in ("registration", "make", "model", "colour")},
                    "partial": bool(v.get("partial")),
                }
                for v in content.get("vehicles") or []
                if isinstance(v, dict)
            ],
            "phones": [_text(p) for p in content.get("phones") or []],
            "handles": [
                {"platform": _text(h.get("platform")), "handle": _text(h.get("handle"))}
                for h in content.get("handles") or []
                if isinstance(h, dict)
            ],
            "child": (
                {
                    k: _text(v)
                    for k, v in content["child"].items()
                    if k in ("ages", "in_danger", "where_known")
                }
                if isinstance(content.get("child"), dict)
                else None
            ),
            "details": _text(content.get("details")),
            "how_known": how_known,
            "how_known_detail": how_known_detail,
            "source_removed": removed,
            "linked_references": sorted(references[pk] for pk in linked[report.pk] if pk in references),
        }
    return [records[pk] for pk in ids if pk in records]


# A cell that starts with one of these is read as a formula by spreadsheet programs: prefix it with an
# apostrophe so that text from a reporter can never run as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif value is None:
        text = ""
    else:
        text = str(value)
    text = text.replace("\x00", "")
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def _describe(items: list[dict], keys: tuple[str, ...]) -> str:
    parts = []
    for item in items:
        words = [str(item.get(k)) for k in keys if item.get(k) not in (None, "", False)]
        if words:
            parts.append(", ".join(words))
    return " | ".join(parts)


def _child(person: dict) -> str:
    """A person's "child: yes" or "child: no" for the CSV; nothing when the reporter did not know."""
    return {True: "child: yes", False: "child: no"}.get(person.get("is_child"), "")


def _flatten(record: dict) -> dict:
    grading = record["grading"]
    risk = record["risk"] or {}
    outcome = record["outcome"] or {}
    safeguarding = record["safeguarding"] or {}
    when = record["when"]
    return {
        "reference": record["reference"],
        "received_at": record["received_at"],
        "status": record["status"],
        "categories": "; ".join(record["categories"]),
        "immediate_danger": record["immediate_danger"],
        "child_involved": record["child_involved"],
        "postcode_district": record["postcode_district"],
        "neighbourhood": record["neighbourhood"],
        "policing_area": record["policing_area"],
        "grading": grading["code"],
        "source_evaluation": grading["source_evaluation"],
        "intelligence_assessment": grading["intelligence_assessment"],
        "handling_code": grading["handling_code"],
        "handling_conditions": grading["handling_conditions"],
        "harm": risk.get("harm"),
        "risk": risk.get("risk"),
        "outcome": outcome.get("kind"),
        "crime_reference": outcome.get("crime_reference"),
        "duplicate_of": outcome.get("duplicate_of"),
        "safeguarding_referred": safeguarding.get("referred") if safeguarding else None,
        "safeguarding_referral_date": safeguarding.get("referral_date"),
        "safeguarding_referral_reference": safeguarding.get("referral_reference"),
        "where_address": record["where"]["address"],
        "where_postcode": record["where"]["postcode"],
        "where_description": record["where"]["description"],
        "when": "; ".join(f"{k}: {v}" for k, v in when.items() if v not in (None, "")),
        "people": _describe(
            [{**p, "child": _child(p)} for p in record["people"]], ("name", "age", "description", "child")
        ),
        "vehicles": _describe(record["vehicles"], ("registration", "make", "model", "colour")),
        "phones": "; ".join(record["phones"]),
        "handles": "; ".join(f"{h['platform']}: {h['handle']}" for h in record["handles"]),
        "child": "; ".join(f"{k}: {v}" for k, v in (record["child"] or {}).items() if v not in (None, "")),
        "details": record["details"],
        "how_known": record["how_known"],
        "how_known_detail": record["how_known_detail"],
        "source_removed": "; ".join(record["source_removed"]),
        "linked_references": "; ".join(record["linked_references"]),
    }


def render(*, records: list[dict], fmt: str, exported_at: dt.datetime) -> bytes:
    if fmt == "json":
        document = {"schema": SCHEMA, "exported_at": exported_at.isoformat(), "reports": records}
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _cell(value) for key, value in _flatten(record).items()})
    # A byte order mark so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
