from django.conf import settings


def beacon(request):
    """Values every page's shell needs. Kept free of database reads so that error pages render too."""
    return {
        "BEACON_FORCE_NAME": settings.BEACON_FORCE_NAME,
        "BEACON_PHASE": settings.BEACON_PHASE,
    }
