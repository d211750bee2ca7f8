"""The campaign dashboard in the Wagtail admin: thin views over insights.selectors and insights.charts."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import charts
from .selectors import (
    ATTENDANCE_KEYS,
    ATTENDANCE_LABELS,
    RATINGS,
    campaign_dashboard,
    category_label,
    dashboard_campaigns,
    dashboard_csv_rows,
)

PERMISSION = "insights.view_campaign_dashboard"
RATING_LABELS = {1: "1 (very poor)", 2: "2", 3: "3", 4: "4", 5: "5 (very good)"}


def _check(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _campaign(campaign_id: int):
    campaign = dashboard_campaigns().filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such campaign")
    return campaign


class DashboardIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "insights/dashboard_index.html"
    page_title = "Campaign dashboard"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _check(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = dashboard_campaigns()
        return context


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "insights/dashboard.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _check(request)
        self.campaign = _campaign(kwargs["campaign_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Campaign dashboard: {self.campaign.title}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("insights:dashboard_index"), "label": "Campaign dashboard"},
            {"url": "", "label": self.campaign.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = campaign_dashboard(campaign=self.campaign)
        weeks = data["weeks"]
        whole = data["whole"]
        week_labels = [period.label for period in weeks]
        context.update(data)
        context["csv_url"] = reverse("insights:dashboard_csv", args=[self.campaign.pk])
        context["category_rows"] = [
            {
                "label": category_label(code),
                "weeks": [p.reports_by_category.get(code, 0) for p in weeks],
                "total": whole.reports_by_category.get(code, 0),
            }
            for code in data["categories"]
        ]
        context["area_rows"] = [
            {
                "label": area,
                "weeks": [p.reports_by_area.get(area, 0) for p in weeks],
                "total": whole.reports_by_area.get(area, 0),
            }
            for area in data["areas"]
        ]
        context["attendance_rows"] = [
            {
                "label": ATTENDANCE_LABELS[key],
                "weeks": [p.attendance[key] for p in weeks],
                "total": whole.attendance[key],
            }
            for key in ATTENDANCE_KEYS
        ]
        context["rating_rows"] = [
            {
                "label": RATING_LABELS[rating],
                "weeks": [p.feedback["per_rating"][rating] for p in weeks],
                "total": whole.feedback["per_rating"][rating],
            }
            for rating in RATINGS
        ]
        context["charts"] = {
            "reports_by_week": charts.grouped_bar_chart(
                title="Reports received each week",
                description=(
                    f"Bar chart of reports received in each week of {self.campaign.title}: "
                    + ", ".join(f"{p.label} {p.reports_total}" for p in weeks)
                    + f". {whole.reports_total} in the whole campaign."
                ),
                labels=week_labels,
                series=[charts.Series("Reports", [p.reports_total for p in weeks])],
                slug="reports-week",
            ),
            "reports_by_category": charts.horizontal_bar_chart(
                title="Reports by category, whole campaign",
                description="Bar chart of reports in each category over the whole campaign: "
                + (
                    ", ".join(f"{row['label']} {row['total']}" for row in context["category_rows"])
                    or "none yet"
                )
                + ". A report can have more than one category.",
                labels=[row["label"] for row in context["category_rows"]],
                values=[row["total"] for row in context["category_rows"]],
                slug="reports-category",
            ),
            "reports_by_area": charts.horizontal_bar_chart(
                title="Reports by area, whole campaign",
                description="Bar chart of reports from each neighbourhood over the whole campaign: "
                + (", ".join(f"{row['label']} {row['total']}" for row in context["area_rows"]) or "none yet")
                + ".",
                labels=[row["label"] for row in context["area_rows"]],
                values=[row["total"] for row in context["area_rows"]],
                slug="reports-area",
            ),
            "questions": charts.grouped_bar_chart(
                title="Questions asked and answered each week",
                description="Bar chart of Q&A questions asked and answered in each week: "
                + ", ".join(
                    f"{p.label} {p.questions['asked']} asked, {p.questions['answered']} answered"
                    for p in weeks
                )
                + ".",
                labels=week_labels,
                series=[
                    charts.Series("Asked", [p.questions["asked"] for p in weeks]),
                    charts.Series("Answered", [p.questions["answered"] for p in weeks]),
                ],
                slug="questions",
            ),
            "attendance": charts.grouped_bar_chart(
                title="People engaged at events each week",
                description="Bar chart of people engaged and young people reached at events in each week: "
                + ", ".join(
                    f"{p.label} {p.attendance['people_engaged']} people, "
                    f"{p.attendance['young_people_reached']} young people"
                    for p in weeks
                )
                + ".",
                labels=week_labels,
                series=[
                    charts.Series("People engaged", [p.attendance["people_engaged"] for p in weeks]),
                    charts.Series(
                        "Young people reached", [p.attendance["young_people_reached"] for p in weeks]
                    ),
                ],
                slug="attendance",
            ),
            "feedback": charts.horizontal_bar_chart(
                title="Feedback ratings, whole campaign",
                description="Bar chart of how many people gave each rating in the beta feedback form: "
                + ", ".join(f"{row['label']}: {row['total']}" for row in context["rating_rows"])
                + ".",
                labels=[row["label"] for row in context["rating_rows"]],
                values=[row["total"] for row in context["rating_rows"]],
                slug="feedback",
            ),
        }
        return context


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value):
    """Spreadsheets run cells that start like formulas; theme names come from editors, so defuse them."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def dashboard_csv(request, campaign_id: int):
    _check(request)
    campaign = _campaign(campaign_id)
    rows = dashboard_csv_rows(dashboard=campaign_dashboard(campaign=campaign))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.slug}-dashboard.csv"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_safe_cell(value) for value in row])
    return response
