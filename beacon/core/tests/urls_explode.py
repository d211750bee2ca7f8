from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as beacon_urlpatterns


def explode(request):
    raise RuntimeError("a fault in a view")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("explode", explode), path("forbidden", forbidden), *beacon_urlpatterns]
