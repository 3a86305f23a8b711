"""The installable portal: the web app manifest, the service worker, the offline page, and the
content hash on every built asset's URL that lets the service worker precache exactly those."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal import bp
from shared.auth.access import public
from shared.auth.sessions import background
from shared.services.council import council
from shared.web.locale import text_direction

_NO_BUILD = {"version": "unbuilt", "files": {}}
_loaded: dict[str, tuple[int, dict]] = {}


def precache_manifest() -> dict:
    """`{"version": …, "files": {name under dist/: content hash}}`, written by frontend/build.mjs.

    Read again only when the file changes, since every asset URL on every page consults it.
    """
    path = Path(current_app.static_folder or "") / "dist" / "precache.json"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return _NO_BUILD  # assets not built: pages still work, there is just nothing to precache
    cached = _loaded.get(str(path))
    if cached is None or cached[0] != mtime:
        cached = (mtime, json.loads(path.read_text()))
        _loaded[str(path)] = cached
    return cached[1]


def _revision(filename: str) -> str | None:
    """The content hash of a built asset (a static filename under dist/), or None."""
    return precache_manifest()["files"].get(filename.removeprefix("dist/")) if filename.startswith("dist/") else None


@bp.app_url_defaults
def _hashed_asset_urls(endpoint: str, values: dict) -> None:
    # /static/dist/portal.css?v=<hash>: a new build is a new URL, for browsers and the service worker.
    if endpoint != "static" or "v" in values:
        return
    revision = _revision(values.get("filename", ""))
    if revision:
        values["v"] = revision


# What a hashed URL promises: the file at it never changes, so browsers keep it without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.after_app_request
def _keep_hashed_assets(response: Response) -> Response:
    """A built asset asked for by its current content hash (?v=, as every page and the manifest link
    it) is kept for a year. So the icon Chromium fetches for the tab and again for the manifest on a
    first visit is fetched once, the second answered from its cache, and a later visit asks for
    none of the assets. Any other static URL is revalidated each time (Flask's no-cache)."""
    if request.endpoint == "static" and response.status_code in {200, 304}:
        revision = _revision((request.view_args or {}).get("filename", ""))
        if revision and request.args.get("v") == revision:
            response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/manifest.webmanifest")
@public
@background  # fetched by the browser itself (install, updates, precache): not the person at work
def manifest():
    identity = council()
    locale = str(get_locale())
    name = identity.name

    def icon(name: str, size: str, kind: str, purpose: str = "any") -> dict:
        return {"src": url_for("static", filename=f"dist/images/{name}"), "sizes": size, "type": kind, "purpose": purpose}

    data = {
        "id": url_for("portal.home"),
        "name": _("%(council)s: complaints, compliments and comments", council=name),
        # Launchers show about 12 characters under the icon: the council's short name if it has one.
        "short_name": identity.launcher_name or _("Complaints"),
        "description": _("Make a complaint, compliment or comment to %(council)s and follow its progress.", council=name),
        "lang": locale,
        "dir": text_direction(locale),
        "start_url": url_for("portal.home"),
        "scope": url_for("portal.home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": identity.brand_colour,
        "icons": [
            icon("favicon.svg", "any", "image/svg+xml"),
            icon("icon-192.png", "192x192", "image/png"),
            icon("icon-512.png", "512x512", "image/png"),
            icon("icon-maskable-512.png", "512x512", "image/png", "maskable"),
        ],
    }
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
@public
@background  # fetched by the browser itself (install, updates, precache): not the person at work
def service_worker():
    precache = precache_manifest()
    assets = [url_for("static", filename=f"dist/{name}") for name in sorted(precache["files"])]
    body = render_template(
        "portal/sw.js", version=precache["version"], assets=assets, offline_url=url_for("portal.offline")
    )
    response = Response(body, mimetype="text/javascript")
    # Browsers check for a new worker on each visit; never let a cache answer for it.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
@public
@background  # fetched by the browser itself (install, updates, precache): not the person at work
def offline():
    return render_template("portal/offline.html")
