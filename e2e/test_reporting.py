"""The reporting journey in real Chromium: axe-core on every page and error state, the whole journey with
JavaScript turned off, the receipt follow-up, and no request ever leaving our own origin."""

import io

import pytest
from PIL import Image

from beacon.reporting.models import PendingUpload, Report, ReportAttachment, ReportMessage
from beacon.reporting.selectors import report_attachment_file, report_content
from beacon.reporting.services import report_message_add

pytestmark = pytest.mark.django_db(transaction=True)


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "BeaconTestCam"
    exif[0x8825] = {1: "N", 2: (52.0, 14.0, 13.2), 3: "W", 4: (0.0, 53.0, 34.9)}
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def own_origin_only(page, base_url):
    """Fail later if the page asks for anything outside our own origin."""
    outside = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(base_url) else None,
    )
    return outside


class Journey:
    def __init__(self, page, base, axe=None):
        self.page, self.base, self.axe = page, base, axe

    def check(self, errors_with=None):
        """axe the page as it is; then, if asked, submit it empty and axe the error state too."""
        if self.axe:
            self.axe(self.page)
        if errors_with is not None:
            self.button(errors_with)
            assert self.page.locator(".govuk-error-summary").is_visible()
            assert self.page.title().startswith("Error:")
            if self.axe:
                self.axe(self.page)

    def button(self, name="Continue"):
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state("load")  # the page the form leads to, before anything reads it

    def choose(self, label):
        self.page.get_by_label(label, exact=True).check()

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def at(self, path):
        assert self.page.url == f"{self.base}/report/{path}", self.page.url


