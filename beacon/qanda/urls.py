from django.urls import path

from . import views

app_name = "qanda"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("<slug:slug>/", views.session_detail, name="session"),
    path("<slug:slug>/answers.json", views.live_answers_json, name="live_answers"),
    path("<slug:slug>/ask/", views.ask, name="ask"),
    path("<slug:slug>/ask/sent/", views.sent, name="sent"),
]
