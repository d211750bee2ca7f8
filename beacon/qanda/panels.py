"""Admin panels for the Q&A snippets."""

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import InlinePanel


class CappedChildFormSet(BaseChildFormSet):
    """A child formset that builds at most `max_num` forms, whatever number the browser says it sent.

    Django builds as many forms as the management form's TOTAL_FORMS, up to `absolute_max`, which defaults to
    max_num + 1,000 (2,000 without a max_num): a forged count made the server build and render 2,000 forms,
    some 40 seconds of work per request. Here a larger count builds max_num forms and the panel says why."""

    default_error_messages = {"too_many_forms": "You can add up to %(num)d items"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The factory sets absolute_max on the class; max_num is the most a real form ever sends.
        self.absolute_max = self.max_num


class CappedInlinePanel(InlinePanel):
    """An InlinePanel with a required `max_num`, enforced on the server (validate_max), a formset that never
    builds more forms than that, and the message to show when a post has more."""

    def __init__(self, relation_name, *args, max_num, too_many_message, **kwargs):
        super().__init__(relation_name, *args, max_num=max_num, **kwargs)
        self.too_many_message = too_many_message

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "too_many_message": self.too_many_message}

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = type(
            "CappedChildFormSet",
            (CappedChildFormSet,),
            {"default_error_messages": {"too_many_forms": self.too_many_message}},
        )
        return options
