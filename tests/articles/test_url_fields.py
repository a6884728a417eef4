"""Web addresses typed without a scheme are taken as https://, in every admin form."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from articles.forms import AuthorAdminForm
from articles.models import Article, Author
from live.models import LiveUpdate


def test_the_author_form_reads_a_bare_address_as_https():
    form = AuthorAdminForm(data={"name": "Ola Nova", "slug": "ola-nova", "kind": "person"})
    assert form.fields["website_url"].clean("example.org/ola") == "https://example.org/ola"


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Article, "audio_transcript_url"),
        (Author, "website_url"),
        (LiveUpdate, "embed_url"),
    ],
)
def test_admin_url_fields_assume_https(model, field, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry.get(model)
    if model_admin is None:  # an inline: found on the admin of the model it belongs to
        model_admin = next(
            inline(parent, admin.site)
            for parent, parent_admin in admin.site._registry.items()
            for inline in parent_admin.inlines
            if inline.model is model
        )
    form_field = model_admin.formfield_for_dbfield(model._meta.get_field(field), request)
    assert form_field.clean("example.org/page") == "https://example.org/page"
