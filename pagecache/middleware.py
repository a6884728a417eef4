"""Whole reader pages from the cache for anyone not signed in.

Placed right under SecurityMiddleware (and ConditionalGetMiddleware, which answers 304s from
a copy's ETag): a reader without a session cookie gets a cached copy before the session,
CSRF, auth and header middleware run. The headers those add to a page that is the same for
everyone (Content-Security-Policy, Permissions-Policy, X-Frame-Options) are stored with the
copy; Django's security headers are added to every answer by the middleware above.

A request with a session cookie is looked at after the URL is resolved: signed-in users
(staff, who see "Edit post") get a fresh page marked `private, no-store`; a stale or forged
cookie still gets the shared copy, so a bot wave with made-up cookies cannot force every
request through the database.

A copy is stored only if nothing in it is per visitor: a 200 that sets no cookie (a CSRF
token or a session written during rendering would set one) for a view listed in
`PAGE_CACHE_VIEWS`. docs/caching.md has the whole design.
"""

import functools
import hashlib
import math
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from .private import is_private
from .state import state_for
from .store import fetch, key_for, store

STATUS_HEADER = "X-Page-Cache"
# Worked out again for every answer rather than stored with the copy.
UNSTORED_HEADERS = frozenset({"vary", "cache-control", "expires", "content-length", "x-page-cache"})
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})


class Decision:
    """What the middleware decided for one request, kept on `request.page_cache`."""

    __slots__ = ("key", "state", "public", "bypass")

    def __init__(self, key=None, state=None):
        self.key = key
        self.state = state
        self.public = False  # a listed view, for an anonymous reader
        self.bypass = False  # a signed-in user: fresh and private


def has_visitor_cookies(request):
    """A session (maybe staff) or pending flash messages: the page may be theirs alone."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def key_params(view):
    """The query parameters a view reads, so its copies are keyed by them: a ListView with
    `paginate_by` reads its `page_kwarg`, other views declare `page_cache_params`. Any
    other parameter is ignored by the view, so it must not make a new copy (nor let anyone
    fill the cache with made-up URLs, or pass it with `?page=7` on a page with no pages)."""
    view_class = getattr(view, "view_class", None)
    declared = getattr(view_class or view, "page_cache_params", None)
    if declared is not None:
        return tuple(declared)
    if view_class is not None and getattr(view_class, "paginate_by", None):
        return (view_class.page_kwarg,)
    return ()


# Paths longer than this are resolved each time rather than remembered.
REMEMBERED_PATH_LENGTH = 300


@functools.lru_cache(maxsize=2048)
def _params_for_path(urlconf, path):
    try:
        return key_params(resolve(path, urlconf).func)
    except Resolver404:
        return ()


def params_for(request):
    """The key parameters of the view this request's path leads to, known before the view
    runs (the cache is asked before the URL is resolved)."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    path = request.path_info
    if len(path) > REMEMBERED_PATH_LENGTH:
        return _params_for_path.__wrapped__(urlconf, path)
    return _params_for_path(urlconf, path)


def page_address(request):
    """What names the page in the cache (a digest of its URL and the parameters its view
    reads), or None when the URL carries a value of one no copy is made for. Not Django's
    get_cache_key: that keys every query string, so `?utm_source=...` or a made-up
    parameter would make (or pass) a copy."""
    params = []
    for name in params_for(request):
        value = request.GET.get(name)
        if value is not None:
            if not value.isdigit() or len(value) > 6:
                return None
            params.append(f"{name}={value}")
    url = f"{request.scheme}://{request.get_host()}{request.path}?{'&'.join(params)}"
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def set_public_headers(response, lifetime):
    """Shared caches may keep the page as long as the copy here lives, never longer: fresh for
    the first part, then served while they fetch a new one (stale-while-revalidate) for the
    rest, at most PAGE_CACHE_STALE_WHILE_REVALIDATE seconds of it. So no one behind nginx or
    a CDN sees a page older than the bound either. Browsers ask again each time (an ETag
    makes that a 304), so signing in shows "Edit post" at once."""
    lifetime = max(0.0, lifetime)
    revalidate = min(settings.PAGE_CACHE_STALE_WHILE_REVALIDATE, lifetime / 2)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=math.floor(lifetime - revalidate),
        stale_while_revalidate=math.floor(revalidate),
    )