def call_999_comes_first_on_a_phone(page, axe) -> None:
    """On a 999 page, calling is the big button on the first screen of a phone, above carrying on."""
    page.set_viewport_size({"width": 390, "height": 844})
    call = page.get_by_role("button", name="Call 999")
    carry_on = page.get_by_role("link", name="Continue with my report")
    assert call.get_attribute("href") == "tel:999"
    box, after = call.bounding_box(), carry_on.bounding_box()
    assert box["y"] + box["height"] <= 844, box  # on the first screen, without scrolling
    assert box["width"] >= 300 and box["height"] >= 40, box  # the width of the phone: a start button
    assert after["y"] > box["y"] + box["height"]
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_every_step_and_error_state_passes_axe(page, live_server, axe):
    base = live_server.url
    outside = own_origin_only(page, base)
    j = Journey(page, base, axe)
    page.goto(f"{base}/report/")
    j.check()
    page.get_by_role("button", name="Start now").click()
    j.at("danger/")
    j.check(errors_with="Continue")
    j.choose("Yes")
    j.button()
    j.at("call-999/")
    j.check()
    call_999_comes_first_on_a_phone(page, axe)
    page.get_by_role("link", name="Continue with my report").click()
    j.check(errors_with="Continue")
    j.choose("A county lines \u201cdeal line\u201d phone number")
    j.button()
    j.check(errors_with="Continue")  # where: nothing given
    j.fill("Postcode", "not a postcode")
    j.button()
    j.check()
    j.fill("Postcode", "NN1 1AF")
    j.button()
    j.check(errors_with="Continue")  # when
    j.choose("It happened once")
    j.button()
    j.check(errors_with="Continue")  # when-once: no date
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    j.button()
    j.check(errors_with="Continue")  # people
    j.choose("Yes")
    j.button()
    j.check(errors_with="Save and continue")  # person: nothing given
    j.fill("Name or nickname", "Tee")
    j.choose("No")
    j.button("Save and continue")
    j.at("people-list/")
    j.check(errors_with="Continue")
    j.choose("No")
    j.button()
    j.check(errors_with="Continue")  # vehicles
    j.choose("Yes")
    j.button()
    j.check(errors_with="Save and continue")  # vehicle
    j.fill("Registration number", "AB12 C??")
    j.button("Save and continue")
    j.at("vehicles-list/")
    j.check(errors_with="Continue")
    j.choose("No")
    j.button()
    j.check(errors_with="Continue")  # numbers
    j.choose("Yes")
    j.button()
    j.check(errors_with="Save and continue")  # number
    j.fill("Phone number", "07700 900123")
    j.button("Save and continue")
    j.at("numbers-list/")
    j.check(errors_with="Continue")
    j.choose("No")
    j.button()
    j.at("child-involved/")
    j.check(errors_with="Continue")
    j.choose("Yes")
    j.button()
    j.check(errors_with="Continue")  # child
    j.fill("How old are they?", "14")
    page.get_by_role("group", name="Are they in danger now?").get_by_label("Yes").check()
    j.button()
    j.at("child-999/")
    j.check()
    call_999_comes_first_on_a_phone(page, axe)
    page.get_by_role("link", name="Continue with my report").click()
    j.check(errors_with="Continue")  # how
    j.choose("I saw it myself")
    j.button()
    j.check()  # details (optional)
    # Longer than the limit: typed text stops at the box's maxlength, so as a script or a paste might send it.
    page.get_by_label("Is there anything else you want to tell us?").evaluate(
        "box => box.value = 'x'.repeat(5001)"
    )
    j.button()
    assert "must be 5,000 characters or fewer" in page.content()
    assert page.title().startswith("Error:")
    j.check()
    j.fill("Is there anything else you want to tell us?", "")
    j.button()
    j.at("files/")
    j.check(errors_with="Add this file")
    page.set_input_files(
        "input[type=file]", {"name": "cat.jpg", "mimeType": "image/jpeg", "buffer": b"MZ" + b"\0" * 300}
    )
    j.button("Add this file")
    assert "must be a photo" in page.content()
    j.check()
    page.set_input_files(
        "input[type=file]", {"name": "car.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}
    )
    j.button("Add this file")
    j.check()  # with the file listed
    j.button()
    j.check(errors_with="Continue")  # contact
    j.choose("No, I will give contact details")
    j.button()
    j.check(errors_with="Continue")  # contact-details
    j.fill("Your name", "Sam Example")
    j.fill("Email address", "sam@example.org")
    j.choose("Email")
    j.button()
    j.at("check/")
    j.check()
    # Changing "when" to ongoing asks since when (and explains a missing answer), then comes back.
    page.get_by_role("link", name="Change when").click()
    j.choose("It happens regularly or is still going on")
    j.button()
    j.at("when-ongoing/?change=1")
    j.check(errors_with="Continue")
    j.fill("When did it start?", "About a month ago")
    j.button()
    j.at("check/")
    # The file was deleted before the report was sent (as an abandoned journey's files are): the check page
    # says so, and sends without it the next time.
    PendingUpload.objects.all().delete()
    j.button("Send report")
    j.at("check/")
    assert "One of your files is no longer available" in page.content()
    assert page.title().startswith("Error:")
    j.check()
    j.button("Send report")
    j.at("done/")
    j.check()
    # The page that says the answers have gone.
    page.goto(f"{base}/report/where/")
    assert "Your answers have been deleted" in page.content()
    j.check()
    assert outside == []


def test_whole_journey_with_javascript_disabled(no_js_page, live_server):
    # (axe-core needs JavaScript to run: the pages are checked with it in the test above and below.)
    page, base = no_js_page, live_server.url
    outside = own_origin_only(page, base)
    j = Journey(page, base)
    page.goto(f"{base}/report/")
    page.get_by_role("button", name="Start now").click()
    j.choose("No")
    j.button()
    j.choose("Drug dealing from a place")
    j.choose("Someone\u2019s home taken over (cuckooing)")
    j.button()
    j.fill("Describe the place", "The flats behind the parade of shops")
    j.fill("Postcode", "nn3 6aa")
    j.button()
    j.choose("It happens regularly or is still going on")
    j.button()
    j.fill("When did it start?", "About a month ago")
    j.choose("Late at night")
    j.button()
    j.choose("Yes")
    j.button()
    j.fill("Name or nickname", "Tee")
    j.choose("No")
    j.button("Save and continue")
    j.choose("Yes")
    j.button()
    j.fill("Name or nickname", "Wrong person")
    j.choose("I do not know")
    j.button("Save and continue")
    page.get_by_role("button", name="Remove person 2").click()
    assert "Wrong person" not in page.content()
    j.choose("No")
    j.button()
    j.choose("No, or I do not know")
    j.button()
    j.choose("No")
    j.button()
    j.choose("No")  # child involved
    j.button()
    j.choose("I saw it myself")
    j.button()
    j.fill(
        "Is there anything else you want to tell us?", "Visitors all night, and my neighbour looks scared."
    )
    j.button()
    page.set_input_files(
        "input[type=file]", {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}
    )
    j.button("Add this file")
    assert "IMG_0042.jpg" in page.content()
    j.button()
    j.choose("Yes, I want to stay anonymous")
    j.button()
    j.at("check/")
    # Change an answer from check your answers and come straight back.
    page.get_by_role("link", name="Change how you know").click()
    j.choose("Someone told me")
    j.button()
    j.at("check/")
    assert "Someone told me" in page.content()
    j.button("Send report")
    j.at("done/")
    reference = page.locator("[data-reference]").inner_text()
    receipt = page.locator("[data-receipt]").inner_text()
    report = Report.objects.get(reference=reference)
    content = report_content(report=report)
    assert content["categories"] == ["dealing", "cuckooing"]
    assert [p["name"] for p in content["people"]] == ["Tee"]
    assert content["how_known"] == "told" and content["where"]["postcode"] == "NN3 6AA"
    _, _, data = report_attachment_file(attachment=ReportAttachment.objects.get(report=report))
    assert b"BeaconTestCam" not in data
    # Reloading the confirmation does not show the receipt again.
    page.reload()
    assert receipt not in page.content()

    # Staff ask a question; the reporter comes back with the receipt alone and replies.
    report_message_add(report=report, direction="to_reporter", text="Which flat number is it?")
    page.goto(f"{base}/report/follow-up/")
    j.fill("Enter your receipt code", receipt.lower())
    j.button()
    assert "Which flat number is it?" in page.content()
    j.fill("Your reply", "Number 12, on the top floor")
    j.button("Send reply")
    assert "Reply sent" in page.content()
    reply = ReportMessage.objects.get(report=report, direction="from_reporter")
    assert reply is not None
    j.button("Back to your report")
    assert "Number 12, on the top floor" in page.content()
    assert outside == []


def test_follow_up_pages_pass_axe(page, live_server, axe, settings):
    from beacon.reporting.services import report_submit

    result = report_submit(
        answers={"categories": ["dealing"], "where": {"description": "the park"}, "details": "Seen daily"},
        files=[],
    )
    report_message_add(report=result.report, direction="to_reporter", text="When did you last see it?")
    page.goto(f"{live_server.url}/report/follow-up/")
    page.get_by_label("Enter your receipt code", exact=True).fill("WRONG-CODE")
    page.get_by_role("button", name="Continue", exact=True).click()
    assert "We could not find a report" in page.content()
    axe(page)
    page.get_by_label("Enter your receipt code", exact=True).fill(result.receipt_code)
    page.get_by_role("button", name="Continue", exact=True).click()
    assert "When did you last see it?" in page.content()
    axe(page)
    page.get_by_role("button", name="Send reply", exact=True).click()
    assert "Enter your reply" in page.content()
    axe(page)
    page.get_by_label("Your reply", exact=True).fill("Yesterday at six")
    # Codes cannot be checked for a while (too many guesses): the reply comes back in its box, unsent.
    limits = settings.BEACON_RATE_LIMITS
    settings.BEACON_RATE_LIMITS = {**limits, "followup": (0, 200, 900)}
    page.get_by_role("button", name="Send reply", exact=True).click()
    assert page.get_by_role("heading", name="Please wait before sending your reply").is_visible()
    assert page.get_by_label("Your reply", exact=True).input_value() == "Yesterday at six"
    axe(page)
    settings.BEACON_RATE_LIMITS = limits
    page.get_by_role("button", name="Send reply", exact=True).click()
    assert "Reply sent" in page.content()
    axe(page)


def test_refusal_and_goodbye_pages_pass_axe(page, live_server, axe, settings):
    """The pages that refuse something or end the journey: too much sent at once (413), too many attempts
    (429), an empty receipt code, and "Stop and delete my answers". (The page for answers that have expired
    is checked at the end of the first test.)"""
    base = live_server.url
    j = Journey(page, base, axe)
    page.goto(f"{base}/report/danger/")
    j.choose("No")
    j.button()
    j.choose("Drug dealing from a place")
    j.button()
    j.at("where/")
    # A body over the 2 MB a page of answers may be: refused, before it is read, with a page saying why.
    page.get_by_label("Describe the place").evaluate("box => box.value = 'x'.repeat(2_200_000)")
    j.button()
    assert "Your answer was too long for us to accept" in page.content()
    j.check()
    page.get_by_role("button", name="Go back and try again").click()
    j.at("where/")
    page.get_by_role("button", name="Stop and delete my answers").click()
    assert page.get_by_role("heading", name="Your answers have been deleted").is_visible()
    assert "Nothing was sent to us" in page.content()
    j.check()

    page.goto(f"{base}/report/follow-up/")
    j.check(errors_with="Continue")  # no receipt code
    assert "Enter your receipt code" in page.locator(".govuk-error-summary").inner_text()
    # A client whose attempts are used up (a limit of none, so no earlier test's counts matter).
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "followup": (0, 200, 900)}
    j.fill("Enter your receipt code", "ABCD-2345-EFGH-6789-JKMN")
    j.button()
    assert page.get_by_role("heading", name="Please wait before trying again").is_visible()
    j.check()


