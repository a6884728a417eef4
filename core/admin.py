from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, to read and filter: nobody adds, changes or deletes an entry here,
    superusers included (the database refuses it too on PostgreSQL)."""

    list_display = ["at", "actor_username", "action", "target", "ip_address"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    date_hierarchy = "at"
    search_fields = ["actor_username", "target", "ip_address"]
    fields = ["at", "actor_username", "actor", "action", "target", "ip_address", "details"]
    readonly_fields = fields
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