def without_cookie_vary(response):
    """Drop `Vary: Cookie`: the shared copy is the same for every visitor without a session
    (signed-in users never get it from here, and nginx/CDNs skip the cache for them)."""
    if response.has_header("Vary"):
        kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Static files pass straight through to whitenoise below.
        static_url = settings.STATIC_URL or ""
        self.static_prefix = static_url if static_url.startswith("/") else None

    def __call__(self, request):
        request.page_cache = None
        if self.static_prefix and request.path_info.startswith(self.static_prefix):
            return self.get_response(request)
        if request.method in CACHEABLE_METHODS and not has_visitor_cookies(request):
            cached = self.lookup(request)
            if cached is not None:
                return cached
        response = self.get_response(request)
        return self.finish(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in CACHEABLE_METHODS:
            return None
        if request.resolver_match.view_name not in settings.PAGE_CACHE_VIEWS or getattr(
            view_func, "pagecache_private", False
        ):
            request.page_cache = None
            return None
        if request.page_cache is None:
            # Came with cookies: only now, with the session middleware done, can we tell.
            if request.user.is_authenticated:
                request.page_cache = Decision()
                request.page_cache.bypass = True
                return None
            if CookieStorage.cookie_name not in request.COOKIES:
                cached = self.lookup(request)
                if cached is not None:
                    return cached
            if request.page_cache is None:
                request.page_cache = Decision()
        request.page_cache.public = True
        return None

    def lookup(self, request):
        """The stored copy, or None after noting on the request how to store a fresh one."""
        if not settings.PAGE_CACHE_ENABLED:
            request.page_cache = Decision()
            return None
        state = state_for(request)  # the page's blocks and data reuse it
        address = page_address(request)
        key = key_for("page", address, state) if address else None
        request.page_cache = Decision(key, state)
        entry = fetch(key) if key else None
        if entry is None:
            return None
        expires_at, (content, headers) = entry
        response = HttpResponse(content, headers=headers)
        set_public_headers(response, expires_at - time.time())
        response[STATUS_HEADER] = "hit"
        return response

    def finish(self, request, response):
        decision = request.page_cache
        if decision is None:
            return response
        if decision.bypass:
            add_never_cache_headers(response)
            response[STATUS_HEADER] = "bypass"
            return response
        if not decision.public:
            return response
        if is_private(request):
            # A preview or staff rendered this (pagecache.private): never shared.
            add_never_cache_headers(response)
            response[STATUS_HEADER] = "bypass"
            return response
        if response.status_code != 200 or response.streaming:
            return response
        if response.cookies:
            # Something per visitor (a CSRF token, a session) got into this page: never share it.
            add_never_cache_headers(response)
            response[STATUS_HEADER] = "uncacheable"
            return response

        without_cookie_vary(response)
        if not response.has_header("ETag"):
            set_response_etag(response)
        state = decision.state
        if state is None:
            # The copy is not kept here (PAGE_CACHE_ENABLED off): shared caches still may.
            set_public_headers(response, settings.PAGE_CACHE_STALE_SECONDS)
            return response
        set_public_headers(response, state.lifetime)
        # For If-Modified-Since: the page cannot have changed since the data last did (a
        # feed's own Last-Modified, its newest item, may be older than an edit to one).
        # Too close to a change to vouch for a date: none at all, the ETag still works.
        if state.last_modified is None:
            if response.has_header("Last-Modified"):
                del response["Last-Modified"]
        else:
            own = parse_http_date_safe(response.get("Last-Modified", "")) or 0
            response["Last-Modified"] = http_date(max(own, state.last_modified))
        if decision.key is not None:
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in UNSTORED_HEADERS
            }
            if store(decision.key, state, (response.content, headers)):
                response[STATUS_HEADER] = "miss"
        return response
