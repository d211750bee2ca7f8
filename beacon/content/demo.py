"""Demo content for the site root. Later issues extend it with campaigns, news and advice."""

from wagtail.models import Page, Site

from .models import HomePage

PROMOS = [
    {
        "heading": "Signs a child is being exploited",
        "text": "Unexplained money, new phones, going missing, older friends: what to look out for and who can help.",
        "url": "/advice/",
    },
    {
        "heading": "Meet us at the Beat Bus",
        "text": "Our mobile police station visits town centres and estates. Drop in for a chat, in confidence.",
        "url": "/events/",
    },
    {
        "heading": "Ask us a question",
        "text": "Send a question for our next live Q&A with the officer leading the campaign.",
        "url": "/qanda/",
    },
]


def seed(*, stdout) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's initial migration makes a placeholder "Welcome" page; Beacon's home replaces it.
        for placeholder in root.get_children().exclude(content_type__model="homepage"):
            placeholder.delete()
        home = HomePage(
            title="Beacon",
            slug="home",
            hero_heading="Help keep young people safe from drugs and exploitation",
            hero_text=(
                "Tell us what you know about drug dealing, county lines or a child being drawn into crime. "
                "You do not have to give your name."
            ),
            promos=[("promo", promo) for promo in PROMOS],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Beacon"
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "Beacon"
        site.save()
    stdout.write("  home page: ready")
    return home
