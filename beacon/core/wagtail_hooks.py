"""The Wagtail admin under Beacon's strict Content-Security-Policy: no inline script, no eval, no inline style.

Wagtail 8 still starts some panels and widgets with inline `<script>` elements, which the policy blocks
(and with them InlinePanel, the date pickers and the choosers). Beacon never relaxes the policy for the
admin. Instead, the templates in beacon/core/templates/wagtailadmin/ print an inert element carrying the same
arguments (`<span hidden data-beacon-admin-init="initDateChooser" data-id="…" data-config="…">`), and
beacon/admin-csp.js, loaded on every admin page by the hook below, makes the call the inline script made.

Chooser widgets (page, image, document, snippet and task choosers) write their inline script in Python rather
than in a template, so `BaseChooser.render` is wrapped here to print the same kind of inert element.

Two more wrappers keep the admin's forms from a 500 when a request carries an id that is not one (a chooser
field shown again with the value its form refused; an inline panel's item whose id is missing or not an id).
Others do the same for Wagtail views that read a form's value as it came (copying a page, importing redirects,
the link chooser, replacing a snippet's draft with an earlier version) or show a document's address:
beacon/core/tests/test_admin_posts.py posts an empty form to every admin URL to find more of them.
"""

import json
import os
import re

from django import forms
from django.forms.formsets import BaseFormSet
from django.templatetags.static import static
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.generic import FormView
from modelcluster.forms import BaseTransientModelFormSet
from wagtail import hooks
from wagtail.admin.forms.choosers import URLOrAbsolutePathField
from wagtail.admin.views.generic.mixins import RevisionsRevertMixin
from wagtail.admin.views.pages.copy import CopyView
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.contrib.redirects.forms import ConfirmImportManagementForm
from wagtail.contrib.redirects.tmp_storages import TempFolderStorage
from wagtail.contrib.redirects.utils import get_file_storage
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page

from .choosers import is_id

# What BaseChooser.render appends to the widget: `<script>new PageChooser("id_x", {...});</script>`, or
# for AdminTaskChooser `<script>createTaskChooser("id_x");</script>`.
_CHOOSER_SCRIPT = re.compile(
    r"<script>(?:new )?(?P<name>[A-Za-z_$][\w$]*)\((?P<args>.*)\);</script>\s*\Z", re.S
)


def inert_chooser_script(html: str) -> str:
    """Swap the inline script at the end of a chooser widget's HTML for an inert element with its arguments.

    HTML of any other shape is returned unchanged: the browser then blocks the script, and the admin CSP
    browser test (e2e/test_admin_csp.py) reports the violation.
    """
    match = _CHOOSER_SCRIPT.search(html)
    if not match:
        return html
    try:
        args = json.loads(f"[{match['args']}]")
    except ValueError:
        return html
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        return html
    config = format_html(' data-config="{}"', json.dumps(args[1])) if len(args) == 2 else ""
    element = format_html(
        '<span hidden data-beacon-admin-init="{}" data-id="{}"{}></span>', match["name"], args[0], config
    )
    return mark_safe(html[: match.start()] + element)  # noqa: S308 - the widget's own (safe) HTML and escaped values


def _replace_once(owner, name: str, replacement) -> None:
    """Put `replacement` in place of `owner.name`, only once even if this module is imported again."""
    if not getattr(getattr(owner, name), "beacon_replacement", False):
        replacement.beacon_replacement = True
        setattr(owner, name, replacement)


_wagtail_chooser_render = BaseChooser.render


def _chooser_render_without_inline_script(self, name, value, attrs=None, renderer=None):
    return inert_chooser_script(_wagtail_chooser_render(self, name, value, attrs, renderer))


_replace_once(BaseChooser, "render", _chooser_render_without_inline_script)


# A chooser field shown again with a value its form refused (an image "²") looked the value up as an id, and
# the ValueError was a 500 instead of the form's own message: a value that cannot be an id shows nothing chosen.
_wagtail_chooser_get_instance = BaseChooser.get_instance


def _chooser_instance_or_none(self, value):
    if value is not None and not isinstance(value, self.model_class) and not is_id(self.model_class, value):
        return None
    return _wagtail_chooser_get_instance(self, value)


_replace_once(BaseChooser, "get_instance", _chooser_instance_or_none)


# The inline panels' formsets (modelcluster, e.g. the items of Q&A answers) read each existing item's id from
# the form as it came: a body without it (a management form counting more items than were sent) raised
# KeyError, and one that is not an id raised ValidationError, both 500s. Such an item is taken as a new one,
# as modelcluster itself takes an empty id; the form then says what is missing.
_modelcluster_construct_form = BaseTransientModelFormSet._construct_form


