"""The triage screens, inside the Wagtail admin (/admin/triage/). Thin: check permission, call one
service or selector, render. Wagtail's own `require_admin_access` already wraps every URL here."""

import re
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from beacon.reporting.crypto import can_decrypt
from beacon.reporting.models import Report, ReportIdentifier
from beacon.reporting.selectors import report_attachments, report_content

from . import forms, selectors, services
from .presenters import content_rows
from .services import (
    PERM_CONTENT,
    PERM_EXPORT,
    PERM_GRADE,
    PERM_NETWORK,
    PERM_SAFEGUARDING,
    PERM_VIEW,
    PERM_WORK,
)

DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


def permission_required(*perms):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated or not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permissions = perms
        return wrapped

    return decorator


def _report(pk: int, within: list[int] | None) -> Report:
    """The report, if it is in the staff member's scope (`within`, from staff_neighbourhoods): a report
    outside their teams is "not found"."""
    try:
        return selectors.report_for_staff(pk=pk, within=within)
    except Report.DoesNotExist:
        raise Http404("No such report") from None


def _scope(request) -> list[int] | None:
    return selectors.staff_neighbourhoods(user=request.user)


def _back(url_name: str, *args, label: str) -> dict:
    return {"url": reverse(url_name, args=args), "label": label}


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Queue --------------------------------------------------------------------------------------------


@require_GET
@permission_required(PERM_VIEW)
def queue(request):
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.QueueFilters()
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    result = selectors.report_queue(filters=filters, page=page, within=_scope(request))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "triage/queue.html",
        {
            "page_title": "Report queue",
            "form": form,
            "result": result,
            "query": params.urlencode(),
            "can_export": request.user.has_perm(PERM_EXPORT),
            "detail_prefix": reverse("triage:detail", args=[0])[: -len("0/")],
            "filtered": bool(request.GET and any(v for k, v in request.GET.items() if k != "page")),
        },
    )


# --- One report ---------------------------------------------------------------------------------------


@require_GET
@permission_required(PERM_VIEW, PERM_CONTENT)
def report_detail(request, pk: int):
    within = _scope(request)  # once: the report, its links and identifier counts are all limited to it
    report = _report(pk, within)
    if not can_decrypt():
        return render(
            request,
            "triage/no_key.html",
            {
                "page_title": f"Report {report.reference}",
                "back": _back("triage:queue", label="Back to the queue"),
            },
            status=503,
        )
    content = report_content(report=report)
    attachments = report_attachments(report=report)
    timeline = selectors.report_timeline(report=report, within=within)
    links = selectors.report_links(report=report, within=within)
    report_identifiers = selectors.report_identifiers(report=report, within=within)
    record = selectors.report_record(report=report, within=within)
    services.report_view_record(
        user=request.user,
        report=report,
        shown=["content", "attachments", "timeline", "links", "record"],
    )
    for duplicate in record["duplicates"]:  # their messages are on this report's timeline
        services.report_view_record(
            user=request.user, report=duplicate, shown=["timeline"], merged_into=report
        )
    user = request.user
    return render(
        request,
        "triage/detail.html",
        {
            "page_title": f"Report {report.reference}",
            "back": _back("triage:queue", label="Back to the report queue"),
            "report": report,
            "content_rows": content_rows(content),
            "attachments": attachments,
            "timeline": timeline,
            "links": links,
            "identifiers": report_identifiers,
            "record": record,
            "target": selectors.response_target(priority=report.priority),
            "is_open": report.status != Report.Status.CLOSED,
            "can_work": user.has_perm(PERM_WORK),
            "can_grade": user.has_perm(PERM_GRADE),
            "can_safeguard": user.has_perm(PERM_SAFEGUARDING),
            "can_network": user.has_perm(PERM_NETWORK),
        },
    )


@require_GET
@permission_required(PERM_VIEW, PERM_CONTENT)
def attachment(request, pk: int, attachment_id: int):
    report = _report(pk, _scope(request))
    found = selectors.attachment_for_staff(report=report, attachment_id=attachment_id)
    if found is None:
        raise Http404("No such file")
    services.attachment_view_record(user=request.user, report=report, attachment_id=attachment_id)
    response = HttpResponse(found["data"], content_type=found["content_type"])
    response["Content-Disposition"] = f'attachment; filename="{found["download_name"]}"'
    response["Cache-Control"] = "no-store"
    return response


