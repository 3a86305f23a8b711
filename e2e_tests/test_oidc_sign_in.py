"""Signing in with an identity provider in a real browser: a `redress run` configured from
REDRESS_OIDC_* variables against npm oidc-provider on loopback (unit_tests/oidc_provider.mjs).
The provider's own login and consent prompts answer themselves; axe on Redress's pages."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import REDRESS, REPO, _free_port, _run_cli, _server_env, _wait_until_healthy, axe_check
from unit_tests import oidc_support

pytestmark = pytest.mark.e2e
RESIDENT_PASSWORD = "a long and unguessable e2e passphrase"


@pytest.fixture(scope="module")
def sso_server() -> Iterator[tuple[str, oidc_support.RunningProvider]]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    provider = oidc_support.start_provider(url)
    try:
        with tempfile.TemporaryDirectory(prefix="redress-e2e-oidc-") as tmp:
            instance = Path(tmp) / "instance"
            instance.mkdir()
            key_file = Path(tmp) / "residents-client.jwk"
            key_file.write_text(json.dumps(provider.residents_key))
            env = _server_env(instance)
            env.update(
                REDRESS_BASE_URL=url,  # every address given to the provider is built from it
                REDRESS_OIDC_RESIDENTS_ISSUER=provider.issuer,
                REDRESS_OIDC_RESIDENTS_NAME="Example ID",
                REDRESS_OIDC_RESIDENTS_CLIENT_ID="redress-residents",
                REDRESS_OIDC_RESIDENTS_PRIVATE_KEY_FILE=str(key_file),
                REDRESS_OIDC_STAFF_ISSUER=provider.issuer,
                REDRESS_OIDC_STAFF_NAME="Council Login",
                REDRESS_OIDC_STAFF_CLIENT_ID="redress-staff",
                REDRESS_OIDC_STAFF_CLIENT_SECRET=oidc_support.STAFF_SECRET,
                REDRESS_OIDC_STAFF_SCOPES="openid email profile groups",
                REDRESS_OIDC_STAFF_ROLES="complaints-officers=officer,complaints-managers=manager",
                REDRESS_STAFF_LOCAL_PASSWORDS="off",
            )
            _run_cli(["db", "upgrade"], env)
            # A resident with a password whose email the provider's "clash" account also gives.
            _run_cli(["users", "create", "--email", "taken@example.org", "--name", "Tam Resident", "--role", "resident",
                      "--password", RESIDENT_PASSWORD], env)
            log_path = Path(tmp) / "server.log"
            with log_path.open("w") as log:
                server = subprocess.Popen([REDRESS, "run", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                          cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
                try:
                    _wait_until_healthy(url, server, log_path)
                    yield url, provider
                finally:
                    server.terminate()
                    server.wait(timeout=10)
    finally:
        oidc_support.stop_provider(provider)


def test_a_resident_signs_in_with_the_provider(sso_server, page: Page) -> None:
    url, provider = sso_server
    provider.next_login("alice")
    page.goto(f"{url}/sign-in")
    axe_check(page)
    page.get_by_role("button", name="Sign in with Example ID").click()
    expect(page).to_have_url(f"{url}/cases")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)


def test_staff_sign_in_offers_only_the_provider_and_refuses_a_stranger_clearly(sso_server, page: Page) -> None:
    url, provider = sso_server
    page.goto(f"{url}/staff/sign-in")
    expect(page.get_by_label("Password")).to_have_count(0)
    axe_check(page)
    provider.next_login("fin")
    page.get_by_role("button", name="Sign in with Council Login").click()
    expect(page.get_by_role("heading", name="You do not have access to the back office")).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()  # else the provider remembers who signed in there
    provider.next_login("olu")
    page.goto(f"{url}/staff/sign-in")
    page.get_by_role("button", name="Sign in with Council Login").click()
    expect(page).to_have_url(f"{url}/staff/")


def test_cancelling_at_the_provider_is_explained_in_welsh(sso_server, page: Page) -> None:
    url, provider = sso_server
    provider.next_login(error="access_denied")
    page.goto(f"{url}/sign-in?lang=cy")
    page.get_by_role("button", name="Mewngofnodi gyda Example ID").click()
    expect(page.get_by_role("heading", name="Ni wnaethoch orffen mewngofnodi")).to_be_visible()
    axe_check(page)


def test_signing_out_signs_out_at_the_provider_too(sso_server, page: Page) -> None:
    url, provider = sso_server
    provider.next_login("alice")
    page.goto(f"{url}/sign-in")
    page.get_by_role("button", name="Sign in with Example ID").click()
    expect(page).to_have_url(f"{url}/cases")
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    # The provider's own page asks; then it sends the browser back with our state.
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", level=1, name="You have signed out")).to_be_visible()
    assert page.url.startswith(f"{url}/signed-out/oidc?state=")
    expect(page.get_by_text("You have signed out of this service and of Example ID.")).to_be_visible()
    axe_check(page)
    page.goto(f"{url}/cases")
    expect(page).to_have_url(f"{url}/sign-in?next=/cases")


def test_a_resident_with_a_password_links_the_provider_from_their_details(sso_server, page: Page) -> None:
    url, provider = sso_server
    provider.next_login("clash")
    page.goto(f"{url}/sign-in")
    page.get_by_role("button", name="Sign in with Example ID").click()
    expect(page.get_by_role("heading", name="An account already uses this email address")).to_be_visible()
    expect(page.get_by_text("choose “Sign in with Example ID next time” to link the two")).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()

    page.goto(f"{url}/sign-in")
    page.get_by_label("Email address").fill("taken@example.org")
    page.get_by_label("Password", exact=True).fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"{url}/your-details")
    axe_check(page)
    page.get_by_role("button", name="Sign in with Example ID next time").click()
    expect(page.get_by_role("heading", level=1, name="Sign in with Example ID next time")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Continue").click()  # no password: the error summary
    expect(page.get_by_role("alert").get_by_text("Enter your password")).to_be_visible()
    axe_check(page)
    page.get_by_label("Your password", exact=True).fill(RESIDENT_PASSWORD)
    provider.next_login("clash")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{url}/your-details")
    expect(page.get_by_text("Your account is linked to Example ID.")).to_be_visible()
    expect(page.get_by_role("button", name="Unlink Example ID")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Unlink Example ID").click()
    expect(page.get_by_text("Your account is no longer linked to Example ID.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Example ID next time")).to_be_visible()
