"""Every page type created through the Wagtail admin with Wagtail's test helpers; parent/child rules; the
validation editors see for bad input."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from beacon.accounts import roles
from beacon.accounts.models import User
from beacon.content.models import (
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

from .conftest import make_image

START = datetime.date(2026, 3, 2)


def signed_in_with_second_factor(client, user):
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


class AdminTestCase(WagtailPageTestCase):
    def setUp(self):
        super().setUp()
        self.user = User.objects.create_superuser(
            "admin-test", "admin@beacon.invalid", "a-long-test-password"
        )
        signed_in_with_second_factor(self.client, self.user)
        self.root = Page.get_first_root_node()
        self.home = self.root.add_child(instance=HomePage(title="Beacon", slug="beacon-test-home"))
        self.theme = Theme.objects.update_or_create(slug="knife-crime", defaults={"name": "Knife crime"})[0]
        self.officer = Officer.objects.create(rank="PC", name="Sam Lee", role="Neighbourhood officer")

    def campaign(self):
        index = self.home.add_child(instance=CampaignIndexPage(title="Campaigns", slug="campaigns"))
        return index.add_child(
            instance=CampaignPage(
                title="Spring",
                slug="spring",
                start_date=START,
                end_date=START + datetime.timedelta(days=13),
                summary="Two weeks.",
            )
        )

    def week_data(self, **overrides):
        data = {
            "title": "Week 1",
            "slug": "week-1",
            "week_number": "1",
            "start_date": START.isoformat(),
            "end_date": (START + datetime.timedelta(days=6)).isoformat(),
            "theme": str(self.theme.pk),
            "lead_officer": str(self.officer.pk),
            "focus": "education",
            "summary": "The first week.",
            "body": rich_text("<p>What we will do.</p>"),
            "planned_activities": streamfield([]),
        }
        data.update(overrides)
        return nested_form_data(data)

    def post_create(self, parent, model, data):
        url = reverse(
            "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
        )
        return self.client.post(url, {**data, "action-publish": "action-publish"})


class TestParentChildRules(AdminTestCase):
    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(HomePage, CampaignIndexPage)
        self.assertCanCreateAt(HomePage, NewsIndexPage)
        self.assertCanCreateAt(HomePage, AdviceIndexPage)
        self.assertAllowedParentPageTypes(CampaignIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CampaignIndexPage, {CampaignPage})
        self.assertAllowedParentPageTypes(CampaignPage, {CampaignIndexPage})
        self.assertAllowedSubpageTypes(CampaignPage, {CampaignWeekPage})
        self.assertAllowedParentPageTypes(CampaignWeekPage, {CampaignPage})
        self.assertAllowedSubpageTypes(CampaignWeekPage, set())
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsArticlePage})
        self.assertAllowedParentPageTypes(NewsArticlePage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(AdviceIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AdviceIndexPage, {AdvicePage})
        self.assertAllowedParentPageTypes(AdvicePage, {AdviceIndexPage})
        self.assertCanNotCreateAt(NewsIndexPage, CampaignWeekPage)
        self.assertCanNotCreateAt(CampaignPage, NewsArticlePage)


class TestCreateEveryPageType(AdminTestCase):
    def test_create_each_page_type_through_the_admin(self):
        # There can be only one HomePage: the one setUp made gives way to one made through the admin.
        self.home.delete()
        self.assertCanCreate(
            self.root,
            HomePage,
            nested_form_data(
                {
                    "title": "Beacon",
                    "slug": "beacon-admin-home",
                    "hero_heading": "Help keep young people safe",
                    "hero_text": "Tell us what you know.",
                    "promote_current_week": "on",
                    "promos": streamfield(
                        [("promo", {"heading": "Report", "text": "Tell us.", "page": "", "url": "/report/"})]
                    ),
                }
            ),
        )
        self.home = HomePage.objects.get()
        assert self.home.live and self.home.promote_current_week
        assert self.home.promos[0].value["url"] == "/report/"
        self.assertCanCreate(
            self.home, CampaignIndexPage, nested_form_data({"title": "Campaigns", "intro": "All"})
        )
        campaigns = CampaignIndexPage.objects.get()
        image = make_image()
        self.assertCanCreate(
            campaigns,
            CampaignPage,
            nested_form_data(
                {
                    "title": "Summer of action",
                    "hashtag": "#SummerAction",
                    "start_date": START.isoformat(),
                    "end_date": (START + datetime.timedelta(days=27)).isoformat(),
                    "summary": "Four weeks.",
                    "hero_image": str(image.pk),
                    "hero_image_alt": "Officers on patrol at dusk",
                    "body": rich_text("<p>About the campaign.</p>"),
                }
            ),
        )
        campaign = CampaignPage.objects.get()
        assert campaign.hashtag == "SummerAction" and campaign.live
        self.assertCanCreate(
            campaign,
            CampaignWeekPage,
            self.week_data(
                planned_activities=streamfield(
                    [
                        (
                            "activity",
                            {
                                "title": "Assembly",
                                "date": START.isoformat(),
                                "place": "Park School",
                                "description": "",
                            },
                        )
                    ]
                )
            ),
        )
        week = CampaignWeekPage.objects.get()
        assert (week.theme, week.lead_officer, week.week_number) == (self.theme, self.officer, 1)
        assert week.planned_activities[0].value["title"] == "Assembly"

        self.assertCanCreate(self.home, NewsIndexPage, nested_form_data({"title": "News", "intro": ""}))
        news = NewsIndexPage.objects.get()
        self.assertCanCreate(
            news,
            NewsArticlePage,
            nested_form_data(
                {
                    "title": "Knives handed in",
                    "date": START.isoformat(),
                    "summary": "Bins collected knives.",
                    "hero_image": "",
                    "hero_image_alt": "",
                    "campaign_week": str(week.pk),
                    "tags": "knife crime, amnesty",
                    "body": streamfield(
                        [
                            ("paragraph", rich_text("<p>Text.</p>")),
                            ("heading", {"text": "What next", "level": "h2"}),
                            ("quote", {"quote": "Hand them in.", "attribution": "PC Sam Lee", "role": ""}),
                            (
                                "image",
                                {
                                    "image": str(image.pk),
                                    "alt_text": "A knife bin",
                                    "decorative": "",
                                    "caption": "",
                                },
                            ),
                            (
                                "call_to_action",
                                {"heading": "Worried?", "text": "Tell us.", "button_text": "Report"},
                            ),
                        ]
                    ),
                }
            ),
        )
        story = NewsArticlePage.objects.get()
        assert story.campaign_week_id == week.pk and {t.name for t in story.tags.all()} == {
            "knife crime",
            "amnesty",
        }
        assert [block.block_type for block in story.body] == [
            "paragraph",
            "heading",
            "quote",
            "image",
            "call_to_action",
        ]

        self.assertCanCreate(self.home, AdviceIndexPage, nested_form_data({"title": "Advice", "intro": ""}))
        service = SupportService.objects.create(
            name="FRANK", description="Drugs advice.", phone="0300 123 6600"
        )
        self.assertCanCreate(
            AdviceIndexPage.objects.get(),
            AdvicePage,
            nested_form_data(
                {
                    "title": "Cuckooing",
                    "summary": "When someone takes over a home.",
                    "body": streamfield(
                        [
                            ("paragraph", rich_text("<p>Signs.</p>")),
                            (
                                "support_services",
                                {
                                    "heading": "Help",
                                    "services": {
                                        "count": "1",
                                        "0": {
                                            "value": str(service.pk),
                                            "deleted": "",
                                            "order": "0",
                                            "id": "",
                                        },
                                    },
                                },
                            ),
                        ]
                    ),
                }
            ),
        )
        assert AdvicePage.objects.get().live

    def test_snippets_are_managed_in_the_admin(self):
        response = self.client.post(
            reverse("wagtailsnippets_content_theme:add"),
            {"name": "Road safety", "slug": "", "description": ""},
        )
        assert response.status_code == 302 and Theme.objects.filter(slug="road-safety").exists()
        response = self.client.post(
            reverse("wagtailsnippets_content_officer:add"),
            {"rank": "Sergeant", "name": "Kim Park", "role": "Safer Schools", "photo": ""},
        )
        assert response.status_code == 302 and Officer.objects.filter(name="Kim Park").exists()
        response = self.client.post(
            reverse("wagtailsnippets_content_supportservice:add"),
            {"name": "No contact", "description": "x", "sort_order": "1"},
        )
        assert (
            response.status_code == 200
            and "Enter at least one way to contact the service" in response.content.decode()
        )


class TestEditorsGetClearValidation(AdminTestCase):
    def test_week_dates_outside_the_campaign(self):
        campaign = self.campaign()
        response = self.post_create(
            campaign,
            CampaignWeekPage,
            self.week_data(
                start_date=(START - datetime.timedelta(days=3)).isoformat(),
                end_date=(START + datetime.timedelta(days=30)).isoformat(),
            ),
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "The week must start during the campaign, between 2 March 2026 and 15 March 2026" in body
        assert "The week must end during the campaign" in body
        assert not CampaignWeekPage.objects.exists()

    def test_duplicate_week_numbers(self):
        campaign = self.campaign()
        assert self.post_create(campaign, CampaignWeekPage, self.week_data()).status_code == 302
        response = self.post_create(campaign, CampaignWeekPage, self.week_data(title="Again", slug="again"))
        assert "This campaign already has a week 1: choose another number" in response.content.decode()
        assert CampaignWeekPage.objects.count() == 1

    def test_week_end_before_start(self):
        campaign = self.campaign()
        response = self.post_create(
            campaign,
            CampaignWeekPage,
            self.week_data(
                start_date=(START + datetime.timedelta(days=5)).isoformat(), end_date=START.isoformat()
            ),
        )
        assert (
            "The week&#x27;s end date must be the same as or after its start date"
            in response.content.decode()
        )

    def test_campaign_end_before_start_and_missing_alt_text(self):
        index = self.home.add_child(instance=CampaignIndexPage(title="Campaigns", slug="campaigns"))
        response = self.post_create(
            index,
            CampaignPage,
            nested_form_data(
                {
                    "title": "Backwards",
                    "slug": "backwards",
                    "hashtag": "bad tag!",
                    "start_date": START.isoformat(),
                    "end_date": (START - datetime.timedelta(days=1)).isoformat(),
                    "summary": "x",
                    "hero_image": str(make_image().pk),
                    "hero_image_alt": "",
                    "body": rich_text(""),
                }
            ),
        )
        body = response.content.decode()
        assert "The end date must be the same as or after the start date" in body
        assert "Enter alt text that describes the image for people who cannot see it" in body
        assert "A hashtag can only contain letters, numbers and underscores" in body
        assert not CampaignPage.objects.exists()

    def test_control_characters_pasted_into_a_draft_are_not_stored(self):
        url = reverse("wagtailadmin_pages:add", args=["content", "campaignindexpage", self.home.pk])
        response = self.client.post(
            url,
            nested_form_data(
                {"title": "Our\x0bcampaigns", "slug": "campaigns", "intro": "Every campaign\x07 we run."}
            ),
        )
        assert response.status_code == 302
        index = CampaignIndexPage.objects.get()
        assert not index.live
        assert (index.title, index.draft_title, index.intro) == (
            "Our campaigns",
            "Our campaigns",
            "Every campaign we run.",
        )
        assert index.get_latest_revision().content["intro"] == "Every campaign we run."

    def test_image_block_without_alt_text(self):
        news = self.home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        response = self.post_create(
            news,
            NewsArticlePage,
            nested_form_data(
                {
                    "title": "No alt",
                    "slug": "no-alt",
                    "date": START.isoformat(),
                    "summary": "x",
                    "hero_image": "",
                    "hero_image_alt": "",
                    "campaign_week": "",
                    "tags": "",
                    "body": streamfield(
                        [
                            (
                                "image",
                                {
                                    "image": str(make_image().pk),
                                    "alt_text": "",
                                    "decorative": "",
                                    "caption": "",
                                },
                            )
                        ]
                    ),
                }
            ),
        )
        assert response.status_code == 200
        assert "Enter alt text, or tick that the image is decorative" in response.content.decode()
        assert not NewsArticlePage.objects.exists()


class TestEditorRole(AdminTestCase):
    def test_campaign_editor_can_reach_pages_and_snippets(self):
        editor = User.objects.create_user("editor-test", "editor@beacon.invalid", "a-long-test-password")
        roles.roles_sync()
        editor.groups.add(Group.objects.get(name=roles.CAMPAIGN_EDITOR))
        self.client.logout()
        signed_in_with_second_factor(self.client, editor)
        assert self.client.get(reverse("wagtailadmin_explore", args=[self.home.pk])).status_code == 200
        assert self.client.get(reverse("wagtailsnippets_content_officer:list")).status_code == 200
        assert self.client.get(reverse("wagtailsnippets_content_supportservice:add")).status_code == 200


class TestWeeksStayInsideTheirCampaign(AdminTestCase):
    """A week's dates lie within its campaign's and its number is unique there, whatever admin screen changes
    them: editing the campaign, moving a week, copying one. None of them may answer with a server error."""

    def setUp(self):
        super().setUp()
        self.spring = self.campaign()
        self.week1 = self.add_week(self.spring, 1, START)
        self.week2 = self.add_week(self.spring, 2, START + datetime.timedelta(days=7))
        self.summer = self.spring.get_parent().add_child(
            instance=CampaignPage(
                title="Summer",
                slug="summer",
                start_date=datetime.date(2026, 6, 1),
                end_date=datetime.date(2026, 6, 28),
                summary="Four weeks.",
            )
        )

    def add_week(self, campaign, number, start):
        week = CampaignWeekPage(
            title=f"Week {number}",
            slug=f"{campaign.slug}-week-{number}",
            week_number=number,
            start_date=start,
            end_date=start + datetime.timedelta(days=6),
            summary="A week.",
        )
        campaign.add_child(instance=week)
        week.save_revision().publish()
        return week

    def edit_campaign(self, **dates):
        data = {
            "title": "Spring",
            "slug": "spring",
            "hashtag": "",
            "start_date": START.isoformat(),
            "end_date": (START + datetime.timedelta(days=13)).isoformat(),
            "summary": "Two weeks.",
            "hero_image": "",
            "hero_image_alt": "",
            "body": rich_text(""),
        }
        data.update({name: value.isoformat() for name, value in dates.items()})
        url = reverse("wagtailadmin_pages:edit", args=[self.spring.pk])
        return self.client.post(url, {**nested_form_data(data), "action-publish": "action-publish"})

    def test_shrinking_a_campaign_round_its_weeks_is_refused(self):
        response = self.edit_campaign(
            start_date=START + datetime.timedelta(days=1), end_date=START + datetime.timedelta(days=12)
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Week 1 starts on 2 March 2026: start the campaign on or before that date" in body
        assert "Week 2 ends on 15 March 2026: end the campaign on or after that date" in body
        assert CampaignPage.objects.get(pk=self.spring.pk).start_date == START

        response = self.edit_campaign(
            start_date=START + datetime.timedelta(days=8), end_date=START + datetime.timedelta(days=13)
        )
        assert "Weeks 1 and 2 start before this date: start the campaign on or before 2 March 2026" in (
            response.content.decode()
        )
        # Dates that still hold every week are accepted.
        response = self.edit_campaign(end_date=START + datetime.timedelta(days=20))
        assert response.status_code == 302
        assert CampaignPage.objects.get(pk=self.spring.pk).end_date == START + datetime.timedelta(days=20)

    def move(self, week, destination):
        url = reverse("wagtailadmin_pages:move_confirm", args=[week.pk, destination.pk])
        return self.client.post(url, follow=True)

    def test_moving_a_week_into_a_campaign_it_does_not_fit_is_refused(self):
        response = self.move(self.week1, self.summer)
        assert response.status_code == 200
        assert (
            "You cannot move Week 1 to Summer: week 1 runs from 2 to 8 March 2026, outside Summer’s dates "
            "(1 to 28 June 2026)"
        ) in response.content.decode()
        assert self.week1.get_parent().pk == self.spring.pk

        self.add_week(self.summer, 1, datetime.date(2026, 6, 1))
        self.summer.start_date = START
        self.summer.save_revision().publish()
        response = self.move(self.week1, self.summer)
        assert "You cannot move Week 1 to Summer: Summer already has a week 1" in response.content.decode()
        assert CampaignWeekPage.objects.get(pk=self.week1.pk).get_parent().pk == self.spring.pk

        # A week that fits moves.
        self.move(self.week2, self.summer)
        assert CampaignWeekPage.objects.get(pk=self.week2.pk).get_parent().pk == self.summer.pk

    def copy(self, week, destination, **options):
        url = reverse("wagtailadmin_pages:copy", args=[week.pk])
        data = {"new_title": "Copy", "new_slug": "copy", "new_parent_page": str(destination.pk), **options}
        return self.client.post(url, data)

    def test_copying_a_week_gives_a_clear_message_instead_of_a_duplicate_or_an_error(self):
        for options in ({"publish_copies": "on"}, {}, {"alias": "on"}):
            response = self.copy(self.week1, self.spring, **options)
            assert response.status_code == 200, options
            assert (
                "You cannot copy Week 1 to Spring: Spring already has a week 1" in response.content.decode()
            )
        response = self.copy(self.week1, self.summer, publish_copies="on")
        assert response.status_code == 200
        assert "outside Summer’s dates (1 to 28 June 2026)" in response.content.decode()
        assert CampaignWeekPage.objects.count() == 2

        # Into a campaign it fits, the copy is made.
        autumn = self.spring.get_parent().add_child(
            instance=CampaignPage(
                title="Autumn", slug="autumn", start_date=START, end_date=START, summary="x"
            )
        )
        autumn.end_date = START + datetime.timedelta(days=30)
        autumn.save_revision().publish()
        assert self.copy(self.week1, autumn, publish_copies="on").status_code == 302
        copy = CampaignWeekPage.objects.child_of(autumn).get()
        assert copy.live and copy.week_number == 1
