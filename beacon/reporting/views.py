"""The "report a concern" pages: one small view per page of the journey, and the follow-up pages.

These views never log anything about the request (no address, no user agent, no path with answers).
Every POST is size-checked before anything reads its body (the CSRF check included).
"""

import functools
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from beacon.core import throttle
from beacon.core.limits import SMALL_BODY
from beacon.core.limits import body_limit as core_body_limit
from beacon.core.uploads import upload_was_cut

from . import document, flows, forms, selectors, services
from .journey import DONE_KEY, Journey
from .summary import summary_rows
from .uploads import safe_name

# The body ended inside a file (beacon/core/uploads.py): say so rather than carry on without it.
UPLOAD_CUT = "The file did not finish uploading. Check your internet connection and choose the file again"


def _upload_body_limit() -> int:
    return settings.BEACON_REPORT_MAX_FILE_BYTES + 1024 * 1024


def _reply_body_limit() -> int:
    return settings.BEACON_REPORT_REPLY_MAX_FILES * settings.BEACON_REPORT_MAX_FILE_BYTES + 1024 * 1024


def body_limit(limit, *, upload: bool = False, back: str = ""):
    """The public forms' size check (beacon.core.limits.body_limit) with the journey's own page, which says
    whether the file or the answer was too big and that the earlier answers are kept."""
    return core_body_limit(
        limit,
        back=back,
        template="reporting/too_large.html",
        context=lambda: {"upload": upload, "max_mb": settings.BEACON_REPORT_MAX_FILE_BYTES // (1024 * 1024)},
    )


def page_url(slug: str, change: bool = False, **params) -> str:
    url = _page_path(get_script_prefix(), slug)
    query = [f"{key}={value}" for key, value in params.items()]
    if change:
        query.append("change=1")
    return url + ("?" + "&".join(query) if query else "")


@functools.cache
def _page_path(prefix: str, slug: str) -> str:
    """A journey page's path: the URLconf is fixed for the life of a process, so it is reversed once per
    page (and script prefix), not on every request for the Back link and the redirect."""
    return reverse(f"reporting:{slug}")


def expired(request):
    return render(request, "reporting/expired.html", {"title": "Your answers have been deleted"})


@require_safe
@never_cache
def expired_page(request):
    """Where the timeout warning (core/timeout-warning.js) takes a journey page once its answers are gone from the
    server (deleted for want of activity, or sent or deleted in another tab), so that they leave the screen too."""
    return expired(request)


def _journey_status(request, remaining: int | None = None) -> JsonResponse:
    session = request.session
    expiry = getattr(session, "loaded_expiry", None)
    if Journey.load(session) is None or (remaining is None and expiry is None):
        return JsonResponse({"active": False})
    if remaining is None:
        remaining = max(0, int((expiry - timezone.now()).total_seconds()))
    return JsonResponse(
        {
            "active": True,
            "remaining": remaining,
            "warn": settings.BEACON_REPORT_IDLE_WARNING_SECONDS,
            "csrf": get_token(request),  # for "Keep my answers"; only this site's pages can read it
        }
    )


@require_safe
@never_cache
def journey_session(request):
    """How many seconds the answers in progress have left, for the timeout warning on the journey's pages.
    Asking is not activity: it never moves the expiry, so answers left on a screen are still deleted on time."""
    request.session.keep_expiry = True
    return _journey_status(request)


@body_limit(SMALL_BODY, back="reporting:start")
@never_cache
@require_POST
def journey_keep(request):
    """The warning's "Keep my answers": the answers, and any files, are kept for another SESSION_COOKIE_AGE."""
    journey = Journey.load(request.session)
    if journey is None:
        return JsonResponse({"active": False}, status=403)  # deleted already: nothing to keep
    journey.keep_files()
    request.session.modified = True  # saved, with a fresh expiry, as the response goes
    return _journey_status(request, remaining=request.session.get_expiry_age())


def limited(request, verdict: throttle.Verdict, *, back: str, answers_kept: bool = True):
    """The wait page, with a way back to the page that was refused once the wait is over."""
    context = {"minutes": verdict.minutes, "back": back, "answers_kept": answers_kept}
    return throttle.refused(render(request, "reporting/limited.html", context), verdict)


# --- The start page ----------------------------------------------------------------------------------


@require_safe
@never_cache
def start(request):
    return render(
        request,
        "reporting/start.html",
        {
            "response_time": settings.BEACON_REPORT_RESPONSE_TIME,
            "in_progress": Journey.load(request.session) is not None,
            "max_files": settings.BEACON_REPORT_MAX_FILES,
        },
    )


# --- Question pages ----------------------------------------------------------------------------------


_BLANK_PAGES: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_blank_pages(**kwargs) -> None:
    """A blank page holds what settings said when it was rendered (the timeout warning's timings, for one): a
    setting changed while the process runs (tests do) renders them again."""
    _BLANK_PAGES.clear()


_TOKEN_PLACEHOLDER = f"csrf-placeholder-{secrets.token_hex(16)}"


class StepView(View):
    slug = ""
    form_class = None
    template_name = "reporting/step.html"
    button = "Continue"
    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, *args, **kwargs):
        self.journey = Journey.load(request.session)
        if self.journey is None:
            if DONE_KEY in request.session:
                # Sent, and its confirmation not yet seen (a second click, or Back): show that, not "expired".
                return redirect("reporting:done")
            if self.slug == flows.START and request.method in ("GET", "HEAD"):
                self.journey = Journey.begin(request.session)
            else:
                return expired(request)
        self.journey.keep_files()
        self.change = request.GET.get("change") == "1"
        if not flows.may_visit(self.slug, self.answers):
            return redirect(page_url(flows.journey_path(self.answers).missing or flows.CHECK))
        return super().dispatch(request, *args, **kwargs)

    @property
    def answers(self) -> dict:
        return self.journey.answers

    def back_url(self) -> str:
        if self.change:
            return page_url(flows.CHECK)
        previous = flows.previous_page(self.slug, self.answers)
        return page_url(previous) if previous else reverse("reporting:start")

    def next_url(self) -> str:
        following = flows.next_page(self.slug, self.answers)
        if following in flows.INTERRUPTS or (self.change and flows.is_follow_up(self.slug, following)):
            return page_url(following, self.change)
        if self.change:
            # Back to check your answers, by way of any question the change has opened (and only those).
            missing = flows.journey_path(self.answers).missing
            return page_url(missing, True) if missing else page_url(flows.CHECK)
        return page_url(following, self.change)

    def initial(self) -> dict:
        """The page's answer so far, as its form's initial values."""
        return self.form_class.initial_from(self.answers.get(self.slug))

    def get_form(self, data=None):
        if data is not None:
            return self.form_class(data)
        return self.form_class(initial=self.initial())

    def context(self, **extra) -> dict:
        return {
            "title": flows.TITLES[self.slug],
            "back_url": self.back_url(),
            "button": self.button,
            "change": self.change,
            **extra,
        }

    def render(self, form, status=200, **extra):
        return render(self.request, self.template_name, self.context(form=form, **extra), status=status)

    def get(self, request, *args, **kwargs):
        if type(self).render is StepView.render and not any(self.initial().values()):
            return self.blank_page()
        return self.render(self.get_form())

    def blank_page(self):
        """A question not yet answered looks the same for everyone: its HTML depends only on the page,
        where "Back" leads and whether the reporter is changing an answer. It is rendered once per process
        with a placeholder where the CSRF token goes, and the visitor's own token is put in each time."""
        key = (self.template_name, self.request.path, self.back_url(), self.change)
        html = _BLANK_PAGES.get(key)
        if html is None:
            context = self.context(form=self.get_form(), request=self.request, csrf_token=_TOKEN_PLACEHOLDER)
            context["BEACON_PHASE"] = settings.BEACON_PHASE
            html = render_to_string(self.template_name, context)
            if len(_BLANK_PAGES) < 500:
                _BLANK_PAGES[key] = html
        return HttpResponse(html.replace(_TOKEN_PLACEHOLDER, get_token(self.request)))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render(form)
        self.save(form)
        return redirect(self.next_url())

    def save(self, form) -> None:
        self.journey.set_answer(self.slug, form.to_answer())


