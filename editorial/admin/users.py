"""The staff accounts admin: Django's user admin, plus inviting a journalist in one step, and
a change form that says what stands between a person and their work (no staff status, no
byline)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.models import Author

from ..invites import STAFF_ROLES, invite_journalist

User = get_user_model()


class InviteForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="As it appears in bylines.")
    email = forms.EmailField(
        help_text="The invitation goes here; it is also the username they sign in with."
    )
    role = forms.ChoiceField(
        choices=[(role, role) for role in STAFF_ROLES],
        help_text="Reporters write and file their own stories; Editors review, publish and "
        "correct every story; Audience runs subscribers and newsletters.",
    )
    author = forms.ModelChoiceField(
        label="Byline",
        queryset=Author.objects.filter(user__isnull=True, kind=Author.Kind.PERSON),
        required=False,
        empty_label="A new byline under this name",
        help_text="An existing byline without a login (someone who has written for us "
        "already), or a new one. Stories under it count as the person's own.",
    )


class NewsroomUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "roles", "is_staff", "byline"]
    list_select_related = ["author"]
    readonly_fields = ["byline"]
    fieldsets = [*UserAdmin.fieldsets, ("Byline", {"fields": ["byline"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="name", ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    @admin.display(description="byline")
    def byline(self, user):
        author = getattr(user, "author", None)
        if author is None:
            return "None: stories under a byline do not count as theirs until one is linked here."
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_author_change", args=[author.pk]), author
        )

    def get_urls(self):
        invite = path(
            "invite/",
            self.admin_site.admin_view(self.invite_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_invite",
        )
        return [invite, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        if request.method == "GET" and user is not None and not user.is_staff:
            roles = list(user.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
            if roles:
                messages.warning(
                    request,
                    f"{user.get_username()} is in the {', '.join(roles)} role but has no staff "
                    "status, so they cannot sign in to the admin. Tick “Staff status” below.",
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def invite_view(self, request):
        """Invite a journalist: the account, its role, its byline and the email, in one go.
        Only for those who may add and change users, as Django's own add page."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                author = invite_journalist(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Invited {author.user.get_full_name()} as {form.cleaned_data['role']}: "
                    f"a link to set a password is on its way to {author.user.email}.",
                )
                return HttpResponseRedirect(
                    reverse("admin:auth_user_change", args=[author.user.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Invite a journalist",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/auth/user/invite.html", context)


admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
