"""Wagtail admin views Beacon answers in place of Wagtail's own, at the same paths (config/urls.py puts these before
Wagtail's admin URLs), each because Wagtail's gave a 500 to a member of staff:

- `failwhale/`: Wagtail's deliberate error page, there to test error reporting, raised an exception for anyone
  signed in. Beacon answers it with "not found".
- `workflows/edit/<pk>/`: a page number past the last page of the workflow's pages raised EmptyPage; here it shows
  the last page (an unreadable one is dropped first by admin_params.py).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import workflows
from wagtail.models import Page


def not_found(request):
    raise Http404("Not found")


class WorkflowEdit(workflows.Edit):
    def get_paginated_pages(self):
        # As Wagtail's, but get_page() answers a number past the end with the last page.
        pages = Page.objects.filter(workflowpage__workflow=self.get_object())
        pages.paginator = Paginator(pages, self.MAX_PAGES)
        return pages.paginator.get_page(self.request.GET.get("p", 1))


urlpatterns = [
    path("failwhale/", never_cache(not_found), name="beacon_admin_error_test"),
    path(
        "workflows/edit/<int:pk>/",
        never_cache(require_admin_access(WorkflowEdit.as_view())),
        name="beacon_admin_workflow_edit",
    ),
]