class DangerView(StepView):
    slug = "danger"
    form_class = forms.DangerForm


class InterruptView(StepView):
    """A page that tells the reporter something (call 999) and lets them carry on."""

    template_name = "reporting/interrupt.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(next_url=self.next_url(), slug=self.slug))

    def post(self, request, *args, **kwargs):
        return redirect(self.next_url())


class Call999View(InterruptView):
    slug = "call-999"


class Child999View(InterruptView):
    slug = "child-999"


class AboutView(StepView):
    slug = "about"
    form_class = forms.AboutForm


class WhereView(StepView):
    slug = "where"
    form_class = forms.WhereForm


class WhenView(StepView):
    slug = "when"
    form_class = forms.WhenForm


class WhenOnceView(StepView):
    slug = "when-once"
    form_class = forms.WhenOnceForm


class WhenOngoingView(StepView):
    slug = "when-ongoing"
    form_class = forms.WhenOngoingForm


class ListQuestionView(StepView):
    """ "Can you tell us about anyone?": yes leads to the list if there is one, else to the add form."""

    item_page = ""

    def next_url(self) -> str:
        if self.answers.get(self.slug, {}).get(self.slug) == "yes" and self.answers.get(
            flows.ITEM_PAGES[self.item_page]
        ):
            return page_url(flows.ITEM_LIST_PAGE[self.item_page], self.change)
        return super().next_url()


