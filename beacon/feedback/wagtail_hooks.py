from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Feedback


class FeedbackViewSet(ModelViewSet):
    model = Feedback
    icon = "comment"
    menu_label = "Feedback"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["received_on", "rating", "comment"]
    list_filter = ["rating", "received_on"]
    inspect_view_enabled = True
    form_fields = ["rating", "comment"]


@hooks.register("register_admin_viewset")
def register_feedback_viewset():
    return FeedbackViewSet("feedback_admin")
