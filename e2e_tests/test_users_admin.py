"""An admin keeps users in a real browser: the list filtered by role, an invitation refused for a
responder without a service (what was typed kept), then sent; the user page with its history; the
role changed; the account disabled and enabled again. Axe on every page, JavaScript on and off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e


def test_an_admin_invites_a_responder_changes_their_role_and_disables_them(any_page: Page, javascript: bool) -> None:
    page = any_page
    suffix = "js" if javascript else "nojs"
    name, email = f"Nia Roberts {suffix}", f"nia.roberts.{suffix}@example.gov.uk"
    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)
    page.get_by_label("Work email address", exact=True).fill("admin@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Gareth Lewis")).to_be_visible()
    axe_check(page)

    page.get_by_label("Role").select_option("responder")
    page.get_by_role("button", name="Apply filters").click()
    responder = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Gareth Lewis"))
    expect(responder).to_contain_text("Housing repairs")
    expect(page.get_by_role("rowheader", name="Alex Kowalski")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name="Invite a user").click()
    expect(page.get_by_role("heading", name="Invite a user", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("radio", name="Service responder").check()
    page.get_by_role("button", name="Send invitation").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Choose the service this responder answers for")
    assert page.title().startswith("Error:")
    expect(page.get_by_label("Full name")).to_have_value(name)
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_role("radio", name="Service responder")).to_be_checked()
    axe_check(page)

    page.get_by_label("Service", exact=True).select_option(label="Waste and recycling")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_text(f"we have emailed {email} a link to choose a password")).to_be_visible()
    expect(page.locator("#account-status")).to_have_text("Invited, not yet signed in")
    expect(page.get_by_role("button", name="Send the invitation again")).to_be_visible()
    changes = page.get_by_role("table").filter(has_text="Changed by")
    expect(changes).to_contain_text("Alex Kowalski")
    expect(changes).to_contain_text("Service: Waste and recycling")
    axe_check(page)

    page.get_by_role("link", name="Change their details, role or service").click()
    expect(page.get_by_role("heading", name=f"Change {name}’s account", level=1)).to_be_visible()
    page.get_by_role("radio", name="Complaints officer").check()
    page.get_by_label("Service", exact=True).select_option(label="No service")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"Changes to {name}’s account saved.")).to_be_visible()
    expect(changes).to_contain_text("Role: Service responder → Complaints officer")
    expect(changes).to_contain_text("Service: Waste and recycling → (empty)")
    axe_check(page)

    page.get_by_role("button", name="Disable the account").click()  # a link styled as a button
    expect(page.get_by_role("heading", name=f"Disable {name}’s account", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Disable the account").click()
    expect(page.locator("#account-status")).to_have_text("Disabled")
    expect(changes).to_contain_text("Status: Invited, not yet signed in → Disabled")
    page.get_by_role("button", name="Enable the account").click()
    expect(page.get_by_text(f"{name}’s account is enabled again")).to_be_visible()
    expect(page.locator("#account-status")).to_have_text("Invited, not yet signed in")
    axe_check(page)