class PeopleView(ListQuestionView):
    slug = "people"
    form_class = forms.PeopleForm
    item_page = "person"


class VehiclesView(ListQuestionView):
    slug = "vehicles"
    form_class = forms.VehiclesForm
    item_page = "vehicle"


class NumbersView(ListQuestionView):
    slug = "numbers"
    form_class = forms.NumbersForm
    item_page = "number"


def list_position(value: str, *, below: int) -> int | None:
    """A number sent in a URL or a form (a list position, an id) when it is plain ASCII digits under `below`.
    str.isdigit() alone also passes '²' (which int() refuses) and numbers too long for int() to read."""
    if not (value.isascii() and value.isdigit() and len(value) <= 19):
        return None
    number = int(value)
    return number if number < below else None


class ItemView(StepView):
    """Add one person, vehicle or number to its list, or change one (?item=N)."""

    button = "Save and continue"

    @property
    def items(self) -> list:
        return self.answers.setdefault(flows.ITEM_PAGES[self.slug], [])

    def item_index(self) -> int | None:
        return list_position(self.request.GET.get("item", ""), below=len(self.items))

    def initial(self) -> dict:
        index = self.item_index()
        return dict(self.items[index]) if index is not None else {}

    def save(self, form) -> None:
        index = self.item_index()
        if index is None:
            self.items.append(form.to_answer())
        else:
            self.items[index] = form.to_answer()
        self.journey.save()

    def next_url(self) -> str:
        return page_url(flows.ITEM_LIST_PAGE[self.slug], self.change)


class PersonView(ItemView):
    slug = "person"
    form_class = forms.PersonForm


class VehicleView(ItemView):
    slug = "vehicle"
    form_class = forms.VehicleForm


class NumberView(ItemView):
    slug = "number"
    form_class = forms.NumberForm


