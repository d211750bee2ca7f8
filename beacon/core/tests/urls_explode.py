from django.urls import path

from config.urls import handler500, urlpatterns as beacon_urlpatterns  # noqa: F401


def explode(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [path("explode", explode), *beacon_urlpatterns]
