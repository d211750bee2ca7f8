"""Wagtail admin views Beacon answers in place of Wagtail's own, at the same paths (config/urls.py puts these before
Wagtail's admin URLs), each because Wagtail's gave a 500 to a member of staff:

- `failwhale/`: Wagtail's deliberate error page, there to test error reporting, raised an exception for anyone
  signed in. Beacon answers it with "not found".
- `workflows/edit/<pk>/`: a page number past the last page of the workflow's pages raised EmptyPage; here it shows
  the last page (an unreadable one is dropped first by admin_params.py).
- `bulk/<app>/<model>/<action>/`: the bulk actions looked their `id`s up as they came (ValueError for one that is
  not a number) and, with `id=all`, the page `childOf` names (ValueError, or Page.DoesNotExist for a page that is
  not there). Here either is "not found".
- `pages/<id>/revisions/0/revert/`: Wagtail takes revision 0 for "no revision" and then reads it (AttributeError).
  No revision has the id 0: "not found".
- `documents/chooser/chosen/<pk>/`, `images/chooser/chosen/<pk>/`: an id that is not a number raised ValueError;
  here it is "not found", as for Beacon's snippet choosers (choosers.py).
- `choose-page/chosen-multiple/`: choosing the root page (`?id=1`) raised AttributeError (it has no parent); here
  the root page is never chosen.
"""

from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path, re_path, reverse
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser, workflows
from wagtail.admin.views.bulk_action import index as bulk_action
from wagtail.documents.views import chooser as document_chooser
from wagtail.images.views import chooser as image_chooser
from wagtail.models import Page

from .choosers import is_id


def not_found(request, **kwargs):
    raise Http404("Not found")


def admin_view(view):
    """As Wagtail's admin URLs are: for staff with admin access, never cached."""
    return never_cache(require_admin_access(view))


class WorkflowEdit(workflows.Edit):
    def get_paginated_pages(self):
        # As Wagtail's, but get_page() answers a number past the end with the last page.
        pages = Page.objects.filter(workflowpage__workflow=self.get_object())
        pages.paginator = Paginator(pages, self.MAX_PAGES)
        return pages.paginator.get_page(self.request.GET.get("p", 1))


def bulk_action_checked(request, app_label, model_name, action):
    """Wagtail's bulk action, for ids that are ids only (and, with id=all, a `childOf` that is a page)."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404("Not found") from None
    ids = request.GET.getlist("id")
    if not all(pk == "all" or is_id(model, pk) for pk in ids):
        raise Http404("Not found")
    parent = request.GET.get("childOf")
    if "all" in ids and parent is not None and issubclass(model, Page):
        if not (is_id(Page, parent) and Page.objects.filter(pk=parent).exists()):
            raise Http404("Not found")
    return bulk_action(request, app_label, model_name, action)


class IdOnlyChosen:
    """A chooser's "chosen" view that looks up ids only: anything else is not found."""

    def get_object(self, pk):
        if not is_id(self.model_class, pk):
            raise self.model_class.DoesNotExist  # the view answers it with a 404
        return super().get_object(pk)


class DocumentChosen(IdOnlyChosen, document_chooser.DocumentChosenView):
    pass


class ImageChosen(IdOnlyChosen, image_chooser.ImageChosenView):
    pass


class PagesChosen(chooser.ChosenMultipleView):
    def get(self, request):
        # As Wagtail's, less the root page (depth 1): it has no parent for the answer to name.
        pages = Page.objects.filter(pk__in=request.GET.getlist("id"), depth__gt=1).specific()
        result = [
            {
                "id": page.pk,
                "parentId": page.get_parent().pk,
                "adminTitle": page.get_admin_display_title(),
                "editUrl": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                "url": page.url,
            }
            for page in pages
        ]
        return self.render_chosen_response(result)


urlpatterns = [
    path("failwhale/", never_cache(not_found), name="beacon_admin_error_test"),
    path("workflows/edit/<int:pk>/", admin_view(WorkflowEdit.as_view()), name="beacon_admin_workflow_edit"),
    path(
        "bulk/<str:app_label>/<str:model_name>/<str:action>/",
        admin_view(bulk_action_checked),
        name="beacon_admin_bulk_action",
    ),
    re_path(r"^pages/[0-9]+/revisions/0+/revert/$", admin_view(not_found)),
    path(
        "documents/chooser/chosen/<str:pk>/",
        admin_view(document_chooser.viewset.construct_view(DocumentChosen)),
        name="beacon_admin_document_chosen",
    ),
    path(
        "images/chooser/chosen/<str:pk>/",
        admin_view(image_chooser.viewset.construct_view(ImageChosen)),
        name="beacon_admin_image_chosen",
    ),
    path("choose-page/chosen-multiple/", admin_view(PagesChosen.as_view()), name="beacon_admin_pages_chosen"),
]
