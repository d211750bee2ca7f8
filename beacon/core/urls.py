from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("leave", views.leave, name="leave"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accessibility/",
        views.static_page("core/accessibility.html", "Accessibility statement"),
        name="accessibility",
    ),
    path("cookies/", views.cookies, name="cookies"),
    path("privacy/", views.privacy, name="privacy"),
    path(
        "staying-safe-online/",
        views.static_page("core/staying-safe-online.html", "Staying safe online"),
        name="staying_safe_online",
    ),
]
