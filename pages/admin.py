from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html

from .models import Page, SupportAppeal


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "address",
        "is_published",
        "show_in_menu",
        "show_in_footer",
        "position",
    ]
    list_editable = ["is_published", "show_in_menu", "show_in_footer", "position"]
    list_filter = ["is_published"]
    search_fields = ["title", "intro", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "intro", "body"]}),
        (
            "Where readers find it",
            {"fields": ["is_published", ("show_in_menu", "show_in_footer"), "position"]},
        ),
        ("Record", {"fields": ["updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="address", ordering="slug")
    def address(self, page):
        return format_html("<code>{}</code>", page.get_absolute_url())

    def view_on_site(self, page):
        return page.get_absolute_url() if page.is_published else None


@admin.register(SupportAppeal)
class SupportAppealAdmin(admin.ModelAdmin):
    list_filter = ["is_active"]
    readonly_fields = ["donation_page", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": ["is_active", "heading", "text"],
                "description": "Shown under every story. Readers who click go to the "
                "donation page; this site never sees card details.",
            },
        ),
        ("Buttons", {"fields": [("amounts", "currency_symbol"), "button_label", "donation_page"]}),
        ("Record", {"fields": ["updated_at"], "classes": ["collapse"]}),
    ]

    def get_list_display(self, request):
        current = SupportAppeal.objects.current() if settings.DONATION_URL else None

        @admin.display(description="shown now", boolean=True)
        def shown_now(appeal):
            return current is not None and appeal.pk == current.pk

        return ["heading", "is_active", shown_now, "amounts", "updated_at"]

    @admin.display(description="donation page")
    def donation_page(self, appeal):
        if not settings.DONATION_URL:
            return "Not configured (set DONATION_URL): the appeal is hidden from readers."
        return format_html(
            '<a href="{0}" rel="noopener" target="_blank">{0}</a>', settings.DONATION_URL
        )