class ListView(StepView):
    """The add-another list: each item with change and remove, then "add another?"."""

    template_name = "reporting/list.html"
    noun = "item"
    item_page = ""

    @property
    def items(self) -> list:
        return self.answers.get(flows.LIST_PAGES[self.slug], [])

    def dispatch(self, request, *args, **kwargs):
        journey = Journey.load(request.session)
        if journey is not None and not journey.answers.get(flows.LIST_PAGES[self.slug]):
            return redirect(page_url(flows.LIST_QUESTION[self.slug], request.GET.get("change") == "1"))
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return forms.AddAnotherForm(data, noun=self.noun)

    def render(self, form, status=200, **extra):
        rows = [
            {
                "lines": self.describe(item),
                "change_url": page_url(self.item_page, self.change, item=index),
                "index": index,
            }
            for index, item in enumerate(self.items)
        ]
        return super().render(form, status, rows=rows, noun=self.noun)

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            index = list_position(request.POST.get("remove", ""), below=len(self.items))
            if index is not None:
                del self.items[index]
                if not self.items:
                    self.answers.pop(self.slug, None)
                self.journey.save()
            return redirect(page_url(self.slug, self.change))
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render(form)
        if form.cleaned_data["add_another"] == "yes":
            return redirect(page_url(self.item_page, self.change))
        self.journey.set_answer(self.slug, {"done": True})
        return redirect(self.next_url())

    def describe(self, item: dict) -> list[str]:
        raise NotImplementedError


class PeopleListView(ListView):
    slug = "people-list"
    noun = "person"
    item_page = "person"

    def describe(self, item):
        return [
            item.get("name") or "Name not known",
            f"Age: {item['age']}" if item.get("age") else "",
            "Under 18" if item.get("is_child") == "yes" else "",
            item.get("description", ""),
        ]


class VehiclesListView(ListView):
    slug = "vehicles-list"
    noun = "vehicle"
    item_page = "vehicle"

    def describe(self, item):
        registration = item.get("registration", "")
        if registration and item.get("partial"):
            registration += " (part of the registration)"
        return [
            registration or "Registration not known",
            ", ".join(p for p in (item.get("colour"), item.get("make"), item.get("model")) if p),
        ]


class NumbersListView(ListView):
    slug = "numbers-list"
    noun = "phone number or account"
    item_page = "number"

    def describe(self, item):
        from .identifiers import PLATFORM_CHOICES, phone_display

        platforms = dict(PLATFORM_CHOICES)
        return [
            phone_display(item["phone"]) if item.get("phone") else "",
            f"{platforms.get(item.get('platform'), '')}: {item['handle']}" if item.get("handle") else "",
        ]


class ChildInvolvedView(StepView):
    slug = "child-involved"
    form_class = forms.ChildInvolvedForm


class ChildView(StepView):
    slug = "child"
    form_class = forms.ChildForm


class HowView(StepView):
    slug = "how"
    form_class = forms.HowForm


class DetailsView(StepView):
    slug = "details"
    form_class = forms.DetailsForm


class FilesView(StepView):
    slug = "files"
    form_class = forms.FileForm
    template_name = "reporting/files.html"

    def get_form(self, data=None, files=None):
        return forms.FileForm(data, files)

    def render(self, form, status=200, **extra):
        return super().render(
            form,
            status,
            uploads=self.journey.uploads,
            max_files=settings.BEACON_REPORT_MAX_FILES,
            full=len(self.journey.uploads) >= settings.BEACON_REPORT_MAX_FILES,
            **extra,
        )

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            upload_id = list_position(request.POST.get("remove", ""), below=2**63)
            if upload_id is not None:
                services.pending_upload_remove(token=self.journey.token, upload_id=upload_id)
                self.journey.data["uploads"] = [u for u in self.journey.uploads if u["id"] != upload_id]
                self.journey.save()
            return redirect(page_url(self.slug, self.change))
        form = self.get_form(request.POST, request.FILES)
        action = request.POST.get("action", "continue")
        if not form.is_valid():
            return self.render(form)
        if upload_was_cut(request):
            form.add_error("file", UPLOAD_CUT)
            return self.render(form, status=400)
        upload = form.cleaned_data.get("file")
        if upload:
            verdict = throttle.check_and_hit(request, "upload")
            if not verdict.allowed:
                return limited(request, verdict, back=page_url("files"))
            try:
                pending = services.pending_upload_add(token=self.journey.token, file=upload)
            except ValidationError as error:
                form.add_error("file", error)
                return self.render(form)
            self.journey.data["uploads_seen"] = True
            self.journey.uploads.append(
                {
                    "id": pending.pk,
                    "name": safe_name(upload.name, pending.content_type),
                    "size": pending.size,
                    "type": pending.content_type,
                }
            )
            self.journey.save()
            if action != "continue":
                return redirect(page_url(self.slug, self.change))
        elif action == "upload":
            form.add_error("file", "Select a file to upload")
            return self.render(form)
        self.journey.set_answer(self.slug, {"count": len(self.journey.uploads)})
        return redirect(self.next_url())


