"""Demo content for the fictional Nene Valley Police: the site root, a four-week campaign with its themes and
lead officers, news, advice pages and real national support services. All copy is written for Beacon.

Idempotent: pages are found by slug under their parent and left alone if they exist; snippets are updated in
place. Campaign dates are set when the campaign is first created, around the week the demo is loaded, so the
home page always has a current campaign week to promote.
"""

from __future__ import annotations

import datetime
import io
import random

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText

from .models import (
    AdviceIndexPage,
    AdvicePage,
    CampaignIndexPage,
    CampaignPage,
    CampaignWeekPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    Officer,
    SupportService,
    Theme,
)
from .origin import site_hostname_and_port

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

THEMES = [
    (
        "Drug harm and county lines",
        "drug-harm",
        "How drug supply networks reach our towns and the harm they do.",
    ),
    (
        "Knife crime",
        "knife-crime",
        "Why people carry knives, what it costs, and how to help someone put one down.",
    ),
    (
        "Violence against women and girls",
        "vawg",
        "Harassment, stalking, abuse and controlling behaviour, in public, at home and online.",
    ),
    (
        "Anti-social behaviour",
        "anti-social-behaviour",
        "Behaviour that makes a street or an estate feel unsafe.",
    ),
    ("Child criminal exploitation", "child-exploitation", "Children groomed or forced into crime by adults."),
]

OFFICERS = [
    ("Chief Inspector", "Dana Whitfield", "Campaign lead, Nene Valley Police"),
    ("Inspector", "Nadia Rahman", "Neighbourhood Inspector, Northampton"),
    ("Sergeant", "Tom Ellison", "Safer Schools and Youth Engagement Team"),
    ("Detective Sergeant", "Marcus Doyle", "Exploitation and Missing Team"),
    ("PC", "Hannah Lowe", "Neighbourhood Officer, Wellingborough"),
]

# Real national services, with the public contact details they publish.
SUPPORT_SERVICES = [
    {
        "name": "Childline",
        "description": "Free, confidential help for anyone under 19, about anything that is worrying them.",
        "phone": "0800 1111",
        "phone_hours": "free, 24 hours a day",
        "website": "https://www.childline.org.uk/",
        "sort_order": 10,
    },
    {
        "name": "Crimestoppers",
        "description": (
            "An independent charity. Tell them what you know about crime and they will pass it on to the police "
            "without your name, number or address. Young people can use their Fearless service."
        ),
        "phone": "0800 555 111",
        "phone_hours": "free, 24 hours a day",
        "website": "https://crimestoppers-uk.org/",
        "sort_order": 20,
    },
    {
        "name": "NSPCC Helpline",
        "description": "For adults who are worried about a child. Speak to a counsellor, or email them at any time.",
        "phone": "0808 800 5000",
        "email": "help@nspcc.org.uk",
        "website": "https://www.nspcc.org.uk/",
        "sort_order": 30,
    },
    {
        "name": "FRANK",
        "description": "Honest, confidential information and advice about drugs, for young people and parents.",
        "phone": "0300 123 6600",
        "phone_hours": "24 hours a day",
        "text_number": "82111",
        "website": "https://www.talktofrank.com/",
        "sort_order": 40,
    },
    {
        "name": "Missing People",
        "description": (
            "If you are thinking of running away, have gone missing, or someone you love is missing. "
            "Call or text: it is free and confidential."
        ),
        "phone": "116 000",
        "phone_hours": "free, 24 hours a day",
        "text_number": "116 000",
        "website": "https://www.missingpeople.org.uk/",
        "sort_order": 50,
    },
    {
        "name": "Modern Slavery and Exploitation Helpline",
        "description": "Confidential advice if you think someone is being forced to work or commit crime.",
        "phone": "08000 121 700",
        "phone_hours": "free, 24 hours a day",
        "website": "https://www.modernslaveryhelpline.org/",
        "sort_order": 60,
    },
    {
        "name": "National Domestic Abuse Helpline",
        "description": "Run by Refuge, for anyone experiencing domestic abuse and the people supporting them.",
        "phone": "0808 2000 247",
        "phone_hours": "free, 24 hours a day",
        "website": "https://www.nationaldahelpline.org.uk/",
        "sort_order": 70,
    },
    {
        "name": "Victim Support",
        "description": "Free, independent support for anyone affected by crime, whether or not it was reported.",
        "phone": "08 08 16 89 111",
        "phone_hours": "free, 24 hours a day",
        "website": "https://www.victimsupport.org.uk/",
        "sort_order": 80,
    },
    {
        "name": "Samaritans",
        "description": "Someone to talk to, whatever you are going through.",
        "phone": "116 123",
        "phone_hours": "free, 24 hours a day",
        "website": "https://www.samaritans.org/",
        "sort_order": 90,
    },
]


