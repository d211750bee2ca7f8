from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "beacon.feedback"
    label = "feedback"
