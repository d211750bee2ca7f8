"""An image an editor uploads that cannot be read is a form error, never a server error (image_forms.py).

Wagtail reads an upload's header lazily, when it counts the pixels, and only handled a decompression bomb there:
a JPEG cut short, or a PNG whose header says 0 pixels or does not match its data, answered 500 on every way in
(one image, several at once, from a chooser, replacing an image's file)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images.models import Image

from beacon.reporting.tests.conftest import image_bytes
from beacon.reporting.tests.test_uploads import decompression_bomb

from .test_snippet_approval import signed_in

pytestmark = pytest.mark.django_db

UNREADABLE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."


BAD = {
    "cut-short.jpg": (image_bytes()[:300], UNREADABLE),
    "no-pixels.png": (decompression_bomb(0, 0), UNREADABLE),
    "short-data.png": (decompression_bomb(60000, 1), UNREADABLE),
    "not-an-image.jpg": (b"just some words", UNREADABLE),
    "bomb.png": (decompression_bomb(100_000, 100_000), "This file has too many pixels"),
}


@pytest.fixture
def editor(make_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(make_staff(superuser=True))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("name", list(BAD))
def test_an_unreadable_image_is_refused_with_a_message_on_every_way_in(editor, name):
    data, message = BAD[name]
    photo = Image.objects.create(title="Beat Bus", file=SimpleUploadedFile("bus.jpg", image_bytes()))

    def upload(url, field="file", prefix="", **extra):
        fields = {field: SimpleUploadedFile(name, data), "title": name}
        return editor.post(url, {f"{prefix}{key}": value for key, value in fields.items()} | extra)

    one = upload("/admin/images/add/")
    assert one.status_code == 200 and message in one.content.decode()
    several = upload("/admin/images/multiple/add/", field="files[]")
    assert several.status_code == 200 and several.json()["success"] is False
    assert message in several.json()["error_message"]
    chooser = upload("/admin/images/chooser/create/", prefix="image-chooser-upload-")
    assert chooser.status_code == 200 and message in chooser.json()["htmlFragment"]
    replaced = upload(f"/admin/images/{photo.pk}/", collection=photo.collection_id)
    assert replaced.status_code == 200 and message in replaced.content.decode()
    assert list(Image.objects.values_list("title", flat=True)) == [
        "Beat Bus"
    ]  # nothing stored, nothing replaced


def test_a_readable_image_is_still_taken(editor):
    response = editor.post(
        "/admin/images/add/", {"file": SimpleUploadedFile("bus.jpg", image_bytes()), "title": "Bus"}
    )
    assert response.status_code == 302
    assert Image.objects.get().width == 64
