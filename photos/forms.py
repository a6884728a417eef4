"""The photo upload form of the admin."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from PIL import Image

from .models import Photo
from .validators import validate_photo_file


class PhotoImageField(forms.ImageField):
    """The photo file: our checks (format, size, pixels) first, then a full decode.

    `validate_photo_file` reads the header and `verify()`s, which does not notice a JPEG
    cut off half way; decoding it here turns that into a form error instead of a failure
    while making renditions. The pixel limit has been checked before, so decoding is safe.
    """

    default_error_messages = {
        "invalid_image": "This file is not a readable image. Upload a JPEG, PNG or WebP photo.",
    }

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_photo_file(upload)
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise ValidationError(
                "This image is damaged or incomplete (perhaps the upload was cut short). "
                "Export it again and upload the new file.",
                code="truncated_image",
            ) from None
        finally:
            upload.seek(0)
        return super().to_python(data)


class PhotoAdminForm(forms.ModelForm):
    image = PhotoImageField(
        widget=AdminFileWidget,
        help_text=(
            "JPEG, PNG or WebP, at least 1600 px wide for a lead photo. Resized copies for "
            "phones and desktops are made when you save."
        ),
    )

    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "focal_x", "focal_y"]
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        }

    def _get_validation_exclusions(self):
        # An image that was not replaced was validated when it was uploaded (and Django has
        # closed its file after reading its dimensions); only a new upload is checked again.
        exclude = super()._get_validation_exclusions()
        if "image" not in self.changed_data:
            exclude.add("image")
        return exclude
