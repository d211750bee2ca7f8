"""Events and school workshop requests in the Wagtail admin: lists with filters, and the staff actions."""

from django.urls import path
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from . import admin_views
from .forms import EventForm
from .models import Event, WorkshopRequest
from .services import EVENT_FIELDS


class LocalTimeColumn(Column):
    """A date and time in Europe/London, as staff think of it."""

    def get_value(self, instance):
        value = getattr(instance, self.accessor)
        return f"{timezone.localtime(value):%a %-d %b %Y, %H:%M}" if value else ""


class EventViewSet(ModelViewSet):
    model = Event
    icon = "date"
    menu_label = "Events"
    menu_order = 100
    index_view_class = admin_views.EventIndexView
    add_view_class = admin_views.EventCreateView
    edit_view_class = admin_views.EventEditView
    delete_view_class = admin_views.EventDeleteView
    inspect_view_class = admin_views.EventInspectView
    copy_view_enabled = False  # "Copy to a new date" goes through the services instead
    inspect_view_enabled = True
    list_display = [
        "title",
        LocalTimeColumn("starts_at", label="Start", sort_key="starts_at"),
        "kind",
        "place_name",
        "area",
        "status",
        BooleanColumn("is_public", label="Public"),
    ]
    list_filter = ["area", "kind", "status", "starts_at", "is_public"]
    search_fields = ["title", "place_name", "postcode"]
    ordering = ["-starts_at"]
    form_fields = list(EVENT_FIELDS)
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return EventForm  # offers published officers only

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("copy-to-date/<int:pk>/", admin_views.EventCopyView.as_view(), name="copy_to_date"),
            path("cancel/<int:pk>/", admin_views.EventCancelView.as_view(), name="cancel"),
            path("outcome/<int:pk>/", admin_views.EventOutcomeView.as_view(), name="outcome"),
        ]


class WorkshopRequestViewSet(ModelViewSet):
    model = WorkshopRequest
    icon = "group"
    menu_label = "School workshop requests"
    menu_order = 110
    index_view_class = admin_views.WorkshopIndexView
    inspect_view_class = admin_views.WorkshopInspectView
    edit_view_class = admin_views.WorkshopNoEditView
    add_view_class = admin_views.WorkshopNoAddView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "school_name",
        LocalTimeColumn("created_at", label="Received", sort_key="created_at"),
        "status",
        BooleanColumn("email_is_freemail", label="Free email"),
        "pupils",
        "school_postcode",
    ]
    list_filter = ["status", "email_is_freemail"]
    search_fields = ["school_name", "contact_name", "email", "school_postcode"]
    ordering = ["status", "created_at"]
    form_fields = ["school_name"]
    inspect_view_fields = [
        "school_name",
        "school_postcode",
        "contact_name",
        "email",
        "email_is_freemail",
        "phone",
        "topics",
        "year_groups",
        "pupils",
        "preferred_dates",
        "accessibility_needs",
        "status",
        "decline_reason",
        "event",
        "decided_at",
        "created_at",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("confirm/<int:pk>/", admin_views.WorkshopConfirmView.as_view(), name="confirm"),
            path("decline/<int:pk>/", admin_views.WorkshopDeclineView.as_view(), name="decline"),
        ]


class EventsGroup(ModelViewSetGroup):
    menu_label = "Events"
    menu_icon = "date"
    menu_order = 300
    items = (EventViewSet("events_admin"), WorkshopRequestViewSet("workshop_requests_admin"))


@hooks.register("register_admin_viewset")
def register_events_viewsets():
    return EventsGroup()
