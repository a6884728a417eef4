"""The photo upload form of the admin."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from PIL import Image

from .crops import CROPS, MIN_OVERRIDE_WIDTH, check_override
from .models import Photo, image_display_size
from .validators import validate_photo_file

# The three numbers of an override; its height follows from the crop's ratio.
OVERRIDE_PARTS = ("left", "top", "width")


def override_field(name, part):
    return f"crop_{name}_{part}"


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


def _override_fields():
    fields = {}
    for name, crop in CROPS.items():
        for part in OVERRIDE_PARTS:
            fields[override_field(name, part)] = forms.IntegerField(
                required=False,
                min_value=0,
                label=f"{crop.label} crop {part}",
                help_text=(
                    f"Pixels. Empty: the {crop.label.lower()} crop "
                    f"({crop.ratio_w}:{crop.ratio_h}) follows the focal point."
                    if part == "width"
                    else ""
                ),
                widget=forms.NumberInput(attrs={"class": "crop-field"}),
            )
    return fields


# Declared on a class (not added in __init__) so the admin's fieldsets may name them.
CropOverrideFields = type("CropOverrideFields", (forms.Form,), _override_fields())


class PhotoAdminForm(forms.ModelForm, CropOverrideFields):
    """The photo with its focal point and per-crop overrides (the picker in
    templates/admin/photos/focal_picker.html fills them by pointer or keyboard; they can be
    typed too). Each crop of photos.crops gets three fields, `crop_<name>_left/top/width`,
    empty when the crop follows the focal point."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("focal_x", "focal_y"):
            # Absent from a read-only form (the user may only view the photo).
            if name in self.fields:
                self.fields[name].widget.attrs.update(min=0, max=1, step=0.01)
        for name, saved in (self.instance.crop_overrides or {}).items():
            if name in CROPS and saved:
                for part, value in zip(OVERRIDE_PARTS, saved, strict=True):
                    self.initial.setdefault(override_field(name, part), value)

    def clean(self):
        cleaned_data = super().clean()
        replaced = "image" in self.changed_data
        size = self._display_size(cleaned_data.get("image"), replaced)
        overrides = {}
        for name, crop in CROPS.items():
            fields = [override_field(name, part) for part in OVERRIDE_PARTS]
            if any(field in self.errors for field in fields):
                continue
            values = [cleaned_data.get(field) for field in fields]
            if all(value is None for value in values):
                continue
            if replaced and not any(field in self.changed_data for field in fields):
                # A new picture: a rectangle drawn on the old one means nothing on it.
                continue
            if None in values:
                self.add_error(
                    fields[-1],
                    f"Give the {crop.label.lower()} crop a left edge, a top edge and a width "
                    f"(at least {MIN_OVERRIDE_WIDTH} px), or leave all three empty to follow "
                    "the focal point.",
                )
                continue
            if size is None:
                continue
            try:
                check_override(*size, crop, values)
            except ValidationError as error:
                self.add_error(fields[-1], error)
                continue
            overrides[name] = values
        self.instance.crop_overrides = overrides
        return cleaned_data

    def _display_size(self, image, replaced):
        try:
            if replaced and image:
                return image_display_size(image)
            if self.instance.pk and self.instance.image:
                return self.instance.display_size()
        except (OSError, ValueError):
            return None
        return None

    def _get_validation_exclusions(self):
        # An image that was not replaced was validated when it was uploaded (and Django has
        # closed its file after reading its dimensions); only a new upload is checked again.
        exclude = super()._get_validation_exclusions()
        if "image" not in self.changed_data:
            exclude.add("image")
        return exclude
