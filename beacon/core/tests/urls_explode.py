from django.urls import path

from config.urls import handler500  # noqa: F401
from config.urls import urlpatterns as beacon_urlpatterns


def explode(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [path("explode", explode), *beacon_urlpatterns]
