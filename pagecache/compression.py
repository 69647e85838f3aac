"""Compressed answers for readers: HTML and JSON gzipped when the client accepts it.

Django's GZipMiddleware, except for responses that carry a secret: a page with a CSRF token
(a form: the admin, the login page) or answered to a signed-in user. Compressing a secret
beside text an attacker controls (a search query in the page) lets the compressed size leak
it (BREACH); readers' public pages carry no secret. Inside the page cache in MIDDLEWARE:
the page cache keeps each page as it was sent, gzipped for clients that accept it and not
for the others (the response says `Vary: Accept-Encoding`, which the page cache keys on),
so a page is compressed once per content version, not on every hit (a cached CSV of
several megabytes was compressed again for every reader).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # The page holds a CSRF token (get_token() was called), whose cookie
            # CsrfViewMiddleware, outside this one, is about to send.
            return response
        if settings.CSRF_COOKIE_NAME in response.cookies:
            # ...or its cookie is set already: a view decorated with csrf_protect (the
            # admin's login) runs CSRF's response step inside the view.
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response  # a signed-in user's page may hold what is theirs
        return super().process_response(request, response)
