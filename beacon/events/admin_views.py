"""Staff screens for events and school workshop requests, inside the Wagtail admin (one sign-in, 2FA).

Every change goes through `services`; these views only check permission, show a form and report errors.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .forms import (
    EventCancelForm,
    EventCopyForm,
    EventOutcomeForm,
    WorkshopConfirmForm,
    WorkshopDeclineForm,
)
from .models import (
    WORKSHOP_CONTACT_FIELDS,
    Event,
    EventOutcome,
    EventStatus,
    WorkshopRequest,
    WorkshopRequestStatus,
)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside a field the form has, else above it."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------- events: list, add, edit, delete


class EventIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        user = self.request.user
        if user.has_perm("events.add_event"):
            buttons.append(
                MenuItem(
                    "Copy to a new date",
                    url=reverse("events_admin:copy_to_date", args=(quote(instance.pk),)),
                    icon_name="copy",
                    priority=15,
                )
            )
        if user.has_perm("events.change_event"):
            if instance.status == EventStatus.SCHEDULED:
                buttons.append(
                    MenuItem(
                        "Cancel event",
                        url=reverse("events_admin:cancel", args=(quote(instance.pk),)),
                        icon_name="cross",
                        priority=25,
                    )
                )
            if instance.status != EventStatus.CANCELLED and instance.starts_at <= timezone.now():
                buttons.append(
                    MenuItem(
                        "Record outcome",
                        url=reverse("events_admin:outcome", args=(quote(instance.pk),)),
                        icon_name="tasks",
                        priority=26,
                    )
                )
        return buttons


def _event_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.EVENT_FIELDS if name in form.cleaned_data}


class EventCreateView(generic.CreateView):
    def form_valid(self, form):
        self.form = form
        try:
            self.object = services.event_create(actor=self.request.user, **_event_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return self.save_action()


class EventEditView(generic.EditView):
    def form_valid(self, form):
        self.form = form
        try:
            self.object = services.event_update(
                event=Event.objects.get(pk=self.object.pk), actor=self.request.user, **_event_fields(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return self.save_action()


class EventDeleteView(generic.DeleteView):
    def delete_action(self):
        services.event_delete(event=self.object, actor=self.request.user)


class EventInspectView(generic.InspectView):
    """The event's fields, and for a school workshop confirmed from a request, the request's reference, year
    groups and number of pupils: staff need them, but they are not in the event's own (perhaps public) text."""

    WORKSHOP_FIELDS = {
        "workshop_reference": "School workshop request",
        "workshop_year_groups": "Year groups",
        "workshop_pupils": "Pupils",
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)  # finds the object (or 404s) after listing the fields
        self.workshop_request = WorkshopRequest.objects.filter(event=self.object).first()
        if self.workshop_request is not None:
            self.fields = [*self.fields, *self.WORKSHOP_FIELDS]

    def get_field_label(self, field_name, field):
        if field_name in self.WORKSHOP_FIELDS:
            return self.WORKSHOP_FIELDS[field_name]
        return super().get_field_label(field_name, field)

    def get_workshop_reference_display_value(self):
        return self.workshop_request.reference

    def get_workshop_year_groups_display_value(self):
        return ", ".join(self.workshop_request.year_group_labels())

    def get_workshop_pupils_display_value(self):
        return self.workshop_request.pupils


# ---------------------------------------------------------------- one-form actions


class ActionView(WagtailAdminTemplateMixin, FormView):
    """A small form about one object (copy, cancel, outcome, confirm, decline)."""

    template_name = "wagtailadmin/generic/form.html"
    model = Event
    permission = "events.change_event"
    header_icon = "date"
    submit_button_label = "Save"
    index_url_name = "events_admin:index"
    index_label = "Events"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.object = get_object_or_404(self.model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": self.index_label},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label="Saving…",
            media=context["form"].media,
            object=self.object,
        )
        return context

    def get_success_url(self):
        return reverse(self.index_url_name)

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        messages.validation_error(self.request, "There is a problem: check the form below.", form)
        return super().form_invalid(form)

    def perform(self, form) -> str:
        raise NotImplementedError


