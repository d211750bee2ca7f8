"""The size check every public form's POST goes through before anything reads its body.

Without it, a body over Django's limit for form data (DATA_UPLOAD_MAX_MEMORY_SIZE) makes the first read of
`request.POST` (the CSRF check's, or the view's) raise RequestDataTooBig: the visitor gets the bare 400 page and
the log an ERROR traceback. With it, they get a page saying what they sent was too long, and a way back.
"""

import functools

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# A page of answers is a few KB. Up to Django's own limit for form data, an over-long answer gets its field's
# error message (the form comes back with what was typed); beyond it, a page explaining the answer was too long.
SMALL_BODY = 2 * 1024 * 1024


def body_limit(limit, *, back: str = "", template: str = "core/too_large.html", context=None):
    """Refuse an over-large POST from its Content-Length, before the body is read, with `template` (status 413)
    saying why and linking back: to the URL named `back`, for a view that takes only POSTs; otherwise to the
    same page. `limit` is a number of bytes or a function giving it; `context`, a function giving more for the
    template. The CSRF check runs after the size check (so it never buffers an over-large body)."""

    def decorator(view):
        protected = csrf_protect(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                try:
                    length = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    length = 0
                maximum = limit() if callable(limit) else limit
                if length > maximum:
                    back_url = reverse(back) if back else request.get_full_path()
                    extra = context() if context else {}
                    return render(request, template, {"back_url": back_url, **extra}, status=413)
            return protected(request, *args, **kwargs)

        return never_cache(csrf_exempt(wrapper))

    return decorator
