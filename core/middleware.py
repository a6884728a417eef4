from .audit import request_context


class AuditRequestMiddleware:
    """Makes the request being served known to `audit.record()` (for who and from where)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)
