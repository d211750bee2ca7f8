"""Wagtail's chooser views for Beacon's snippets, answering an id that is not one with "not found".

Wagtail 8's chooser views look an id from the URL up as it comes: `chosen/abc/` and `chosen-multiple/?id=abc`
raised ValueError ("Field 'id' expected a number"), and a POST to `create/` for a chooser that offers no
creation form raised AttributeError, each a 500. Beacon's snippet viewsets use this chooser viewset instead
(`chooser_viewset_class`); the widget side of the same lookup is in wagtail_hooks.py.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.snippets.views import chooser


def is_id(model, value) -> bool:
    """`value` (from a URL or a form) could be a primary key of `model`."""
    try:
        model._meta.pk.to_python(value)
    except (ValidationError, TypeError):
        return False
    return True


class ChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        if not is_id(self.model_class, pk):
            raise self.model_class.DoesNotExist  # the view answers it with a 404
        return super().get_object(pk)


class ChosenMultipleView(chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return super().get_objects([pk for pk in pks if is_id(self.model_class, pk)])


class CreateView(chooser.SnippetCreateView):
    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404("This chooser does not create anything")
        return super().dispatch(request, *args, **kwargs)


class SnippetChooserViewSet(chooser.SnippetChooserViewSet):
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView
