"""Public events for /sitemap.xml. Patrols and non-public events are never listed."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from .models import Event


class EventSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 5000

    def items(self):
        since = timezone.now() - datetime.timedelta(days=30)
        return (
            Event.objects.public()
            .filter(ends_at__gte=since)
            .only("id", "title", "updated_at")
            .order_by("starts_at", "id")
        )

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return item.get_absolute_url()
