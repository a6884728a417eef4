"""Safe-editing records: the recovery copies the story form autosaves.

Kept out of articles/models.py (imported at its end) so the story model stays readable.
"""

from django.conf import settings
from django.db import models


class AutosaveDraft(models.Model):
    """What one editor had typed into one story form, saved every 30 s by the browser.

    Never written over the story itself: after a crash or a closed tab the form offers to
    put it back, and it is deleted once the story is saved normally. `story_key` is the
    story's id, or "new" for the add form (one unsaved new story per editor).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosave_drafts"
    )
    story_key = models.CharField(max_length=20)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosave_drafts",
    )
    # {"headline": "...", "dek": "...", "body": "...", ...}: form field names to values.
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    class Meta:
        verbose_name = "autosaved recovery copy"
        constraints = [
            models.UniqueConstraint(fields=["user", "story_key"], name="autosave_one_per_story")
        ]

    def __str__(self):
        return f"Recovery copy of {self.story_key} for {self.user_id}"