# --- helpers --------------------------------------------------------------------------------------


def _publish_child(parent: Page, page: Page) -> Page:
    """Add `page` under `parent` and publish it, unless a page with its slug is already there."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _p(*paragraphs: str) -> tuple:
    return ("paragraph", RichText("".join(f"<p>{text}</p>" for text in paragraphs)))


def _list(*items: str) -> tuple:
    return ("paragraph", RichText("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"))


def _h(text: str, level: str = "h2") -> tuple:
    return ("heading", {"text": text, "level": level})


def _quote(quote: str, officer: Officer) -> tuple:
    return ("quote", {"quote": quote, "attribution": officer.display_name, "role": officer.role})


def _cta(heading: str = "Seen something that worries you?") -> tuple:
    return (
        "call_to_action",
        {
            "heading": heading,
            "text": "Tell us what you know. You do not have to give your name.",
            "button_text": "Report a concern",
        },
    )


def _demo_image(*, title: str, sky: tuple[int, int, int], accent: tuple[int, int, int], seed: int):
    """A small illustration of a street at dusk, drawn with Pillow (no downloads), stored once by title."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    if Collection.get_first_root_node() is None:  # lost, like the page root, when a test flushes the database
        Collection.add_root(name="Root")
    width, height = 1200, 630
    canvas = PILImage.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(canvas)
    for y in range(height):  # sky fading towards the horizon
        blend = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c * (1 - blend * 0.6) + 240 * blend * 0.25) for c in sky),
        )
    rng = random.Random(seed)  # noqa: S311 (decoration, not security)
    x = 0
    while x < width:
        w = rng.randint(110, 200)
        h = rng.randint(180, 360)
        draw.rectangle([x, height - h, x + w - 6, height], fill=(38, 44, 58))
        for wy in range(height - h + 24, height - 40, 46):
            for wx in range(x + 16, x + w - 30, 38):
                if rng.random() < 0.55:
                    draw.rectangle([wx, wy, wx + 18, wy + 24], fill=(250, 214, 120))
        x += w
    draw.rectangle([0, height - 40, width, height], fill=(60, 64, 72))
    draw.rectangle([860, 300, 872, height - 40], fill=(30, 30, 34))
    draw.ellipse([836, 270, 896, 330], fill=accent)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    image = Image(title=title, file=ImageFile(buffer, name=f"demo-{seed}.png"))
    image.save()
    return image


# --- seeding --------------------------------------------------------------------------------------


def seed_home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if (
            root is None
        ):  # a flushed database (browser tests) has lost the tree root Wagtail's migrations made
            Locale.objects.get_or_create(
                language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
            )
            root = Page.add_root(instance=Page(title="Root", slug="root"))
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
    # The default site on the origin Beacon's links use (WAGTAILADMIN_BASE_URL; `make run`: 127.0.0.1:8000),
    # so that the admin's "View live" links lead where the pages are served (origin.py).
    hostname, port = site_hostname_and_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Beacon"
        )
    elif (site.root_page_id, site.hostname, site.port) != (home.id, hostname, port):
        site.root_page = home
        site.site_name = "Beacon"
        if not Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
            site.hostname, site.port = hostname, port
        site.save()
    return home


def _published(snippet):
    """The snippet as the demo defines it, published (the public sees only published snippets)."""
    if not snippet.live or snippet.live_revision_id is None or snippet.has_unpublished_changes:
        snippet.save_revision().publish()
    return snippet


def seed_snippets() -> tuple[dict[str, Theme], dict[str, Officer], dict[str, SupportService]]:
    themes = {}
    for name, slug, description in THEMES:
        theme, _ = Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        themes[slug] = _published(theme)
    officers = {}
    for rank, name, role in OFFICERS:
        officer, _ = Officer.objects.update_or_create(name=name, defaults={"rank": rank, "role": role})
        officers[name] = _published(officer)
    services = {}
    for fields in SUPPORT_SERVICES:
        defaults = {key: value for key, value in fields.items() if key != "name"}
        service, _ = SupportService.objects.update_or_create(name=fields["name"], defaults=defaults)
        services[fields["name"]] = _published(service)
    return themes, officers, services