class ContactView(StepView):
    slug = "contact"
    form_class = forms.ContactForm


class ContactDetailsView(StepView):
    slug = "contact-details"
    form_class = forms.ContactDetailsForm


# --- Check your answers, send, confirmation ----------------------------------------------------------


class CheckView(StepView):
    slug = flows.CHECK
    template_name = "reporting/check.html"

    def dispatch(self, request, *args, **kwargs):
        journey = Journey.load(request.session)
        if journey is not None:
            route = flows.journey_path(journey.answers)
            if not route.complete:
                return redirect(page_url(route.missing))
        return super().dispatch(request, *args, **kwargs)

    def back_url(self) -> str:
        previous = flows.previous_page(self.slug, self.answers)
        return page_url(previous) if previous else reverse("reporting:start")

    def render(self, form, status=200, **extra):
        rows = summary_rows(self.answers, self.journey.uploads)
        for row in rows:
            row["change_url"] = page_url(row["page"], True)
        anonymous = self.answers.get("contact", {}).get("contact") != "identified"
        return super().render(form, status, rows=rows, anonymous=anonymous, **extra)

    def get_form(self, data=None):
        return forms.SubmitForm(data)

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_bot() or not form.is_valid():
            return render(request, "reporting/rejected.html", status=400)
        if services.journey_was_sent(token=self.journey.token):
            return self.already_sent()
        verdict = throttle.check_and_hit(request, "submit")
        if not verdict.allowed:
            return limited(request, verdict, back=page_url("check"))
        wanted = {upload["id"] for upload in self.journey.uploads}
        held = selectors.pending_uploads(token=self.journey.token, with_data=True) if wanted else []
        files = [f for f in held if f.pk in wanted]
        if len(files) != len(wanted):
            form.add_error(None, "One of your files is no longer available. Check your files and try again")
            self.journey.data["uploads"] = [
                u for u in self.journey.uploads if u["id"] in {f.pk for f in files}
            ]
            self.journey.save()
            return self.render(form)
        try:
            result = services.report_submit(
                answers=document.from_journey(self.answers), files=files, journey=self.journey.token
            )
        except services.AlreadySent:
            return self.already_sent()
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form)
        # Committed: forget the answers; keep the reference for one page view, which then ends the session.
        self.journey.end()
        request.session[DONE_KEY] = {
            "reference": result.reference,
            "receipt": result.receipt_code,
            "email": result.confirmation_email,
        }
        return redirect("reporting:done")

    def already_sent(self):
        """A second send of a journey that was sent while this request ran: this request read the session
        before the first send saved it. Leave the session as the first send saves it (its confirmation; no
        write from here, not even an expiry touch) and show that confirmation."""
        self.request.session.modified = False
        self.request.session.loaded_expiry = None
        return redirect("reporting:done")


@require_safe
@never_cache
def done(request):
    shown = request.session.pop(DONE_KEY, None)
    request.session.flush()  # nothing of the visit is kept once the reference has been shown
    if not shown:
        return render(request, "reporting/done_gone.html")
    return render(request, "reporting/done.html", {"done": shown})


