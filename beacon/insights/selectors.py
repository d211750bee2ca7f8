"""Figures for the campaign dashboard, read ONLY through the selectors other apps publish for it:

- beacon.reporting.selectors.report_totals(*, start, end) -> {"total", "by_area"} (each report counted once)
- beacon.reporting.selectors.report_counts(*, start, end) -> [{"category", "area", "count"}] (category ticks)
- beacon.qanda.selectors.question_counts(*, start, end) -> {"asked", "answered"}
- beacon.events.selectors.event_attendance(*, start, end) -> {"events", "people_engaged", ...}
- beacon.feedback.selectors.feedback_summary(*, since, until) -> {"total", "mean", "per_rating"}

A selector whose app has not landed yet counts as zero, so the dashboard works from the first day.
"""

from __future__ import annotations

import datetime
import importlib
from collections import Counter
from dataclasses import dataclass, field

CATEGORY_LABELS = {
    "dealing": "Drug dealing",
    "deal_line": "Deal line phone number",
    "cuckooing": "Cuckooing",
    "child_exploitation": "Child exploitation",
    "gang": "Gang involvement",
    "weapons": "Weapons",
    "other": "Something else",
}
ATTENDANCE_KEYS = ["events", "people_engaged", "young_people_reached", "concerns_raised", "leaflets_given"]
ATTENDANCE_LABELS = {
    "events": "Events held",
    "people_engaged": "People engaged",
    "young_people_reached": "Young people reached",
    "concerns_raised": "Concerns raised",
    "leaflets_given": "Leaflets given",
}
RATINGS = [1, 2, 3, 4, 5]


def _selector(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code.replace("_", " ").capitalize())


@dataclass
class Period:
    """One row of the dashboard: the whole campaign or one of its weeks."""

    label: str
    start: datetime.date
    end: datetime.date
    week_number: int | None = None
    theme: str = ""
    # Reports counted once each, whatever their categories ...
    reports_total: int = 0
    reports_by_area: Counter = field(default_factory=Counter)
    # ... and category ticks: a report can have more than one category, so these add up to more.
    reports_by_category: Counter = field(default_factory=Counter)
    report_rows: list[dict] = field(default_factory=list)
    questions: dict[str, int] = field(default_factory=lambda: {"asked": 0, "answered": 0})
    attendance: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTENDANCE_KEYS, 0))
    feedback: dict = field(
        default_factory=lambda: {"total": 0, "mean": None, "per_rating": dict.fromkeys(RATINGS, 0)}
    )


def period_figures(*, label: str, start: datetime.date, end: datetime.date, **extra) -> Period:
    period = Period(label=label, start=start, end=end, **extra)
    report_totals = _selector("beacon.reporting.selectors", "report_totals")
    if report_totals:
        found = report_totals(start=start, end=end)
        period.reports_total = int(found.get("total", 0))
        for area, count in (found.get("by_area") or {}).items():
            period.reports_by_area[area or "Unknown"] += int(count)
    report_counts = _selector("beacon.reporting.selectors", "report_counts")
    if report_counts:
        for row in report_counts(start=start, end=end):
            count = int(row["count"])
            period.reports_by_category[row["category"]] += count
            period.report_rows.append(
                {"category": row["category"], "area": row["area"] or "Unknown", "count": count}
            )
    question_counts = _selector("beacon.qanda.selectors", "question_counts")
    if question_counts:
        found = question_counts(start=start, end=end)
        period.questions = {"asked": int(found.get("asked", 0)), "answered": int(found.get("answered", 0))}
    event_attendance = _selector("beacon.events.selectors", "event_attendance")
    if event_attendance:
        found = event_attendance(start=start, end=end)
        period.attendance = {key: int(found.get(key, 0) or 0) for key in ATTENDANCE_KEYS}
    feedback_summary = _selector("beacon.feedback.selectors", "feedback_summary")
    if feedback_summary:
        found = feedback_summary(since=start, until=end)
        per_rating = {int(k): int(v) for k, v in (found.get("per_rating") or {}).items()}
        period.feedback = {
            "total": int(found.get("total") or 0),
            "mean": found.get("mean"),
            "per_rating": {rating: per_rating.get(rating, 0) for rating in RATINGS},
        }
    return period


def dashboard_campaigns():
    from beacon.content.models import CampaignPage

    return CampaignPage.objects.all().order_by("-start_date")


def campaign_dashboard(*, campaign) -> dict:
    """The campaign as a whole and week by week, with the categories and areas that appear in it."""
    from beacon.content.models import CampaignWeekPage

    weeks = CampaignWeekPage.objects.child_of(campaign).select_related("theme").order_by("week_number")
    whole = period_figures(label="Whole campaign", start=campaign.start_date, end=campaign.end_date)
    periods = [
        period_figures(
            label=f"Week {week.week_number}",
            start=week.start_date,
            end=week.end_date,
            week_number=week.week_number,
            theme=week.theme.name if week.theme else "",
        )
        for week in weeks
    ]
    categories = sorted(
        set(whole.reports_by_category) | {c for p in periods for c in p.reports_by_category},
        key=category_label,
    )
    areas = sorted(set(whole.reports_by_area) | {a for p in periods for a in p.reports_by_area})
    return {"campaign": campaign, "whole": whole, "weeks": periods, "categories": categories, "areas": areas}


def dashboard_csv_rows(*, dashboard: dict) -> list[list]:
    """The same figures as the page, one row per period and measure (long format, easy to pivot)."""
    rows: list[list] = [["period", "week", "theme", "start", "end", "measure", "breakdown", "value"]]
    for period in [dashboard["whole"], *dashboard["weeks"]]:
        base = [
            period.label,
            period.week_number or "",
            period.theme,
            period.start.isoformat(),
            period.end.isoformat(),
        ]
        rows.append([*base, "reports", "all", period.reports_total])
        for code in dashboard["categories"]:
            rows.append(
                [*base, "reports by category", category_label(code), period.reports_by_category.get(code, 0)]
            )
        for area in dashboard["areas"]:
            rows.append([*base, "reports by area", area, period.reports_by_area.get(area, 0)])
        rows.append([*base, "questions", "asked", period.questions["asked"]])
        rows.append([*base, "questions", "answered", period.questions["answered"]])
        for key in ATTENDANCE_KEYS:
            rows.append([*base, "event attendance", ATTENDANCE_LABELS[key], period.attendance[key]])
        rows.append([*base, "feedback", "responses", period.feedback["total"]])
        rows.append(
            [
                *base,
                "feedback",
                "mean rating",
                "" if period.feedback["mean"] is None else period.feedback["mean"],
            ]
        )
        for rating in RATINGS:
            rows.append([*base, "feedback", f"rating {rating}", period.feedback["per_rating"][rating]])
    return rows
