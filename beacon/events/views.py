"""Public events pages, calendar files and the school workshop request form. Thin: forms, selectors,
services and templates do the work."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from beacon.core import throttle
from beacon.core.limits import SMALL_BODY, body_limit
from beacon.core.models import PolicingArea

from . import pagecache, present, selectors
from .forms import EventFilterForm, NearMeForm, WorkshopRequestForm, new_submission_token
from .ical import events_to_ical
from .services import workshop_request_sent_before, workshop_request_submit

PER_PAGE = 20
MAX_PAGE = 500
CONFIRMATION_SALT = "beacon.events.workshop-request"


def _page_number(value) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


@require_safe
def event_list(request):
    key = pagecache.page_key("list", sorted(request.GET.lists()))
    if (body := pagecache.recall(key)) is not None:
        return HttpResponse(body)
    areas = selectors.public_areas()
    form = EventFilterForm(request.GET or None, areas=areas)
    filters = form.filters() if request.GET else {"area_code": "", "kind": "", "query": ""}
    number = _page_number(request.GET.get("page"))
    rows, has_next = selectors.public_event_rows(**filters, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "events/list.html",
        {
            "days": present.rows_by_day(rows),
            "has_next": has_next,
            "next_page": number + 1,
            "previous_page": number - 1,
            "query_string": query.urlencode(),
            "filters": filters,
            "area_choices": form.fields["area"].choices,
            "type_choices": form.fields["type"].choices,
            "page_number": number,
            "filtered": any(filters.values()),
            "area": next((area for area in areas if area.code == filters["area_code"]), None),
        },
    )
    pagecache.remember(key, response.content)
    return response


@require_safe
def event_detail(request, pk: int, slug: str = ""):
    event = selectors.public_event(pk=pk)
    if event is None:
        raise Http404("No such event")
    if slug != event.slug:
        return redirect(event, permanent=True)
    response = render(
        request,
        "events/detail.html",
        {"event": event, "is_past": event.ends_at < timezone.now()},
    )
    return response


@require_safe
def near_me(request):
    form = NearMeForm(request.GET or None)
    if not (request.GET and form.is_valid()):
        return render(request, "events/near_me.html", {"form": form, "results": None})
    postcode = form.cleaned_data["postcode"]
    key = pagecache.page_key("near", postcode)
    if (body := pagecache.recall(key)) is not None:
        return HttpResponse(body)
    latitude, longitude = form.position
    results = [
        present.event_row(row, with_date=True)
        for row in selectors.events_near(latitude=latitude, longitude=longitude)
    ]
    response = render(
        request,
        "events/near_me.html",
        {
            "form": form,
            "results": results,
            "postcode": postcode,
            "radius": f"{settings.BEACON_EVENTS_NEAR_ME_MILES:g}",
        },
    )
    pagecache.remember(key, response.content)
    return response


def _ical_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def event_ical(request, pk: int):
    event = selectors.public_event(pk=pk)
    if event is None:
        raise Http404("No such event")
    body = events_to_ical([event], name=event.title)
    return _ical_response(body, f"event-{event.pk}.ics")


@require_safe
def feed_all(request):
    body = events_to_ical(selectors.feed_events(), name="Events")
    return _ical_response(body, "events.ics")


@require_safe
def feed_area(request, code: str):
    area = get_object_or_404(PolicingArea, code=code)
    body = events_to_ical(
        selectors.feed_events(area_code=area.code),
        name=f"Events in {area.name}",
    )
    return _ical_response(body, f"events-{area.code}.ics")


@require_safe
def feed_campaign(request, slug: str):
    from beacon.content.models import CampaignPage

    campaign = CampaignPage.objects.live().public().filter(slug=slug).first()
    if campaign is None:
        raise Http404("No such campaign")
    body = events_to_ical(
        selectors.feed_events(campaign=campaign),
        name=f"{campaign.title}: events",
    )
    return _ical_response(body, f"events-{campaign.slug}.ics")


@require_safe
def feeds(request):
    from beacon.content.models import CampaignPage

    campaigns = CampaignPage.objects.live().public().order_by("-start_date")[:10]
    return render(request, "events/feeds.html", {"areas": selectors.public_areas(), "campaigns": campaigns})


@body_limit(SMALL_BODY)
@require_http_methods(["GET", "POST"])
def workshop_request(request):
    if request.method == "POST":
        form = WorkshopRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "token": data["token"],
                "school_name": data["school_name"],
                "contact_name": data["contact_name"],
                "email": data["email"],
                "phone": data["phone"],
                "school_postcode": data["school_postcode"],
                "year_groups": data["year_groups"],
                "pupils": data["pupils"],
                "topics": data["topics"],
                "preferred_dates": form.preferred_dates(),
                "accessibility_needs": data["accessibility_needs"],
            }
            # A refresh or a resend of a request already made is confirmed again, and not counted.
            if (sent := workshop_request_sent_before(**fields)) is not None:
                return _workshop_confirmed(sent)
            # Each request emails the address typed in: limit them per client and in total.
            verdict = throttle.check_and_hit(request, "workshop")
            if not verdict.allowed:
                return _workshop_limited(request, form, verdict)
            try:
                result = workshop_request_submit(**fields)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                return _workshop_confirmed(result.request)
    else:
        form = WorkshopRequestForm(initial={"token": new_submission_token()})
    return render(request, "events/workshop_request.html", {"form": form})


def _workshop_confirmed(workshop) -> HttpResponse:
    return redirect("events:workshop_sent", signed=signing.dumps(workshop.pk, salt=CONFIRMATION_SALT))


def _workshop_limited(request, form, verdict: throttle.Verdict) -> HttpResponse:
    form.add_error(
        None,
        f"Several workshop requests have been sent in a short time. Wait {verdict.wait}, then send yours",
    )
    return throttle.refused(render(request, "events/workshop_request.html", {"form": form}), verdict)


def _add_service_errors(form, error: ValidationError) -> None:
    names = {"preferred_dates": "date_1", "school_postcode": "school_postcode"}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = names.get(name, name if name in form.fields else None)
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_safe
def workshop_sent(request, signed: str):
    from .models import WorkshopRequest

    try:
        pk = signing.loads(signed, salt=CONFIRMATION_SALT, max_age=60 * 60 * 24)
    except signing.BadSignature:
        raise Http404("No such request") from None
    workshop = get_object_or_404(WorkshopRequest, pk=pk)
    return render(request, "events/workshop_sent.html", {"workshop": workshop})
