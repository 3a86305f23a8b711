"""The installable portal: web app manifest, service worker, offline page, hashed asset URLs."""

from __future__ import annotations

import json
import re

import pytest

from portal.views.pwa import precache_manifest
from shared.domain.enums import Role
from unit_tests.factories import sign_in


@pytest.fixture
def precache(app):
    with app.app_context():
        data = precache_manifest()
    if not data["files"]:
        pytest.fail("shared/static/dist/precache.json is missing: run `make assets`")
    return data


def _service_worker(client) -> tuple[object, str]:
    response = client.get("/sw.js")
    return response, response.get_data(as_text=True)


def _constant(source: str, name: str):
    match = re.search(rf"^const {name} = (.+)$", source, re.MULTILINE)
    assert match, name
    return json.loads(match.group(1))


# --- manifest ----------------------------------------------------------------------------------


def test_the_manifest_names_the_council_with_its_colour_and_icons(app, client):
    settings = app.config["SETTINGS"]
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    data = json.loads(response.get_data(as_text=True))
    assert data["name"] == f"{settings.council_name}: complaints, compliments and comments"
    assert data["short_name"] and len(data["short_name"]) <= 12
    assert data["theme_color"] == settings.brand_colour
    assert data["start_url"] == "/" and data["scope"] == "/" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_the_manifest_follows_the_language(client):
    data = json.loads(client.get("/manifest.webmanifest?lang=cy").get_data(as_text=True))
    assert data["lang"] == "cy"


def test_every_page_links_the_manifest_and_the_brand_colour(app, client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'<meta name="theme-color" content="{app.config["SETTINGS"].brand_colour}">' in page


# --- hashed asset URLs -------------------------------------------------------------------------


def test_built_assets_are_linked_with_their_content_hash(client, precache):
    page = client.get("/").get_data(as_text=True)
    revision = precache["files"]["portal.css"]
    assert f'href="/static/dist/portal.css?v={revision}"' in page
    assert f'src="/static/dist/app.mjs?v={precache["files"]["app.mjs"]}"' in page


def test_an_asset_asked_for_by_its_hash_is_kept_a_year(client, precache):
    """The icon the page names and the manifest's are one URL, kept a year: Chromium fetches it for
    the tab and again for the manifest, and the second is answered from its cache (issue 11)."""
    page = client.get("/").get_data(as_text=True)
    icon = f"/static/dist/images/favicon.svg?v={precache['files']['images/favicon.svg']}"
    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in page
    assert icon in [i["src"] for i in client.get("/manifest.webmanifest").get_json()["icons"]]
    for url in (icon, f"/static/dist/app.mjs?v={precache['files']['app.mjs']}"):
        assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Without the hash, or with another build's, the URL promises nothing: asked again each time.
    for url in ("/static/dist/images/favicon.svg", "/static/dist/app.mjs?v=0123456789ab"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"


def test_app_mjs_brings_the_timeout_warning_and_imports_govuk_frontend_by_its_hash(client, precache):
    """One script fewer on a first visit: timeout.mjs is written into app.mjs by the build, and the
    GOV.UK Frontend module app.mjs imports is asked for by its hash, so it is kept too."""
    source = client.get(f"/static/dist/app.mjs?v={precache['files']['app.mjs']}").get_data(as_text=True)
    assert "function startTimeoutWarning (dialog)" in source and "timeout.mjs'" not in source
    assert f"from './govuk-frontend.min.js?v={precache['files']['govuk-frontend.min.js']}'" in source
    assert "timeout.mjs" not in precache["files"]


# --- service worker ----------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response, source = _service_worker(client)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response.headers  # at the root, its scope is the whole site
    assert "self.addEventListener('fetch'" in source


def test_the_service_worker_precaches_only_static_assets_and_the_offline_page(client, precache):
    _, source = _service_worker(client)
    assets = _constant(source, "ASSETS")
    assert _constant(source, "OFFLINE_URL") == "/offline"
    assert assets, "nothing to precache"
    assert all(url.startswith("/static/dist/") and "?v=" in url for url in assets)
    expected = {f"/static/dist/{name}?v={revision}" for name, revision in precache["files"].items()}
    assert set(assets) == expected
    for url in assets:
        assert client.get(url).status_code == 200, url
    assert f"'redress-' + \"{precache['version']}\"" in source


def test_the_service_worker_stores_nothing_but_what_it_precaches(client):
    _, source = _service_worker(client)
    # one cache.addAll, for the assets, and one cache.put, for the offline page
    assert re.findall(r"\.addAll\(([^)]*)\)", source) == ["ASSETS"]
    assert re.findall(r"\.put\(([^,]*),", source) == ["OFFLINE_URL"]
    assert "caches.match(" not in source  # every lookup goes through this version's cache only
    # forms and other methods are never answered by the worker
    assert "if (request.method !== 'GET') return" in source
    # the stored offline page is fetched without cookies, so it is nobody's page
    assert "fetch(OFFLINE_URL, { credentials: 'omit' })" in source
    # navigations go to the network; the offline page is only the fallback
    assert "fetch(request).catch(() => fromCache(OFFLINE_URL)" in source


def test_the_service_worker_leaves_the_back_office_alone(client):
    _, source = _service_worker(client)
    assert "url.pathname.startsWith('/staff')" in source


# --- offline page ------------------------------------------------------------------------------


def test_the_offline_page_says_what_to_do_and_gives_the_phone_number(app, client):
    response = client.get("/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1 class=\"govuk-heading-l\">You are offline</h1>" in page
    assert app.config["SETTINGS"].contact_phone in page
    assert "Try again" in page


def test_the_offline_page_as_the_worker_fetches_it_holds_nothing_personal(app, make):
    # The worker asks for it without cookies: a fresh client is that request.
    user = make.user(Role.RESIDENT, full_name="Jane Private")
    signed_in = app.test_client()
    sign_in(signed_in, user)
    anonymous = app.test_client().get("/offline").get_data(as_text=True)
    assert "Jane Private" not in anonymous and "Sign out" not in anonymous and "/your-details" not in anonymous