def seed_campaign(
    home: HomePage, themes: dict, officers: dict
) -> tuple[CampaignPage, list[CampaignWeekPage]]:
    index = _publish_child(
        home,
        CampaignIndexPage(
            title="Campaigns",
            slug="campaigns",
            intro=(
                "What we are doing with schools, youth services and residents across the Nene Valley, "
                "week by week, and how you can get involved."
            ),
        ),
    )
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday() + 14)  # the Monday two weeks ago
    hero = _demo_image(
        title="Illustration: terraced houses at dusk under a street lamp",
        sky=(29, 63, 122),
        accent=(255, 221, 0),
        seed=1,
    )
    campaign = _publish_child(
        index,
        CampaignPage(
            title="Safer Streets, Safer Futures",
            slug="safer-streets-safer-futures",
            hashtag="SaferNeneValley",
            start_date=start,
            end_date=start + datetime.timedelta(days=27),
            summary=(
                "Four weeks of action against the harm drugs and violence do to young people in Northampton, "
                "Wellingborough and Rushden: in schools, on our streets and online."
            ),
            hero_image=hero,
            hero_image_alt="Illustration of a row of houses at dusk with lit windows and a street lamp",
            body=RichText(
                "<p>Each week we focus on one harm. Officers will be in schools and youth clubs, the Beat Bus "
                "will visit town centres and estates, and our teams will act on what residents tell us.</p>"
                "<p>Everyone has a part to play. If something does not feel right, tell us: you can do it "
                "anonymously, and every report is read by a member of our team.</p>"
            ),
        ),
    )
    plans = [
        {
            "week_number": 1,
            "title": "Week 1: drug harm and county lines",
            "slug": "week-1-drug-harm-and-county-lines",
            "theme": themes["drug-harm"],
            "lead_officer": officers["Marcus Doyle"],
            "focus": "education",
            "summary": (
                "How county lines gangs use children to move drugs and money, the signs that a young person is "
                "involved, and what to do about it."
            ),
            "body": (
                "<p>This week our officers visit secondary schools and colleges to talk about how exploitation "
                "starts: a gift, a favour, a lift, a debt that cannot be paid back.</p>"
            ),
            # The week's live Q&A (Thursday evening) is the Q&A demo's finished session, which the week page
            # lists from the Q&A app: planning it here too showed it twice.
            "activities": [
                ("Assemblies at six secondary schools", 0, "Northampton and Wellingborough"),
                ("Beat Bus drop-in", 2, "Abington Street, Northampton"),
            ],
        },
        {
            "week_number": 2,
            "title": "Week 2: knife crime",
            "slug": "week-2-knife-crime",
            "theme": themes["knife-crime"],
            "lead_officer": officers["Nadia Rahman"],
            "focus": "enforcement",
            "summary": (
                "Weapon sweeps, knife amnesty bins and targeted patrols, alongside workshops on why carrying a "
                "knife makes you less safe."
            ),
            "body": (
                "<p>Knives can be handed in anonymously at the amnesty bins at Campbell Square and Wellingborough "
                "police stations. Nobody will ask your name.</p>"
            ),
            "activities": [
                ("Knife amnesty bins open all week", 0, "Campbell Square and Wellingborough police stations"),
                ("Weapon sweep with volunteers", 1, "Racecourse park, Northampton"),
                ("Bleed control training for youth workers", 3, "Kingsthorpe community centre"),
            ],
        },
        {
            "week_number": 3,
            "title": "Week 3: violence against women and girls",
            "slug": "week-3-violence-against-women-and-girls",
            "theme": themes["vawg"],
            "lead_officer": officers["Dana Whitfield"],
            "focus": "support",
            "summary": (
                "Making streets, nights out and online spaces safer for women and girls, and making it easier "
                "to tell us about harassment."
            ),
            "body": (
                "<p>Plain-clothes and uniformed officers will patrol the town centre at night with street "
                "pastors, and we will run sessions with schools on healthy relationships.</p>"
            ),
            "activities": [
                ("Night-time economy patrols with street pastors", 4, "Northampton town centre"),
                ("Healthy relationships workshops", 1, "Rushden secondary schools"),
            ],
        },
        {
            "week_number": 4,
            "title": "Week 4: anti-social behaviour",
            "slug": "week-4-anti-social-behaviour",
            "theme": themes["anti-social-behaviour"],
            "lead_officer": officers["Hannah Lowe"],
            "focus": "prevention",
            "summary": (
                "Working with councils, housing providers and youth services on the places residents told us "
                "feel unsafe."
            ),
            "body": (
                "<p>We will publish what residents told us during the campaign and what we and our partners "
                "are doing about each place.</p>"
            ),
            "activities": [
                ("Community clean-up and street surgery", 5, "Queensway, Wellingborough"),
                ("Youth football tournament with Northampton youth services", 2, "Duston"),
            ],
        },
    ]
    weeks = []
    for number, plan in enumerate(plans):
        week_start = campaign.start_date + datetime.timedelta(days=7 * number)
        activities = [
            (
                "activity",
                {
                    "title": title,
                    "date": week_start + datetime.timedelta(days=offset),
                    "place": place,
                    "description": "",
                },
            )
            for title, offset, place in plan["activities"]
        ]
        weeks.append(
            _publish_child(
                campaign,
                CampaignWeekPage(
                    title=plan["title"],
                    slug=plan["slug"],
                    week_number=plan["week_number"],
                    start_date=week_start,
                    end_date=week_start + datetime.timedelta(days=6),
                    theme=plan["theme"],
                    lead_officer=plan["lead_officer"],
                    focus=plan["focus"],
                    summary=plan["summary"],
                    body=RichText(plan["body"]),
                    planned_activities=activities,
                ),
            )
        )
    return campaign, weeks


