"""The read beacon: story pages (cached for everyone) report a read with one small POST.

No cookie is read or set and no address is stored: the client IP only feeds a rate limit,
whose cache key holds a hash of it for one window. A read counts once the page is shown
(static/js/read-beacon.js waits for a prerendered or background tab to become visible).
Readers without JavaScript are not counted: a GET pixel would be fetched by prefetchers and
link previewers too.
"""

import re

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.clientip import client_ip
from core.ratelimit import RateLimit

from . import services

# Crawlers, link previewers and scripts: not readers.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|monitor|curl|wget|python|httpclient|"
    r"java/|go-http",
    re.IGNORECASE,
)


def _count(request, article_id) -> bool:
    agent = request.headers.get("User-Agent", "")
    if not agent or BOT_AGENTS.search(agent):
        return False
    if "prefetch" in request.headers.get("Sec-Purpose", request.headers.get("Purpose", "")):
        return False
    try:
        article_id = int(article_id)
    except (TypeError, ValueError):
        return False
    if article_id <= 0:
        return False
    if not RateLimit("read-beacon-ip", settings.READ_BEACON_RATE_LIMIT_PER_IP).hit(
        client_ip(request)
    ):
        return False
    counted = services.record_read_if_public(article_id)
    if counted:
        services.maybe_flush()
    return counted


@csrf_exempt
@require_POST
@never_cache
def read_beacon(request):
    # 204 whatever happened: a beacon has no one to show an error to.
    _count(request, request.POST.get("article"))
    return HttpResponse(status=204)
