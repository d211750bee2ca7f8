"""Everything triage adds to the Wagtail admin: its URLs under /admin/triage/ and one "Triage" menu."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import urls
from .admin_views import AuditEventViewSet, NeighbourhoodViewSet, PolicingAreaViewSet
from .services import PERM_EXPORT, PERM_NETWORK, PERM_VIEW


@hooks.register("register_admin_urls")
def register_triage_urls():
    return [path("triage/", include((urls.urlpatterns, "triage"), namespace="triage"))]


audit_viewset = AuditEventViewSet()
areas_viewset = PolicingAreaViewSet()
neighbourhoods_viewset = NeighbourhoodViewSet()


@hooks.register("register_admin_viewset")
def register_triage_viewsets():
    return [audit_viewset, areas_viewset, neighbourhoods_viewset]


class PermissionMenuItem(MenuItem):
    def __init__(self, label, url_name, *, perms, **kwargs):
        self.url_name = url_name
        self.perms = perms
        super().__init__(label, "", **kwargs)

    def is_shown(self, request):
        return request.user.has_perms(self.perms)

    def render_component(self, request):
        self.url = reverse(self.url_name)
        return super().render_component(request)


MENU_ITEMS = [
    ("Report queue", "triage:queue", (PERM_VIEW,), "list-ul", 100),
    ("Linked reports", "triage:network_search", (PERM_NETWORK,), "link", 200),
    ("Export", "triage:export", (PERM_EXPORT,), "download", 300),
    ("Audit log", "audit_log:index", ("core.view_auditevent",), "history", 400),
    ("Policing areas", "policing_areas:index", ("core.view_policingarea",), "site", 500),
    ("Neighbourhood teams", "neighbourhoods:index", ("core.view_neighbourhood",), "group", 600),
]


def _register(label, url_name, perms, icon, order):
    @hooks.register("register_triage_menu_item")
    def item():
        return PermissionMenuItem(label, url_name, perms=perms, icon_name=icon, order=order)


for entry in MENU_ITEMS:
    _register(*entry)


@hooks.register("register_admin_menu_item")
def register_triage_menu():
    return SubmenuMenuItem(
        "Triage", Menu(register_hook_name="register_triage_menu_item"), icon_name="warning", order=150
    )


@hooks.register("insert_global_admin_css")
def triage_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("triage/admin.css"))