def seed_news(home: HomePage, weeks: list[CampaignWeekPage], officers: dict) -> int:
    index = _publish_child(
        home,
        NewsIndexPage(
            title="News",
            slug="news",
            intro="What our teams have been doing, what we have found, and what happens next.",
        ),
    )
    doyle, rahman, whitfield, lowe, ellison = (
        officers["Marcus Doyle"],
        officers["Nadia Rahman"],
        officers["Dana Whitfield"],
        officers["Hannah Lowe"],
        officers["Tom Ellison"],
    )
    picture = _demo_image(
        title="Illustration: a quiet street at night with a lamp",
        sky=(18, 32, 64),
        accent=(120, 200, 255),
        seed=2,
    )
    articles = [
        {
            "title": "Campaign launches with a promise to listen",
            "slug": "campaign-launches-with-a-promise-to-listen",
            "week": 0,
            "day": 0,
            "tags": ["campaign", "county lines"],
            "summary": "Safer Streets, Safer Futures begins today with school visits and a new way to report online.",
            "hero": True,
            "body": [
                _p(
                    "Our four-week campaign against drug harm and exploitation started this morning with "
                    "assemblies in six secondary schools.",
                    "Residents can now report concerns through this website at any time, and choose whether to "
                    "give their name.",
                ),
                _quote(
                    "The people who exploit children rely on nobody noticing. Every piece of information helps "
                    "us build a picture, however small it seems.",
                    whitfield,
                ),
                _h("What happens to a report"),
                _p(
                    "Every report is read by a trained member of our team. The most urgent, such as a child in "
                    "danger, are seen first."
                ),
                _cta(),
            ],
        },
        {
            "title": "Three arrests after deal line is shut down",
            "slug": "three-arrests-after-deal-line-is-shut-down",
            "week": 0,
            "day": 3,
            "tags": ["county lines", "arrests"],
            "summary": (
                "Officers arrested three adults and safeguarded two teenagers after information from residents "
                "about a drug line operating in Kingsthorpe."
            ),
            "body": [
                _p(
                    "Detectives from the Exploitation and Missing Team executed a warrant at an address in "
                    "Kingsthorpe on Wednesday. Three adults were arrested on suspicion of being concerned in the "
                    "supply of class A drugs.",
                    "Two boys aged 15 and 16 were found at the address. They are being supported by social care "
                    "and are being treated as victims of exploitation.",
                ),
                _quote(
                    "Children drawn into county lines are victims first. Our priority was getting those two boys "
                    "somewhere safe.",
                    doyle,
                ),
                _cta("Worried that a child is being used to sell drugs?"),
            ],
        },
        {
            "title": "Hundreds of knives handed in during amnesty",
            "slug": "hundreds-of-knives-handed-in-during-amnesty",
            "week": 1,
            "day": 4,
            "tags": ["knife crime"],
            "summary": "The amnesty bins at two police stations collected more blades in a week than in the last year.",
            "body": [
                _p(
                    "The knife amnesty bins at Campbell Square and Wellingborough stayed open all week. Among the "
                    "blades handed in were kitchen knives, machetes and a sword.",
                ),
                (
                    "image",
                    {
                        "image": picture,
                        "alt_text": "Illustration of a quiet residential street at night under a lamp",
                        "decorative": False,
                        "caption": "Volunteers swept parks and alleys for hidden weapons.",
                    },
                ),
                _quote(
                    "Every knife in a bin is one that cannot be used on a street. If you know someone who carries "
                    "one, talk to them, or tell us.",
                    rahman,
                ),
                _cta(),
            ],
        },
        {
            "title": "Youth workers trained to stop bleeding",
            "slug": "youth-workers-trained-to-stop-bleeding",
            "week": 1,
            "day": 3,
            "tags": ["knife crime", "training"],
            "summary": "Forty youth workers and coaches learned how to keep someone alive until an ambulance arrives.",
            "body": [
                _p(
                    "The sessions, run with paramedics, covered how to apply pressure to a wound and how to "
                    "call for help with an accurate location.",
                ),
                _quote(
                    "We hope they never need it. But the first minutes after a stabbing decide whether someone "
                    "lives.",
                    ellison,
                ),
            ],
        },
        {
            "title": "Night patrols with street pastors this weekend",
            "slug": "night-patrols-with-street-pastors-this-weekend",
            "week": 2,
            "day": 4,
            "tags": ["violence against women and girls", "night-time economy"],
            "summary": "Officers and volunteers will be in Northampton town centre on Friday and Saturday nights.",
            "body": [
                _p(
                    "Look for the officers in high-visibility jackets near the bus station and on Bridge Street. "
                    "You can ask them for help getting home safely, or tell them about anyone behaving in a way "
                    "that worries you.",
                ),
                _cta("Experienced harassment or seen someone at risk?"),
            ],
        },
        {
            "title": "What residents told us about unsafe places",
            "slug": "what-residents-told-us-about-unsafe-places",
            "week": 3,
            "day": 0,
            "tags": ["anti-social behaviour"],
            "summary": "Our street surgeries heard about poorly lit paths, empty flats and groups gathering late.",
            "body": [
                _p(
                    "We will share each place with the council and housing providers, and report back here on "
                    "what changes.",
                ),
                _quote("You told us where you feel unsafe. Now it is our job to show you what we did.", lowe),
            ],
        },
    ]
    today = timezone.localdate()
    count = 0
    for article in articles:
        week = weeks[article["week"]]
        date = week.start_date + datetime.timedelta(days=article["day"])
        if date > today:
            continue  # news is only published once the day it describes has come
        page = NewsArticlePage(
            title=article["title"],
            slug=article["slug"],
            date=date,
            summary=article["summary"],
            body=article["body"],
            campaign_week=week,
        )
        if article.get("hero"):
            page.hero_image = _demo_image(
                title="Illustration: terraced houses at dusk under a street lamp",
                sky=(29, 63, 122),
                accent=(255, 221, 0),
                seed=1,
            )
            page.hero_image_alt = "Illustration of a row of houses at dusk with lit windows and a street lamp"
        existing = index.get_children().filter(slug=page.slug).exists()
        if not existing:
            page.tags.add(*article["tags"])
        _publish_child(index, page)
        count += 1
    return count


