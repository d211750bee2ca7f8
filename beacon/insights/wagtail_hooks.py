from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .views import PERMISSION


@hooks.register("register_admin_urls")
def register_insights_urls():
    return [path("insights/", include((urls.urlpatterns, "insights"), namespace="insights"))]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        "Campaign dashboard", reverse("insights:dashboard_index"), icon_name="doc-full", order=250
    )


@hooks.register("insert_global_admin_css")
def insights_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("insights/dashboard.css"))
