"""POST data for the story admin form and its inlines, as a browser would send it."""

from django.utils import timezone

ADD_STORY_URL = "/admin/articles/article/add/"


def formset_data(prefix, rows, *, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = "" if value is None else str(value)
    return data


def local_split(moment):
    """The admin's split date and time inputs, in the outlet's time zone."""
    local = timezone.localtime(moment)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


def story_form_data(
    *,
    section,
    bylines=(),
    initial_bylines=0,
    publish_at=None,
    **fields,
):
    data = {
        "headline": "Night trains return to the western line",
        "slug": "night-trains-return",
        "dek": "Sleeper services restart after a two-year pause.",
        "body": "<p>The first sleeper left at ten.</p><p>Tickets sold out in an hour.</p>",
        "section": section.pk,
        "kind": "news",
        "tags": "",
        "lead_photo": "",
        "lead_photo_caption": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "_save": "Save",
    }
    if publish_at is not None:
        data.update(local_split(publish_at))
    for name, value in fields.items():
        if value is True:
            data[name] = "on"
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = value
    data.update(formset_data("bylines", list(bylines), initial=initial_bylines))
    # The corrections inline (editorial/admin/workflow.py) on an existing story's form.
    data.update(formset_data("corrections", []))
    return data


def byline_row(author, position="", byline=None, article=None):
    return {
        "author": author.pk,
        "position": position,
        "id": byline.pk if byline else "",
        "article": article.pk if article else "",
    }


def form_errors(response):
    """Every error the admin form page shows, for assertion messages and checks."""
    context = response.context
    if context is None or "adminform" not in context:
        return {}
    errors = {"form": dict(context["adminform"].form.errors)}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        errors[formset.prefix] = {
            "non_form": list(formset.non_form_errors()),
            "forms": [dict(form.errors) for form in formset.forms if form.errors],
        }
    return errors
