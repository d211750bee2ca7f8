"""Baselines for the benchmarks in bench/, routed only when BEACON_BENCH_BASELINES is set.

`/bench/page?bytes=N` is a plain Django template page of about N bytes (no database, no middleware work beyond
the stack every page has); `/bench/insert` inserts one 2 KB row with a bare cursor into `bench_row`, a table
the benchmark harness creates. Beacon's own pages and submissions are compared with these in the same run.
"""

import secrets

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

FILLER = "Beacon baseline paragraph of ordinary text for a plain template page. "


def page(request):
    try:
        size = max(0, min(int(request.GET.get("bytes", "15000")), 500_000))
    except ValueError:
        size = 15000
    paragraphs = [FILLER * 3] * max(1, size // (len(FILLER) * 3 + 10))
    return render(request, "core/bench_page.html", {"paragraphs": paragraphs})


@csrf_exempt
@require_POST
def insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (payload) VALUES (%s)", [secrets.token_hex(1024)])
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("page", page), path("insert", insert)]
