from django.urls import path  # noqa: F401

app_name = "content"

# Routes the content app serves outside Wagtail's page tree (feeds, sitemap, robots.txt).
urlpatterns: list = []