def seed_advice(home: HomePage, services: dict) -> int:
    index = _publish_child(
        home,
        AdviceIndexPage(
            title="Advice",
            slug="advice",
            intro=(
                "Plain advice for parents, carers, teachers and young people about exploitation, drugs and "
                "violence, and where to get help."
            ),
        ),
    )
    s = services
    topics = [
        AdvicePage(
            title="Signs a child is being criminally exploited",
            slug="signs-of-child-criminal-exploitation",
            summary=(
                "Child criminal exploitation is when someone uses a child to commit crime for them. These are "
                "the changes to look out for."
            ),
            body=[
                _p(
                    "Any child can be exploited, whatever their background. The people who do it are skilled at "
                    "making a child feel special, then trapped.",
                ),
                _h("Changes you might notice"),
                _list(
                    "new clothes, trainers, phones or money they cannot explain",
                    "more than one phone, or a phone that never stops ringing",
                    "going missing, coming home late, or being found far from home",
                    "new, older friends, or friends you never meet",
                    "getting lifts or taxis from people you do not know",
                    "injuries they will not talk about",
                    "losing interest in school, sport or friends they used to see",
                    "seeming frightened, secretive or angry when asked where they have been",
                ),
                _p(
                    "One sign on its own may mean nothing. Several together, or a sudden change, are worth "
                    "acting on.",
                ),
                _h("What to do"),
                _p(
                    "If a child is in danger now, call 999. Otherwise, talk to the child's school, call the "
                    "NSPCC, or report what you have noticed to us.",
                ),
                _cta("Worried about a child?"),
                (
                    "support_services",
                    {"heading": "Who can help", "services": [s["NSPCC Helpline"], s["Childline"]]},
                ),
            ],
        ),
        AdvicePage(
            title="County lines explained",
            slug="county-lines",
            summary=(
                "How drug networks from cities use a single phone line and young or vulnerable people to sell "
                "drugs in towns like ours."
            ),
            body=[
                _p(
                    "A county line is the phone number buyers use to order drugs. The people who run it often "
                    "live elsewhere and send children or vulnerable adults to carry drugs and cash.",
                ),
                _h("Why children are used"),
                _p(
                    "Children are cheaper, easier to control and less likely to be suspected. They are often "
                    "told they owe a debt, or threatened, so that they feel they cannot leave.",
                ),
                _h("What you can tell us"),
                _list(
                    "phone numbers used to sell drugs",
                    "vehicles and registrations seen dropping people off",
                    "addresses where people come and go at all hours",
                    "names or nicknames, and social media accounts",
                ),
                _cta(),
                (
                    "support_services",
                    {"heading": "Where to get help", "services": [s["Crimestoppers"], s["FRANK"]]},
                ),
            ],
        ),
        AdvicePage(
            title="Cuckooing: when someone takes over a home",
            slug="cuckooing",
            summary=(
                "Criminals move into the home of a vulnerable person and use it to deal drugs. Here is how to "
                "spot it and help."
            ),
            body=[
                _p(
                    "Cuckooing usually targets people who live alone, use drugs or alcohol, have a learning "
                    "disability or mental health needs, or are lonely. It can start with a friendly visit.",
                ),
                _h("Signs at a neighbour's home"),
                _list(
                    "lots of visitors, often for a few minutes, at all times of day and night",
                    "new faces staying, and the person who lives there rarely seen",
                    "cars waiting outside with engines running",
                    "windows covered and curtains always drawn",
                    "the resident seems frightened, withdrawn or has injuries",
                ),
                _cta("Worried about a neighbour?"),
                (
                    "support_services",
                    {"heading": "Where to get help", "services": [s["Crimestoppers"], s["Victim Support"]]},
                ),
            ],
        ),
        AdvicePage(
            title="Talking to your child about exploitation",
            slug="talking-to-your-child",
            summary="Start early, keep it calm, and make sure your child knows they can always come home to you.",
            body=[
                _p(
                    "Children are more likely to tell you something is wrong if they already know you will "
                    "listen without shouting.",
                ),
                _h("Tips from our Safer Schools team"),
                _list(
                    "talk side by side, in the car or while walking, rather than face to face",
                    "ask what they have heard about county lines or knives at school",
                    "explain that anyone offering gifts, money or a way to earn fast may want something back",
                    "tell them that if they are ever in trouble, they will not be blamed for asking for help",
                    "agree a code word they can text you if they need collecting, no questions asked",
                ),
                _quote(
                    "Most young people we meet say they would have told someone sooner if they had known they "
                    "would not get into trouble.",
                    Officer.objects.get(name="Tom Ellison"),
                ),
                (
                    "support_services",
                    {"heading": "Support for parents", "services": [s["NSPCC Helpline"], s["FRANK"]]},
                ),
            ],
        ),
        AdvicePage(
            title="Where to get help",
            slug="where-to-get-help",
            summary="National services that are free and confidential. Some let you stay anonymous.",
            body=[
                _p(
                    "If someone is in danger now, call 999. For anything else you can call us on 101, or "
                    "contact one of these services.",
                ),
                (
                    "support_services",
                    {
                        "heading": "Support services",
                        "services": list(SupportService.objects.order_by("sort_order", "name")),
                    },
                ),
            ],
        ),
    ]
    for topic in topics:
        _publish_child(index, topic)
    return len(topics)


def seed(*, stdout) -> HomePage:
    home = seed_home()
    stdout.write("  home page: ready")
    themes, officers, services = seed_snippets()
    stdout.write(
        f"  snippets: {len(themes)} themes, {len(officers)} officers, {len(services)} support services"
    )
    campaign, weeks = seed_campaign(home, themes, officers)
    stdout.write(f"  campaign: {campaign.title}, {len(weeks)} weeks from {campaign.start_date:%-d %B %Y}")
    articles = seed_news(home, weeks, officers)
    advice = seed_advice(home, services)
    stdout.write(f"  news and advice: {articles} articles published so far, {advice} advice pages")
    return home
