"""Headers on every response of the app (webhooks, API, dashboard, errors), and the
request size and JSON nesting limits on every route.

The policy forbids everything a JSON answer or a server-rendered page does not need:
no scripts, styles or frames from elsewhere, no framing of our pages (clickjacking),
no MIME sniffing, no referrer sent to other sites. HSTS only when the public URL is
HTTPS: over plain HTTP (a laptop in the field) it would lock browsers out.
"""

from __future__ import annotations

from flask import Flask, abort, request

from bot.core.json_depth import DepthLimitedJSON

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"
MAX_REQUEST_BYTES = 1 << 20


def protect(app: Flask, public_url: str) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json = DepthLimitedJSON(app)
    headers = dict(HEADERS)
    if public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS

    @app.before_request
    def _refuse_large_bodies():
        # Before any view or guard: a forged-signature check or a sign-in redirect must
        # not be the answer to 50 MB. A chunked body without a length is capped by Flask
        # (MAX_CONTENT_LENGTH) when it is read.
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            abort(413)

    @app.after_request
    def _add_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
