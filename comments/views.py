"""Writing a comment. Story pages are cached for everyone and carry no per-visitor token,
so the form (and its CSRF token) comes from here: a page of its own that works without
JavaScript, and the same form as a fragment that static/js/comments.js fetches into the
story page when a reader opens it. Neither answer may be cached by anyone.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from articles.models import Article
from core.clientip import client_ip
from core.ratelimit import RateLimit

from . import services
from .forms import CommentForm
from .models import comments_close_at, comments_open

RATE_LIMITED = (
    "You have posted several comments in a short time. Please wait a few minutes and try again."
)


def _wants_fragment(request) -> bool:
    return request.GET.get("fragment") == "1" or request.headers.get("X-Fragment") == "1"


@method_decorator(never_cache, name="dispatch")
class WriteCommentView(View):
    page_template = "comments/write.html"
    fragment_template = "comments/form_fragment.html"

    def dispatch(self, request, *args, **kwargs):
        self.article = get_object_or_404(
            Article.objects.published().select_related("section"), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def respond(self, request, **context):
        context.update(
            article=self.article,
            is_open=comments_open(self.article),
            close_at=comments_close_at(self.article),
        )
        template = self.fragment_template if _wants_fragment(request) else self.page_template
        status = context.pop("status", 200)
        return render(request, template, context, status=status)

    def get(self, request, slug):
        return self.respond(request, form=CommentForm())

    def post(self, request, slug):
        form = CommentForm(request.POST)
        if not comments_open(self.article):
            return self.respond(request, form=None, status=403)
        if not form.is_valid():
            return self.respond(request, form=form, status=400)
        if form.is_bot:
            # Looks like success, so the bot learns nothing; nothing is stored.
            return self.respond(request, form=None, posted=True)
        limit = RateLimit("comment-ip", settings.COMMENT_RATE_LIMIT_PER_IP)
        if not limit.hit(client_ip(request)):
            return self.respond(request, form=form, refused=RATE_LIMITED, status=429)
        try:
            services.post_comment(
                article=self.article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.respond(request, form=form, status=400)
        return self.respond(request, form=None, posted=True)
