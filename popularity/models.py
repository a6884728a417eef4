from django.db import models


class ArticleDailyViews(models.Model):
    """Reads of one story on one day (the outlet's calendar), flushed in batches from the
    cache buffer by `popularity.services.flush_read_counts`: a page view never writes here."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(db_index=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "daily reads of a story"
        verbose_name_plural = "daily reads of stories"
        ordering = ["-day", "-views"]
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="article_daily_views_unique")
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.views}"
