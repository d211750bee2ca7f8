from django.urls import path

from . import views
from .feeds import NewsFeed

app_name = "content"

# Routes the content app serves outside Wagtail's page tree (feeds, sitemap, robots.txt, search).
urlpatterns = [
    path("news/feed/", NewsFeed(), name="news_feed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("search/", views.search, name="search"),
]
