from django.contrib.sitemaps import Sitemap

from .models import QandASession


class QandASitemap(Sitemap):
    """Every Q&A session page (all are public), for /sitemap.xml."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return QandASession.objects.order_by("-starts_at", "pk")

    def lastmod(self, session):
        return session.updated_at

    def location(self, session):
        return session.get_absolute_url()
