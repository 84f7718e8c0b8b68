"""Response headers: the security policy on every response, and cache-busting static URLs."""

import hashlib
from functools import lru_cache
from pathlib import Path

# Our own files only.  No inline script or style, so injected markup could not run even if
# something escaped the escaping; frame-ancestors stops other sites framing the page.
POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    # Links to an article's original site must not tell it what the reader searched for.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
}


@lru_cache(maxsize=64)
def _version(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def init_app(app) -> None:
    static = Path(app.static_folder)

    @app.url_defaults
    def version_static(endpoint, values):
        # /static/style.css?v=<hash>: a changed file gets a new URL, so a year's caching is safe.
        if endpoint == "static" and "v" not in values:
            path = static / values.get("filename", "")
            if path.is_file():
                values["v"] = _version(path, path.stat().st_mtime_ns)

    @app.after_request
    def secure(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
