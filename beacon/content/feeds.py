"""The RSS feed of published news at /news/feed/."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from .cache import mark_cacheable
from .origin import absolute_url
from .selectors import news_feed_items
from .text import without_control_characters

FEED_LENGTH = 20


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed
    title = "News"
    description = "News from our campaigns to keep young people safe from drugs and exploitation."

    # Every URL in the feed is on the configured origin (origin.py); Django would otherwise add the request's
    # host to the relative ones.
    def link(self):
        return absolute_url("/news/")

    def feed_url(self):
        return absolute_url(self.request.path)

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return mark_cacheable(super().__call__(request, *args, **kwargs))

    def title(self):  # noqa: F811 (the class attribute is the fallback Feed documents)
        from django.conf import settings

        return f"{settings.BEACON_FORCE_NAME}: news"

    def items(self):
        return news_feed_items(limit=FEED_LENGTH)

    # Pages saved now cannot hold control characters (PublicPageMixin), but older rows may, and one of them in
    # the feed would make the whole feed fail to render: XML 1.0 cannot carry them.
    def item_title(self, item):
        return without_control_characters(item.title)

    def item_description(self, item):
        return without_control_characters(item.summary)

    def item_link(self, item):
        return absolute_url(item.get_url(self.request))

    def item_guid(self, item):
        return self.item_link(item)

    def item_guid_is_permalink(self, item):
        return True

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9, 0)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [without_control_characters(tag.name) for tag in item.tags.all()]
