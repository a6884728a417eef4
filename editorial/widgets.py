"""The story body's editor: django-prose-editor with the newsroom's blocks, spell-check on,
and a live word count under it.

The Article.body field (articles/body.py) says which extensions the body may hold and
sanitises with them; this widget only adds what the editor needs in the browser:

- `NewsroomBlock` (static/admin-extra/newsroom-block.js), the atom node that stores story
  cards, outside links, media embeds, photos and pull quotes as
  `<figure data-block="…" data-…></figure>` (the format in the story-blocks notes of issue
  15), loaded as an ES module through django-prose-editor's `js_modules`, with the addresses
  of its pickers (editorial/admin/pickers.py);
- no `NoSpellCheck`, which django-prose-editor turns on unless told not to, so the browser's
  spell-checker underlines typos in the body again;
- a status line under the editor, filled by static/admin-extra/body-stats.js, with the word
  count and the reading time by the rule Article.compute_reading_minutes saves.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django_prose_editor.config import DEFAULT_MENU_GROUPS
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

BLOCK_MODULE = "admin-extra/newsroom-block.js"
BLOCK_MENU_GROUP = {"group": "newsroomBlocks"}


class StoryBodyWidget(AdminProseEditorWidget):
    def get_config(self):
        config = super().get_config()
        extensions = dict(config.get("extensions", {}))
        extensions.pop("NoSpellCheck", None)
        extensions["NewsroomBlock"] = {
            "storyPicker": reverse("admin:articles_article_story_picker"),
            "photoPicker": reverse("admin:articles_article_photo_picker"),
        }
        groups = getattr(settings, "DJANGO_PROSE_EDITOR_MENU_GROUPS", DEFAULT_MENU_GROUPS)
        extensions["Menu"] = {"groups": [*groups, BLOCK_MENU_GROUP]}
        modules = [*config.get("js_modules", []), static(BLOCK_MODULE)]
        return {**config, "extensions": extensions, "js_modules": list(dict.fromkeys(modules))}

    def render(self, name, value, attrs=None, renderer=None):
        editor = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<div class="story-body-editor">{}<p class="body-stats" id="{}_stats" role="status" '
            'aria-live="polite" data-body-stats="{}" data-words-per-minute="{}"></p></div>',
            editor,
            field_id,
            field_id,
            settings.READING_WORDS_PER_MINUTE,
        )

    @property
    def media(self):
        return super().media + Media(
            css={"all": ["admin-extra/story-blocks.css"]},
            js=["admin-extra/body-stats.js"],
        )
