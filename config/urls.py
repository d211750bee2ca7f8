from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("", include("beacon.core.urls")),
    path("account/", include("beacon.accounts.urls")),
    path("admin/", include("beacon.core.admin_urls")),  # some of Wagtail's admin views, mended
    path("admin/", include(wagtailadmin_urls)),
    path("feedback/", include("beacon.feedback.urls")),
    path("report/", include("beacon.reporting.urls")),
    path("events/", include("beacon.events.urls")),
    path("qanda/", include("beacon.qanda.urls")),
    path("", include("beacon.content.urls")),
]

if settings.BEACON_BENCH_BASELINES:
    urlpatterns.insert(0, path("bench/", include("beacon.core.bench_urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything else: home, campaigns, news, advice. Its own sign-in form takes a password
# alone: private pages use Beacon's sign-in steps (WAGTAIL_FRONTEND_LOGIN_URL) instead.
urlpatterns += [
    path("_util/login/", RedirectView.as_view(url="/account/sign-in/", query_string=True)),
    path("", include(wagtail_urls)),
]

handler400 = "beacon.core.views.bad_request"
handler403 = "beacon.core.views.permission_denied"
handler404 = "beacon.core.views.page_not_found"
handler500 = "beacon.core.views.server_error"
