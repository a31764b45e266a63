"""Security headers, cookie flags and the trusted reverse proxy.

- Flask-Talisman sends the Content-Security-Policy (no inline script or style: every
  script is a file under static/js, every style a class in static/css/app.css),
  X-Content-Type-Options, X-Frame-Options, Referrer-Policy and Permissions-Policy on
  every answer: pages, API, static files.
- HTTPS is never forced: workshops serve the app over plain HTTP on their network
  (photo scanning works there). HSTS goes only on answers to HTTPS requests, and cookies
  get `Secure` only then: the same install may be reached over http on the LAN and over
  https through a proxy.
- `X-Forwarded-Proto` / `X-Forwarded-For` count only when PROXY_HOPS (env
  KRAFTE_PROXY_HOPS) says how many proxies stand in front; otherwise anybody could send
  them.
"""

from flask import Flask, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",  # the on-device barcode decoder (WebAssembly)
    "style-src": "'self'",
    "img-src": "'self' data: blob:",  # photo previews, the scanner's still frames
    "connect-src": "'self'",
    "worker-src": "'self'",  # the service worker, /sw.js
    "manifest-src": "'self'",
    "media-src": "'self' blob:",  # the live camera preview
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS = {"camera": "(self)", "microphone": "()", "geolocation": "()",
               "browsing-topics": "()"}
HSTS = "max-age=31536000"  # one year; no includeSubDomains: other hosts are not ours
# Chrome's PDF viewer draws the document in a page of its own that a CSP on the PDF
# answer blocks (crbug.com/271452): labels, purchase orders and recall reports go out
# without it (they run no script of ours), with every other header.
NO_CSP_TYPES = ("application/pdf",)


def init_app(app: Flask) -> None:
    app.config.update(REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax")

    @app.after_request  # registered before Talisman's, so it runs after it
    def _https_only_headers(response):
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        if response.mimetype in NO_CSP_TYPES:
            response.headers.pop("Content-Security-Policy", None)
        return response

    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,
        strict_transport_security=False,  # above: Talisman would trust any X-Forwarded-Proto
        session_cookie_secure=False,  # SecureCookies below: Secure on HTTPS requests only
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=dict(CSP),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy=dict(PERMISSIONS),
        x_content_type_options=True,
        x_xss_protection=False,
    )

    # Outermost last: ProxyFix rewrites the scheme first, then SecureCookies reads it.
    app.wsgi_app = SecureCookies(app.wsgi_app)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


class SecureCookies:
    """WSGI middleware: on an HTTPS request, every Set-Cookie gets `Secure`.

    Done at the WSGI level because the session cookie is written after every
    after_request function has run, and Flask-Login's remember cookie in one of them.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [(name, _secure(value) if name.lower() == "set-cookie" else value)
                       for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def _secure(cookie: str) -> str:
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    return cookie if "secure" in attributes else cookie + "; Secure"
