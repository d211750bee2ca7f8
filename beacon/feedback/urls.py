from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.feedback, name="form"),
    path("thank-you/", views.thanks, name="thanks"),
]