def _action(request, pk, *, form_class, template, title, perform, success, form_kwargs=None, lead=""):
    """GET shows the form; POST validates it and calls the service; refusals show on the form."""
    report = _report(pk, _scope(request))
    form_kwargs = form_kwargs or {}
    form = form_class(request.POST or None, report=report, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            perform(report, form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("triage:detail", pk=report.pk)
    return render(
        request,
        template,
        {
            "page_title": f"{title}: report {report.reference}",
            "back": _back("triage:detail", report.pk, label=f"Back to report {report.reference}"),
            "title": title,
            "lead": lead,
            "report": report,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def assess(request, pk: int):
    def perform(report, data):
        services.assessment_record(
            user=request.user,
            report=report,
            expected_version=data["version"],
            **{
                k: data[k] for k in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
            },
        )

    return _action(
        request,
        pk,
        form_class=forms.AssessmentForm,
        template="triage/form.html",
        title="Risk assessment (THRIVE)",
        perform=perform,
        success="Risk assessment recorded.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_GRADE)
def grade(request, pk: int):
    def perform(report, data):
        services.grading_record(
            user=request.user,
            report=report,
            expected_version=data["version"],
            source=data["source"],
            intelligence=data["intelligence"],
            handling=data["handling"],
            conditions=data.get("conditions") or "",
        )

    return _action(
        request,
        pk,
        form_class=forms.GradingForm,
        template="triage/form.html",
        title="Intelligence grading (3x5x2)",
        perform=perform,
        success="Grading recorded.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def route(request, pk: int):
    def perform(report, data):
        handed_back = services.report_route(
            user=request.user,
            report=report,
            expected_version=data["version"],
            neighbourhood=data["neighbourhood"],
        )
        if handed_back:
            messages.warning(
                request,
                "The person it was assigned to cannot open reports in that team, so it is no longer assigned. "
                "Assign it to someone in the new team.",
            )

    report = _report(pk, _scope(request))
    return _action(
        request,
        pk,
        form_class=forms.RouteForm,
        template="triage/form.html",
        title="Route to a neighbourhood team",
        perform=perform,
        success="Routing saved.",
        form_kwargs={"initial": {"neighbourhood": report.neighbourhood_id}},
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def assign(request, pk: int):
    def perform(report, data):
        services.report_assign(
            user=request.user, report=report, expected_version=data["version"], assignee=data["assignee"]
        )

    report = _report(pk, _scope(request))
    return _action(
        request,
        pk,
        form_class=forms.AssignForm,
        template="triage/form.html",
        title="Assign",
        perform=perform,
        success="Report assigned.",
        form_kwargs={"staff": selectors.staff_who_can_work(report=report)},
    )


def _confirm(request, pk, *, service, title, success, lead=""):
    """An action with nothing to fill in: a page that says what it does, and a button."""

    def perform(report, data):
        service(user=request.user, report=report, expected_version=data["version"])

    return _action(
        request,
        pk,
        form_class=forms.ConfirmForm,
        template="triage/form.html",
        title=title,
        perform=perform,
        success=success,
        lead=lead,
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def mark_actioned(request, pk: int):
    return _confirm(
        request,
        pk,
        service=services.report_mark_actioned,
        title="Mark as actioned",
        success="Report marked as actioned.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def child_involved(request, pk: int):
    return _confirm(
        request,
        pk,
        service=services.report_child_involved_record,
        title="Record that a child is involved",
        success="Report marked as involving a child. A safeguarding lead must record a safeguarding decision "
        "before it can be closed.",
        lead="This raises the report\u2019s priority, as if the reporter had said a child is involved, and a "
        "safeguarding lead must then record a safeguarding decision before the report can be closed. It "
        "cannot be undone.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def child_not_involved(request, pk: int):
    return _confirm(
        request,
        pk,
        service=services.report_child_not_involved_record,
        title="Record that no child is involved",
        success="Report marked as not involving a child.",
        lead="The reporter did not know whether a child is involved. Record this only once you know that no "
        "child or young person is involved, for example from the reporter\u2019s answer to a question. The "
        "report will no longer be listed as \u201cNot known if a child is involved\u201d.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def close(request, pk: int):
    def perform(report, data):
        services.report_close(
            user=request.user,
            report=report,
            expected_version=data["version"],
            kind=data["kind"],
            crime_reference=data.get("crime_reference") or "",
            reason=data.get("reason") or "",
            duplicate_of=data.get("original"),
        )

    return _action(
        request,
        pk,
        form_class=forms.CloseForm,
        template="triage/form.html",
        title="Close with an outcome",
        perform=perform,
        success="Report closed.",
        form_kwargs={"within": _scope(request)},
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_SAFEGUARDING)
def safeguarding(request, pk: int):
    def perform(report, data):
        services.safeguarding_decision_record(
            user=request.user,
            report=report,
            expected_version=data["version"],
            referred=data["referred"],
            referral_date=data.get("referral_date"),
            referral_reference=data.get("referral_reference") or "",
            no_referral_reason=data.get("no_referral_reason") or "",
        )

    return _action(
        request,
        pk,
        form_class=forms.SafeguardingForm,
        template="triage/form.html",
        title="Safeguarding decision",
        perform=perform,
        success="Safeguarding decision recorded.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_WORK)
def question(request, pk: int):
    report = _report(pk, _scope(request))
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_question_send(user=request.user, report=report, text=form.cleaned_data["text"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Question sent to the reporter.")
            return redirect("triage:detail", pk=report.pk)
    return render(
        request,
        "triage/form.html",
        {
            "page_title": f"Ask the reporter: report {report.reference}",
            "back": _back("triage:detail", report.pk, label=f"Back to report {report.reference}"),
            "title": "Ask the reporter a question",
            "report": report,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- Network view -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(PERM_NETWORK)
def network_search(request):
    """The look-up is posted, and answered with a redirect to the identifier's keyed digest, so that the
    name, number or registration looked up is never in a URL: not in the browser's history, nor in an
    access log. A query string is ignored."""
    form = forms.NetworkSearchForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return redirect("triage:network", kind=form.cleaned_data["kind"], digest=form.cleaned_data["digest"])
    return render(
        request,
        "triage/network_search.html",
        {"page_title": "Linked reports", "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required(PERM_NETWORK, PERM_VIEW)
def network(request, kind: str, digest: str):
    if kind not in ReportIdentifier.Kind.values or not DIGEST_RE.match(digest):
        raise Http404("No such identifier")
    nodes = selectors.identifier_network(kind=kind, digest=digest)
    services.identifier_view_record(user=request.user, kind=kind, report_ids=[n.report.pk for n in nodes])
    label = selectors.identifier_label(kind=kind)
    return render(
        request,
        "triage/network.html",
        {
            "page_title": f"Reports sharing one {label.lower()}",
            "back": _back("triage:network_search", label="Look up another identifier"),
            "kind": kind,
            "label": label,
            "digest": digest,
            "nodes": nodes,
            "limit": selectors.NETWORK_LIMIT,
        },
    )


# --- Exports ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(PERM_VIEW, PERM_CONTENT, PERM_EXPORT)
def export(request):
    chosen_ids = [pk for pk in (forms._int_or_none(v) for v in request.GET.getlist("report")[:5000]) if pk]
    if request.method == "POST":
        form = forms.ExportForm(request.POST)
        if form.is_valid():
            ids = form.chosen_ids()
            if ids:
                reports = list(
                    Report.objects.filter(pk__in=ids).defer("sealed").order_by("received_at", "pk")
                )
            else:
                data = form.cleaned_data
                reports = selectors.exportable_reports(
                    filters=form.filters(),
                    received_from=data.get("received_from"),
                    received_to=data.get("received_to"),
                )
            try:
                exported = services.reports_export(
                    user=request.user, reports=reports, fmt=form.cleaned_data["format"]
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                response = HttpResponse(exported.content, content_type=exported.content_type)
                response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
                response["Cache-Control"] = "no-store"
                return response
        chosen = list(
            Report.objects.filter(
                pk__in=form.chosen_ids() if form.is_bound and hasattr(form, "cleaned_data") else []
            )
            .only("id", "reference")
            .order_by("reference")
        )
    else:
        form = forms.ExportForm(initial={"format": "csv", "reports": ",".join(str(pk) for pk in chosen_ids)})
        chosen = list(Report.objects.filter(pk__in=chosen_ids).only("id", "reference").order_by("reference"))
    return render(
        request,
        "triage/export.html",
        {"page_title": "Export graded reports", "form": form, "chosen": chosen},
        status=400 if form.errors else 200,
    )