class EventCopyView(ActionView):
    form_class = EventCopyForm
    permission = "events.add_event"
    page_title = "Copy to a new date"
    submit_button_label = "Make a copy"

    def perform(self, form) -> str:
        copy = services.event_copy(
            event=self.object, actor=self.request.user, new_date=form.cleaned_data["new_date"]
        )
        local = timezone.localtime(copy.starts_at)
        return f"Copied to {local:%A %-d %B %Y at %H:%M}."


class EventCancelView(ActionView):
    form_class = EventCancelForm
    page_title = "Cancel event"
    submit_button_label = "Cancel the event"

    def perform(self, form) -> str:
        services.event_cancel(event=self.object, actor=self.request.user, reason=form.cleaned_data["reason"])
        return f"“{self.object.title}” is cancelled. It stays on the public site with the reason."


class EventOutcomeView(ActionView):
    form_class = EventOutcomeForm
    page_title = "Record outcome"
    submit_button_label = "Save outcome"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = EventOutcome.objects.filter(event=self.object).first() or EventOutcome(
            event=self.object
        )
        return kwargs

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.event_outcome_record(
            event=self.object,
            actor=self.request.user,
            people_engaged=data["people_engaged"],
            young_people_reached=data["young_people_reached"],
            concerns_raised=data["concerns_raised"],
            leaflets_given=data["leaflets_given"],
            report_references=data["report_references"],
            notes=data["notes"],
        )
        return f"Outcome recorded for “{self.object.title}”."


# ---------------------------------------------------------------- school workshop requests

# Personal data in a request: the teacher's contact details and the school's notes, which can name pupils.
# Only staff who decide requests (and so contact the school and brief the officer) see them or search by them;
# others with the view permission (campaign editors) see the rest of the queue. They are deleted on schedule.
CONTACT_FIELDS = WORKSHOP_CONTACT_FIELDS
CONTACT_DELETED = "Deleted: we keep contact details only for a set time after the request is decided"
DECLINE_REASON_DELETED = "Deleted: we keep the reason only for a set time after the request is declined"
DECIDE_PERMISSION = "events.change_workshoprequest"


def decides_requests(user) -> bool:
    return user.has_perm(DECIDE_PERMISSION)


def _decidable(request: WorkshopRequest) -> bool:
    return request.status == WorkshopRequestStatus.PENDING and not request.contact_deleted


class WorkshopIndexView(generic.IndexView):
    def search_queryset(self, queryset):
        if not decides_requests(self.request.user):
            self.search_fields = [name for name in self.search_fields or [] if name not in CONTACT_FIELDS]
        return super().search_queryset(queryset)

    def get_add_url(self):
        return None  # requests come from schools through the public form

    def get_edit_url(self, instance):
        return self.get_inspect_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = [button for button in super().get_list_more_buttons(instance) if button.label != "Edit"]
        if _decidable(instance) and decides_requests(self.request.user):
            buttons.append(
                MenuItem(
                    "Confirm",
                    url=reverse("workshop_requests_admin:confirm", args=(quote(instance.pk),)),
                    icon_name="check",
                    priority=5,
                )
            )
            buttons.append(
                MenuItem(
                    "Decline",
                    url=reverse("workshop_requests_admin:decline", args=(quote(instance.pk),)),
                    icon_name="cross",
                    priority=6,
                )
            )
        return buttons


