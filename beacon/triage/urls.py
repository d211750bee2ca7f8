"""The triage back office, mounted by wagtail_hooks.py at /admin/triage/ (inside Wagtail's admin access
check and the two-factor middleware)."""

from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("reports/<int:pk>/assess/", views.assess, name="assess"),
    path("reports/<int:pk>/grade/", views.grade, name="grade"),
    path("reports/<int:pk>/route/", views.route, name="route"),
    path("reports/<int:pk>/assign/", views.assign, name="assign"),
    path("reports/<int:pk>/actioned/", views.mark_actioned, name="actioned"),
    path("reports/<int:pk>/child/", views.child_involved, name="child_involved"),
    path("reports/<int:pk>/no-child/", views.child_not_involved, name="child_not_involved"),
    path("reports/<int:pk>/close/", views.close, name="close"),
    path("reports/<int:pk>/safeguarding/", views.safeguarding, name="safeguarding"),
    path("reports/<int:pk>/question/", views.question, name="question"),
    path("linked/", views.network_search, name="network_search"),
    path("linked/<str:kind>/<str:digest>/", views.network, name="network"),
    path("export/", views.export, name="export"),
]
