"""A photo: the original file, what readers are told about it, and its resized copies."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from PIL import Image

from .crops import CROPS, check_override
from .validators import validate_photo_file

# EXIF orientations that turn the picture a quarter: readers see it with the sides swapped.
QUARTER_TURNS = {5, 6, 7, 8}


def photo_upload_to(instance, filename):
    # Generated names: nothing a user typed ends up in a path on disk.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp"}:
        suffix = ".jpg"
    now = timezone.now()
    return f"photos/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Photo(models.Model):
    image = models.ImageField(
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_photo_file],
        help_text="JPEG, PNG or WebP. Resized copies for phones and desktops are made for you.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.CharField(max_length=500, help_text="What the picture shows, for readers.")
    credit = models.CharField(
        max_length=200,
        help_text='Who made it, e.g. "Olena Marchenko/Newsroom" or "Agency via Wire".',
    )
    alt_text = models.CharField(
        max_length=300, help_text="A short description for readers who cannot see the image."
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Horizontal focal point, 0 (left) to 1 (right), kept when cropping.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Vertical focal point, 0 (top) to 1 (bottom), kept when cropping.",
    )
    # {"square": [left, top, width], ...}: an editor's own crop for a ratio of photos.crops,
    # replacing the focal-point crop; pixels of the photo as readers see it.
    crop_overrides = models.JSONField(default=dict, blank=True)
    # {"widths": [320, 640, ...], "formats": ["webp", "jpeg"], "base": "renditions/..."}:
    # filled once by photos.renditions when the resized files are written.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table it had in articles: moving the model changed no table, index, constraint
        # or foreign key (photos/migrations/0001_initial.py).
        db_table = "articles_photo"
        ordering = ["-created_at"]

    def __str__(self):
        return self.caption[:80] or f"Photo {self.pk}"

    def clean(self):
        if not isinstance(self.crop_overrides, dict):
            raise ValidationError({"crop_overrides": "Crop overrides must be a mapping."})
        unknown = set(self.crop_overrides) - set(CROPS)
        if unknown:
            raise ValidationError({"crop_overrides": f"No such crop: {', '.join(unknown)}."})
        if not self.image or not any(self.crop_overrides.values()):
            return
        width, height = self.display_size()
        for name, override in self.crop_overrides.items():
            if override:
                try:
                    check_override(width, height, CROPS[name], override)
                except ValidationError as error:
                    raise ValidationError({"crop_overrides": error.messages}) from None

    def display_size(self):
        """(width, height) as readers see the photo: EXIF rotation applied, as in renditions."""
        data = self.renditions or {}
        if data.get("size") and data.get("source") == self.image.name:
            return tuple(data["size"])
        return image_display_size(self.image)


def image_display_size(file):
    """(width, height) of an image file once its EXIF orientation is applied (header only)."""
    if file.closed:
        file.open("rb")
    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in QUARTER_TURNS:
                width, height = height, width
    finally:
        file.seek(0)
    return width, height