def _construct_form_tolerating_bad_ids(self, i, **kwargs):
    if self.is_bound and i < self.initial_form_count():
        value = self.data.get(f"{self.add_prefix(i)}-{self.model._meta.pk.name}")
        if value is None or not is_id(self.model, value):
            kwargs["instance"] = self.model()
            return BaseFormSet._construct_form(self, i, **kwargs)
    return _modelcluster_construct_form(self, i, **kwargs)


_replace_once(BaseTransientModelFormSet, "_construct_form", _construct_form_tolerating_bad_ids)


# Copying a page: Wagtail looked the new parent page up as the form sent it, before the form checked it, so a
# post without one (or with a value that is no page's id) was a 500 (KeyError, ValueError, DoesNotExist). Then
# the form is shown again with its own error ("This field is required", "Select a valid choice").
_wagtail_copy_post = CopyView.post


def _copy_post_showing_the_forms_errors(self, request, page_id, *args, **kwargs):
    value = request.POST.get("new_parent_page")
    if value and is_id(Page, value) and Page.objects.filter(pk=value).exists():
        return _wagtail_copy_post(self, request, page_id, *args, **kwargs)
    return FormView.post(self, request, page_id, *args, **kwargs)  # the parent shown stays the page's own


_replace_once(CopyView, "post", _copy_post_showing_the_forms_errors)


# Importing redirects, the confirm step: Wagtail unsigned the two hidden fields that name the uploaded file
# without checking that they came (a KeyError, a 500, for a post without them), and read the file without
# checking it was still there (a 500 when the confirmation is sent twice: the first import deletes it). Either
# way the form is now invalid, and Wagtail's view answers 400 as it does for a value that was tampered with.
_wagtail_import_clean = ConfirmImportManagementForm.clean


def _import_clean_with_the_file_named(self):
    if not all(self.cleaned_data.get(key) for key in ("import_file_name", "input_format")):
        return self.cleaned_data  # the fields' own errors ("This field is required") make the form invalid
    cleaned = _wagtail_import_clean(self)
    storage = get_file_storage()(name=cleaned["import_file_name"])
    if isinstance(storage, TempFolderStorage) and not os.path.isfile(storage.get_full_path()):
        raise forms.ValidationError("The uploaded file is no longer here: upload it again")
    return cleaned


_replace_once(ConfirmImportManagementForm, "clean", _import_clean_with_the_file_named)


# The link chooser's URL field (the rich text editor's "external link") took a post without it for a 500
# (AttributeError: None.startswith): a missing URL is an empty one, which the form says is required.
_wagtail_url_or_path_to_python = URLOrAbsolutePathField.to_python


def _url_or_path_to_python_when_missing(self, value):
    return _wagtail_url_or_path_to_python(self, "" if value is None else value)


_replace_once(URLOrAbsolutePathField, "to_python", _url_or_path_to_python_when_missing)


# Replacing a snippet's draft with an earlier version: Wagtail checked the form as it checks a draft (required
# fields may be empty), then saved the revision with every check, so a version sent with a required field
# emptied was a 500 (ValidationError). The form is checked in full instead, and says which fields are needed.
_wagtail_revert_setup = RevisionsRevertMixin.setup


def _revert_setup_checking_in_full(self, request, *args, **kwargs):
    _wagtail_revert_setup(self, request, *args, **kwargs)
    self.saving_as_draft = False


_replace_once(RevisionsRevertMixin, "setup", _revert_setup_checking_in_full)


# Beacon serves no uploaded document (no wagtail.documents.urls: beacon/content/rich_text.py), so a document's
# address could not be made and every screen that shows one (editing it in the documents library, choosing it)
# was a 500 (NoReverseMatch 'wagtaildocs_serve'). Such a document has no address: the screens show no link.
_wagtail_document_url = AbstractDocument.url.fget


def _document_url_or_none(self):
    try:
        return _wagtail_document_url(self)
    except NoReverseMatch:
        return ""


if not getattr(_wagtail_document_url, "beacon_replacement", False):  # as _replace_once, for a property
    _document_url_or_none.beacon_replacement = True
    AbstractDocument.url = property(_document_url_or_none)


@hooks.register("insert_global_admin_js")
def admin_csp_js():
    # Printed after Wagtail's own scripts (core.js defines InlinePanel) and before the page's form media
    # (date-time-chooser.js, chooser-widget.js...); `defer` runs it once all of those have run, before
    # DOMContentLoaded, which is when Wagtail's inline scripts would have run too.
    return format_html('<script src="{}" defer></script>', static("beacon/admin-csp.js"))
