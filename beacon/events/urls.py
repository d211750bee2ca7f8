from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("near-me/", views.near_me, name="near_me"),
    path("calendars/", views.feeds, name="feeds"),
    path("feed.ics", views.feed_all, name="feed"),
    path("areas/<slug:code>/feed.ics", views.feed_area, name="feed_area"),
    path("campaigns/<slug:slug>/feed.ics", views.feed_campaign, name="feed_campaign"),
    path("schools/request/", views.workshop_request, name="workshop_request"),
    path("schools/request/sent/<str:signed>/", views.workshop_sent, name="workshop_sent"),
    path("<int:pk>/calendar.ics", views.event_ical, name="ical"),
    path("<int:pk>/", views.event_detail, name="detail_short"),
    path("<int:pk>/<slug:slug>/", views.event_detail, name="detail"),
]
