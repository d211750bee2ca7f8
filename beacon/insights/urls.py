from django.urls import path

from . import views

app_name = "insights"

# Mounted under /admin/insights/ by wagtail_hooks (Wagtail's admin sign-in and two-factor check apply).
urlpatterns = [
    path("campaigns/", views.DashboardIndexView.as_view(), name="dashboard_index"),
    path("campaigns/<int:campaign_id>/", views.DashboardView.as_view(), name="dashboard"),
    path("campaigns/<int:campaign_id>/figures.csv", views.dashboard_csv, name="dashboard_csv"),
]
