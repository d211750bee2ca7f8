"""Wagtail viewsets for the triage area: the audit log (read-only) and the policing areas (editable by
administrators). Both live under /admin/triage/ so that the access walk covers them."""

import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from beacon.core.models import AuditEvent, Neighbourhood, PolicingArea, postcode_district_validator
from beacon.reporting.models import Report

from . import services


class LimitedPolicy(ModelPermissionPolicy):
    """Model permissions, but some actions are never allowed to anyone, superusers included, because
    the admin has no view for them."""

    def __init__(self, model, *, allowed: set[str]):
        super().__init__(model)
        self.allowed = allowed

    def user_has_permission(self, user, action):
        return action in self.allowed and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a in self.allowed])


register_permission_policy(AuditEvent, LimitedPolicy(AuditEvent, allowed={"view"}), exact_class=True)
for _model in (PolicingArea, Neighbourhood):
    register_permission_policy(
        _model, LimitedPolicy(_model, allowed={"add", "change", "view"}), exact_class=True
    )


# --- Audit log ----------------------------------------------------------------------------------------


class AuditEventFilterSet(WagtailFilterSet):
    actor = django_filters.ModelChoiceFilter(
        label="Person",
        queryset=get_user_model().objects.order_by("username"),
    )
    report = django_filters.CharFilter(label="Report (reference or number)", method="filter_report")
    action = django_filters.CharFilter(label="Action (for example report.view)", lookup_expr="startswith")
    at = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = []

    def filter_report(self, queryset, name, value):
        value = (value or "").strip().upper()
        if not value:
            return queryset
        found = Report.objects.filter(reference=value[:12]).values_list("pk", flat=True).first()
        if found is None and value.isascii() and value.isdigit() and len(value) < 19:
            found = int(value)  # a purged report: its number is still in the log
        if found is None:
            return queryset.none()
        return queryset.filter(object_type="report", object_id=str(found))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class AuditIndexView(generic.IndexView):
    """The audit log list. Its CSV export needs its own permission and is itself audited."""

    FORMATS = ("csv",)
    default_ordering = "-at"
    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        str: {"csv": _csv_text},
        dict: {"csv": lambda value: _csv_text(__import__("json").dumps(value, ensure_ascii=False))},
    }

    @cached_property
    def show_export_buttons(self):
        return self.request.user.has_perm(services.PERM_EXPORT_AUDIT)

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            if not self.request.user.has_perm(services.PERM_EXPORT_AUDIT):
                raise PermissionDenied
            filters = {k: v for k, v in self.request.GET.items() if k != "export" and v}
            services.audit_log_export_record(
                user=self.request.user, count=context["object_list"].count(), filters=filters
            )
        return super().render_to_response(context, **response_kwargs)


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    name = "audit_log"
    url_prefix = "triage/audit"
    icon = "list-ul"
    menu_label = "Audit log"
    add_to_admin_menu = False
    index_view_class = AuditIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = ["at", "actor_name", "action", "object_type", "object_id"]
    list_export = ["at", "actor_name", "action", "object_type", "object_id", "detail"]
    export_filename = "beacon-audit-log"
    filterset_class = AuditEventFilterSet
    inspect_view_fields = ["at", "actor_name", "action", "object_type", "object_id", "detail"]
    add_to_reference_index = False
    exclude_form_fields = []

    def get_urlpatterns(self):
        # No add, edit, delete, copy or history views: the log is append-only in the application.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


# --- Policing areas and neighbourhoods ----------------------------------------------------------------


def _members(form):
    return list(form.cleaned_data["members"]) if "members" in form.fields else None


class AuditedCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        services.area_save(
            user=self.request.user, instance=instance, created=True, members=_members(self.form)
        )
        return instance


class AuditedEditView(generic.EditView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        services.area_save(
            user=self.request.user, instance=instance, created=False, members=_members(self.form)
        )
        return instance


class AreaViewSetMixin:
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    copy_view_enabled = False
    add_to_admin_menu = False
    add_to_reference_index = False

    def get_urlpatterns(self):
        # No delete view: a policing area or team that reports point at is renamed, not deleted.
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name
            in {"index", "index_results", "add", "edit", "history", "history_results", "usage"}
        ]


class PolicingAreaViewSet(AreaViewSetMixin, ModelViewSet):
    model = PolicingArea
    name = "policing_areas"
    url_prefix = "triage/areas"
    icon = "site"
    menu_label = "Policing areas"
    list_display = ["name", "code"]
    form_fields = ["name", "code"]


class NeighbourhoodForm(forms.ModelForm):
    postcode_districts = forms.CharField(
        label="Postcode districts",
        required=False,
        max_length=500,
        help_text="The first part of the postcodes this team covers, separated by commas, like NN1, NN2.",
    )

    members = forms.ModelMultipleChoiceField(
        label="Team members who see its reports",
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "A neighbourhood supervisor sees only the reports routed to the teams they are a member of. "
            "Triage officers, analysts and safeguarding leads see every report whatever their teams."
        ),
    )

    class Meta:
        model = Neighbourhood
        fields = ["area", "name", "code", "team_email", "postcode_districts", "members"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})" if user.get_full_name() else user.get_username()
        )
        if self.instance and self.instance.pk:
            self.initial["postcode_districts"] = ", ".join(self.instance.postcode_districts or [])

    def clean_postcode_districts(self):
        raw = self.cleaned_data.get("postcode_districts") or ""
        districts = []
        for part in re.split(r"[\s,;]+", raw.upper()):
            if not part:
                continue
            try:
                postcode_district_validator(part)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"\u201c{part[:10]}\u201d is not a postcode district. Enter districts like NN1 or NN10"
                ) from None
            districts.append(part)
        others = (
            Neighbourhood.objects.exclude(pk=self.instance.pk) if self.instance.pk else Neighbourhood.objects
        )
        for other in others.all():
            clash = sorted(set(districts) & set(other.postcode_districts or []))
            if clash:
                raise forms.ValidationError(f"{', '.join(clash)} already belongs to {other.name}")
        return sorted(set(districts))


class NeighbourhoodViewSet(AreaViewSetMixin, ModelViewSet):
    model = Neighbourhood
    name = "neighbourhoods"
    url_prefix = "triage/neighbourhoods"
    icon = "group"
    menu_label = "Neighbourhood teams"
    list_display = [
        "name",
        "area",
        Column(
            "postcode_districts",
            label="Postcode districts",
            accessor=lambda n: ", ".join(n.postcode_districts),
        ),
    ]
    list_filter = ["area"]

    def get_form_class(self, for_update=False):
        return NeighbourhoodForm
