"""Admin forms of sections and authors, and the rows of a list edited in place."""

from django import forms

from .models import Author, Section
from .widgets import https_formfield


class ListRowForm(forms.ModelForm):
    """One row of a list edited in place (list_editable): the admin puts each field in a
    table cell with no label of its own, so a screen reader would hear only "edit text" a
    dozen times. Each field is named for what it sets and on which row ("Featured order of
    <headline>")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} of {self.instance}")


class LabelledListEditingMixin:
    """For a ModelAdmin with list_editable: its rows are ListRowForms."""

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ListRowForm, **kwargs)


class SectionAdminForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name", "slug", "description", "position", "shown_in_navigation"]
        help_texts = {
            "name": "As readers see it in the navigation and on story labels.",
            "slug": "The section's web address (/section/<slug>/). Changing it breaks old links.",
            "shown_in_navigation": "Listed in the site header and footer, and on the home page.",
        }


class AuthorAdminForm(forms.ModelForm):
    class Meta:
        model = Author
        formfield_callback = https_formfield
        fields = [
            "name",
            "slug",
            "kind",
            "job_title",
            "photo",
            "bio",
            "email",
            "website_url",
            "x_handle",
            "user",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})}
        help_texts = {
            "name": 'A person ("Olena Marchenko") or a desk ("The Newsroom desk").',
            "slug": "The author page's address (/author/<slug>/).",
            "kind": "Desks are bylines for team work and wire-based items.",
            "job_title": 'Shown under the name, e.g. "Senior war correspondent".',
            "photo": "A portrait for the author page and the box under their stories.",
            "bio": "Two or three sentences: what they cover and since when.",
        }
