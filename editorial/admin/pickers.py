"""What the story body's block menu asks for: stories to place as cards, photos to place.

Both answer JSON to the editor's pickers (static/admin-extra/newsroom-block.js) and only ever
list what the signed-in user may see: stories through articles.permissions.visible_stories
(a Reporter never learns the headline of someone else's draft), photos only with the right to
view the photo library. The admin site's own `admin_view` wrapper turns away anyone who is
not signed-in staff before these run.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from articles import permissions
from photos.models import Photo
from photos.widgets import photo_thumbnail

PICKER_LIMIT = 12
QUERY_MAX_LENGTH = 100


def _query(request):
    return request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]


@require_GET
def story_choices(request):
    """`?q=` words of a headline → the newest matching stories the user may see, with the
    headline and address a card keeps as its snapshot (data-headline, data-url)."""
    user = request.user
    if not (user.has_perm("articles.add_article") or user.has_perm("articles.change_article")):
        raise PermissionDenied
    stories = (
        permissions.visible_stories(user)
        .select_related("section")
        .only("headline", "slug", "status", "publish_at", "section__name")
    )
    if query := _query(request):
        stories = stories.filter(headline__icontains=query)
    if (wanted := request.GET.get("id", "")).isdigit():
        stories = stories.filter(pk=wanted)
    stories = stories.order_by("-publish_at", "-pk")[:PICKER_LIMIT]
    return JsonResponse(
        {
            "results": [
                {
                    "id": story.pk,
                    "headline": story.headline,
                    "url": story.get_absolute_url(),
                    "section": story.section.name,
                    "status": story.get_status_display(),
                    "published": story.is_published,
                }
                for story in stories
            ]
        }
    )


@require_GET
def photo_choices(request):
    """`?q=` words of a caption, credit or description (or `?id=` one photo) → photos with a
    thumbnail for the picker and the node view."""
    if not request.user.has_perm("photos.view_photo"):
        raise PermissionDenied
    photos = Photo.objects.all()
    if query := _query(request):
        photos = photos.filter(
            Q(caption__icontains=query) | Q(credit__icontains=query) | Q(alt_text__icontains=query)
        )
    if (wanted := request.GET.get("id", "")).isdigit():
        photos = photos.filter(pk=wanted)
    results = []
    for photo in photos[:PICKER_LIMIT]:
        thumbnail = photo_thumbnail(photo)
        results.append(
            {
                "id": photo.pk,
                "title": str(photo),
                "caption": photo.caption,
                "credit": photo.credit,
                "alt": photo.alt_text,
                "thumbnail": thumbnail.url,
                "width": thumbnail.width,
                "height": thumbnail.height,
            }
        )
    return JsonResponse({"results": results})
