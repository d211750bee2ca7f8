"""The form editors upload images with (WAGTAILIMAGES_IMAGE_FORM_BASE): Wagtail's, answering a file it cannot
read with its own "not a valid image" message instead of a server error.

Wagtail opens an upload lazily: it recognises the format from the first bytes, and Pillow reads the header only
when the pixel count is checked, which handles a decompression bomb and nothing else. A JPEG cut short, a PNG
that says it is 0 pixels wide, or one whose header does not add up raised an error there, and the upload
(single, several at once, or from a chooser) answered 500."""

from django.core.exceptions import ValidationError
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


class CheckedImageField(WagtailImageField):
    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - Pillow's errors for a file it cannot read are many kinds
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from error


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if type(field) is WagtailImageField:  # made by Wagtail's formfield_for_dbfield, with its settings
            field.__class__ = CheckedImageField
