"""The photo library in the admin: uploads, captions and credits, the picker's thumbnails."""

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path

from core.people import display_name

from . import renditions, rules, services
from .crops import CROPS, MIN_OVERRIDE_WIDTH
from .forms import OVERRIDE_PARTS, PhotoAdminForm, override_field
from .models import Photo
from .widgets import photo_thumbnail, thumbnail_html

# One row of number fields per crop: left, top, width.
CROP_ROWS = [tuple(override_field(name, part) for part in OVERRIDE_PARTS) for name in CROPS]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "title", "credit", "size", "created_at", "uploader"]
    # One link a row, from text that is never empty (the caption, else "Photo 12").
    list_display_links = ["title"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "credit", "alt_text"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "focal_picker",
        "size",
        "rendition_summary",
        "uploader",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["image"]}),
        (
            "For readers",
            {
                "fields": ["caption", "credit", "alt_text"],
                "description": "All three are required: readers see the caption and credit "
                "under the photo; the description is read aloud to readers who cannot see it.",
            },
        ),
        (
            "Focal point and crops",
            {
                "fields": [
                    "focal_picker",
                    ("focal_x", "focal_y"),
                    *CROP_ROWS,
                ],
                "description": "Layouts crop the photo to a few shapes. Each crop keeps the "
                "focal point in view, unless you adjust that crop yourself.",
            },
        ),
        ("Record", {"fields": ["size", "rendition_summary", "uploader", "created_at"]}),
    ]

    @admin.display(description="caption", ordering="caption")
    def title(self, photo):
        return str(photo)

    @admin.display(description="uploaded by", ordering="uploaded_by__last_name")
    def uploader(self, photo):
        return display_name(photo.uploaded_by) or "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the crop fields belong to the form (no attribute of the photo to show);
        # the picker shows the saved crops.
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in CROP_ROWS]})
            for title, options in fieldsets
        ]

    def get_urls(self):
        return [
            path(
                "thumbnail/",
                self.admin_site.admin_view(self.thumbnail_view),
                name="photos_photo_thumbnail",
            ),
            *super().get_urls(),
        ]

    def thumbnail_view(self, request):
        """JSON for the photo picker's preview: `?id=<photo id>`."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo_id = request.GET.get("id", "")
        photo = Photo.objects.filter(pk=photo_id).first() if photo_id.isdigit() else None
        if photo is None:
            return JsonResponse({"error": "No such photo."}, status=404)
        thumbnail = photo_thumbnail(photo)
        return JsonResponse(
            {
                "id": photo.pk,
                "url": thumbnail.url,
                "width": thumbnail.width,
                "height": thumbnail.height,
                "caption": photo.caption,
                "credit": photo.credit,
                "alt": photo.alt_text,
            }
        )

    class Media:
        css = {"all": ["admin-extra/photos-admin.css"]}
        js = ["admin-extra/focal-picker.js"]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Photos", **(extra_context or {})})

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or rules.refusal(request.user, obj) is None

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or rules.refusal(request.user, obj) is None

    def save_model(self, request, obj, form, change):
        services.save_photo(photo=obj, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.PhotoNotStored as refusal:
            # The save rolled back. The same form again, with the reason on the image field
            # and everything typed still there.
            request.photo_not_stored = str(refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, "photo_not_stored", None)
        if refusal is None:
            return form

        class NotStored(form):
            def clean(self):
                cleaned_data = super().clean()
                self.add_error("image", refusal)
                return cleaned_data

        return NotStored

    @admin.display(description="photo")
    def thumbnail(self, photo):
        return thumbnail_html(photo, width=96)

    @admin.display(description="focal point")
    def focal_picker(self, photo):
        """The picture to click, with a preview of every crop (static/admin-extra/
        focal-picker.js draws them; before an upload it shows the chosen file)."""
        has_image = bool(photo.pk and photo.image)
        source = renditions.default_rendition(photo) if has_image else None
        width, height = photo.display_size() if has_image else (0, 0)
        return render_to_string(
            "admin/photos/focal_picker.html",
            {
                "source": source,
                "photo": photo,
                "overrides": json.dumps(photo.crop_overrides or {}),
                "width": width,
                "height": height,
                "alt": photo.alt_text,
                "crops": CROPS.values(),
                "min_width": MIN_OVERRIDE_WIDTH,
            },
        )

    @admin.display(description="size")
    def size(self, photo):
        return f"{photo.width} × {photo.height} px" if photo.width else "—"

    @admin.display(description="resized copies")
    def rendition_summary(self, photo):
        data = photo.renditions or {}
        if not data.get("widths"):
            return "Not made yet."
        widths = ", ".join(str(width) for width in data["widths"])
        formats = " and ".join(name.upper() for name in data.get("formats", ()))
        return f"{widths} px wide, as {formats}"