class WorkshopInspectView(generic.InspectView):
    def get_fields(self):
        fields = super().get_fields()
        if decides_requests(self.request.user):
            return fields
        return [name for name in fields if name not in CONTACT_FIELDS]

    def get_edit_url(self):
        return None

    def get_year_groups_display_value(self):
        return ", ".join(self.object.year_group_labels())

    def get_topics_display_value(self):
        return ", ".join(self.object.topic_labels())

    def get_preferred_dates_display_value(self):
        return "; ".join(f"{date:%A %-d %B %Y}" for date in self.object.preferred_date_values())

    def get_contact_name_display_value(self):
        return CONTACT_DELETED if self.object.contact_deleted else self.object.contact_name

    def get_email_display_value(self):
        return CONTACT_DELETED if self.object.contact_deleted else self.object.email

    def get_phone_display_value(self):
        return CONTACT_DELETED if self.object.contact_deleted else self.object.phone

    def get_accessibility_needs_display_value(self):
        return CONTACT_DELETED if self.object.contact_deleted else self.object.accessibility_needs

    def get_decline_reason_display_value(self):
        if self.object.status == WorkshopRequestStatus.DECLINED and not self.object.decline_reason:
            return DECLINE_REASON_DELETED
        return self.object.decline_reason

    def get_email_is_freemail_display_value(self):
        return (
            "Yes: check the request is genuine before you confirm" if self.object.email_is_freemail else "No"
        )

    @property
    def header_more_buttons(self):
        buttons = []
        if _decidable(self.object) and decides_requests(self.request.user):
            from wagtail.admin.widgets.button import Button

            buttons.append(
                Button(
                    "Confirm",
                    url=reverse("workshop_requests_admin:confirm", args=(self.object.pk,)),
                    icon_name="check",
                    priority=10,
                )
            )
            buttons.append(
                Button(
                    "Decline",
                    url=reverse("workshop_requests_admin:decline", args=(self.object.pk,)),
                    icon_name="cross",
                    priority=20,
                )
            )
        return buttons


class WorkshopNoEditView(generic.InspectView):
    """Requests are not edited: staff confirm or decline them."""

    def get(self, request, *args, **kwargs):
        return redirect("workshop_requests_admin:inspect", self.object.pk)


class WorkshopNoAddView(generic.CreateView):
    """Requests are not added here: schools send them through the public form. The viewset's "new" URL leads
    to the list (it had shared the edit view, which has no request to show there, and gave a 500)."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("workshop_requests_admin:index")


class WorkshopActionView(ActionView):
    model = WorkshopRequest
    permission = DECIDE_PERMISSION
    header_icon = "group"
    index_url_name = "workshop_requests_admin:index"
    index_label = "School workshop requests"

    def get(self, request, *args, **kwargs):
        if self.object.status != WorkshopRequestStatus.PENDING:
            messages.error(
                request, f"This request has already been {self.object.get_status_display().lower()}."
            )
            return redirect(self.index_url_name)
        if self.object.contact_deleted:
            messages.error(request, f"{services.CONTACT_DELETED_MESSAGE}.")
            return redirect(self.index_url_name)
        return super().get(request, *args, **kwargs)


class WorkshopConfirmView(WorkshopActionView):
    form_class = WorkshopConfirmForm
    page_title = "Confirm workshop"
    submit_button_label = "Confirm and email the school"

    def get_initial(self):
        dates = self.object.preferred_date_values()
        return {"date": dates[0] if dates else None}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        dates = "; ".join(f"{date:%A %-d %B %Y}" for date in self.object.preferred_date_values())
        form.fields["date"].help_text = f"The school would like: {dates}."
        if self.object.email_is_freemail:
            form.fields[
                "date"
            ].help_text += " The request came from a free email address: check it is genuine."
        return form

    def perform(self, form) -> str:
        data = form.cleaned_data
        event = services.workshop_request_confirm(
            request=self.object,
            actor=self.request.user,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            officer=data["officer"],
            is_public=data["is_public"],
        )
        local = timezone.localtime(event.starts_at)
        return f"Confirmed for {local:%A %-d %B %Y at %H:%M}. The school will get an email."

    def form_valid(self, form):
        if "starts_at" not in form.cleaned_data:
            return self.form_invalid(form)
        return super().form_valid(form)


class WorkshopDeclineView(WorkshopActionView):
    form_class = WorkshopDeclineForm
    page_title = "Decline workshop request"
    submit_button_label = "Decline and email the school"

    def perform(self, form) -> str:
        services.workshop_request_decline(
            request=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return "Declined. The school will get an email with your reason."