def test_change_and_remove_on_a_list_page_line_up_as_action_links(page, live_server, axe):
    """People list: "Change" and "Remove" (a form's button) sit on one line, at desktop and phone widths,
    with GOV.UK's separator between them only; "Remove" looks like the link beside it and shows the focus style."""
    base = live_server.url
    j = Journey(page, base, axe)
    page.goto(f"{base}/report/danger/")
    for answer in ("No", "Drug dealing from a place"):
        j.choose(answer)
        j.button()
    j.fill("Postcode", "NN1 1AF")
    j.button()
    j.choose("I am not sure")
    j.button()
    j.choose("Yes")
    j.button()
    j.fill("Name or nickname", "Tee")
    j.choose("No")
    j.button("Save and continue")
    j.choose("Yes")
    j.button()
    j.fill("Name or nickname", "Someone whose name is long enough to wrap onto a second line")
    j.choose("No")
    j.button("Save and continue")
    j.at("people-list/")
    change = page.get_by_role("link", name="Change person 1")
    remove = page.get_by_role("button", name="Remove person 1")
    link_colour = change.evaluate("e => getComputedStyle(e).color")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        first, second = change.bounding_box(), remove.bounding_box()
        middle = [box["y"] + box["height"] / 2 for box in (first, second)]
        assert abs(middle[0] - middle[1]) < 2, (width, first, second)  # on one line
        assert second["x"] > first["x"] + first["width"], (width, first, second)
        assert remove.evaluate("e => getComputedStyle(e).color") == link_colour
        assert remove.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
        # One separator, between the two: GOV.UK draws it left of the second action on wider screens and
        # right of the first on a phone.
        borders = [
            action.locator("xpath=ancestor::li[1]").evaluate(
                "e => [getComputedStyle(e).borderLeftWidth, getComputedStyle(e).borderRightWidth]"
            )
            for action in (change, remove)
        ]
        expected = [["0px", "0px"], ["1px", "0px"]] if width >= 641 else [["0px", "1px"], ["0px", "0px"]]
        assert borders == expected, (width, borders)
        axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    remove.focus()
    assert (
        remove.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 221, 0)"
    )  # GOV.UK focus yellow
    remove.click()
    page.wait_for_load_state("load")
    assert "Tee" not in page.content() and page.get_by_role("button", name="Remove person 1").is_visible()
