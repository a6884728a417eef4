from django.contrib import admin

from .models import ArticleDailyViews


@admin.register(ArticleDailyViews)
class ArticleDailyViewsAdmin(admin.ModelAdmin):
    """Read-only: the numbers come from readers, not from editors."""

    list_display = ["article", "day", "views"]
    list_filter = [("day", admin.DateFieldListFilter)]
    search_fields = ["article__headline"]
    list_select_related = ["article"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