@body_limit(SMALL_BODY, back="reporting:start")
@require_http_methods(["POST"])
def delete_answers(request):
    journey = Journey.load(request.session)
    if journey is not None:
        journey.end()
    return render(request, "reporting/deleted.html")


# --- Coming back with a receipt code -----------------------------------------------------------------


def _receipt_report(request, code: str):
    """(report or None, refusal response or None): a throttled look-up of a receipt code."""
    verdict = throttle.check(request, "followup")
    if not verdict.allowed:
        return None, limited(request, verdict, back=reverse("reporting:followup"), answers_kept=False)
    return _look_up_receipt(request, code), None


def _look_up_receipt(request, code: str):
    """The report a receipt code opens, or None, once throttle.check has allowed the attempt."""
    report = selectors.report_for_receipt(code=code)
    if report is None:
        throttle.hit(request, "followup")  # only failed guesses count
    else:
        throttle.release(request)  # a code that was found gives its place back
    return report


def _status_page(request, report, code: str, reply_form=None, status=200):
    return render(
        request,
        "reporting/followup_status.html",
        {
            "view": selectors.followup_view(report=report, code=code),
            "form": reply_form or forms.ReplyForm(initial={"receipt": code}),
            "reply_form": True,
        },
        status=status,
    )


@body_limit(SMALL_BODY)
@require_http_methods(["GET", "HEAD", "POST"])
def followup(request):
    if request.method != "POST":
        return render(request, "reporting/followup.html", {"form": forms.ReceiptForm()})
    form = forms.ReceiptForm(request.POST)
    if form.is_bot():
        return render(request, "reporting/rejected.html", status=400)
    if not form.is_valid():
        return render(request, "reporting/followup.html", {"form": form})
    report, refusal = _receipt_report(request, form.cleaned_data["receipt"])
    if refusal:
        return refusal
    if report is None:
        form.add_error(
            "receipt", "We could not find a report with that receipt code. Check the code and try again"
        )
        return render(request, "reporting/followup.html", {"form": form})
    return _status_page(request, report, form.cleaned_data["receipt"])


@body_limit(_reply_body_limit, upload=True, back="reporting:followup")
@require_http_methods(["POST"])
def followup_reply(request):
    form = forms.ReplyForm(request.POST, request.FILES)
    if form.is_bot():
        return render(request, "reporting/rejected.html", status=400)
    code = request.POST.get("receipt", "")[:60]
    verdict = throttle.check(request, "followup")
    if not verdict.allowed:
        # The code cannot be checked now (too many guesses, perhaps other people's): give the reply back to
        # send later, without looking the report up.
        kept = forms.ReplyForm(initial={"receipt": code, "text": request.POST.get("text", "")})
        page = render(
            request,
            "reporting/followup_wait.html",
            {"form": kept, "minutes": verdict.minutes, "had_files": bool(request.FILES)},
        )
        return throttle.refused(page, verdict)
    report = _look_up_receipt(request, code)
    if report is None:
        receipt_form = forms.ReceiptForm()
        return render(request, "reporting/followup.html", {"form": receipt_form, "lost": True})
    if not form.is_valid():
        return _status_page(request, report, code, form)
    if upload_was_cut(request):
        form.add_error("files", UPLOAD_CUT)
        return _status_page(request, report, code, form, status=400)
    verdict = throttle.check_and_hit(request, "reply")
    if not verdict.allowed:
        again = " (choose your files again)" if form.cleaned_data["files"] else ""
        form.add_error(
            "text",
            f"You have sent several replies in a short time. Wait {verdict.wait}, then send this one{again}",
        )
        return throttle.refused(_status_page(request, report, code, form), verdict)
    try:
        services.report_message_add(
            report=report,
            direction="from_reporter",
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error("files" if form.cleaned_data["files"] else "text", message)
        return _status_page(request, report, code, form)
    return render(request, "reporting/followup_sent.html", {"receipt": code, "reference": report.reference})
