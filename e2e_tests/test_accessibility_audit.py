"""The accessibility audit beyond axe (WCAG 2.2 AA), in Chromium against the demo data.

- Keyboard only, focus always visible (2.1.1, 2.4.7, 2.4.11): a resident's complaint and an
  officer's triage, done with page.keyboard alone; every focus stop on the way is checked.
- Text resized to 200% (1.4.4) at 1280 px: nothing scrolls sideways, no text is clipped.
- Target size (2.5.8): every target is at least 24×24 CSS px, spaced, or a link in a sentence.
- htmx updates are announced (4.1.3): each update writes into a live region the page already has.
- Errors move focus to the error summary with JavaScript on (3.3.1); without, it comes first in main.
- Time limits (2.2.1): no meta refresh, nothing moves on by itself, the session cookie lasts as documented;
  the timeout warning itself is tested in e2e_tests/test_session_timeout.py.

The accessibility statement (portal/templates/portal/accessibility.html) is written from these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from e2e_tests.conftest import PASSWORD, axe_check, expect_scripts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RDR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
RESIDENT = "resident@example.com"
OFFICER = "officer@example.gov.uk"
RESIDENT_PAGES = ("/", "/feedback/new", "/sign-in", "/register", "/contact", "/accessibility")
STAFF_PAGES = ("/staff/sign-in", "/staff/", "/staff/triage", "/staff/cases")
DOCUMENTED_COOKIE = timedelta(hours=36)  # the cookies page: "36 hours after your last visit"

# --- focus ---------------------------------------------------------------------------------------

# Before each key press: how every element that could take focus looks without it, so the stop it
# lands on can be compared with itself unfocused (no blur, which would set off the page's checks).
_REMEMBER_UNFOCUSED = r"""() => {
  const PROPS = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor', 'color',
                 'textDecorationLine', 'textDecorationThickness', 'borderTopWidth', 'borderTopColor',
                 'borderBottomWidth', 'borderBottomColor'];
  const parts = (el) => {
    const list = [[el, null], [el, '::before'], [el, '::after']];
    const label = el.labels && el.labels[0];
    if (label) list.push([label, null], [label, '::before'], [label, '::after']);
    return list.map(([node, pseudo]) => {
      const style = getComputedStyle(node, pseudo);
      return PROPS.map((prop) => `${prop}:${style[prop]}`).join(';');
    });
  };
  window.__a11yParts = parts;
  window.__a11yUnfocused = window.__a11yUnfocused || new WeakMap();
  const candidates = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]');
  for (const el of candidates) if (el !== document.activeElement) window.__a11yUnfocused.set(el, parts(el));
}"""

# After it: what has focus, whether it can be seen, and whether it looks focused.
_FOCUS_STOP = r"""() => {
  const el = document.activeElement;
  const describe = (node) => {
    const text = (node.innerText || node.value || node.getAttribute('aria-label') || node.name || '').trim()
      .replace(/\s+/g, ' ').slice(0, 50);
    return `<${node.tagName.toLowerCase()}${node.id ? '#' + node.id : ''}${node.type ? ' type=' + node.type : ''}> "${text}"`;
  };
  if (!el || el === document.body || el === document.documentElement) {
    return { where: 'the page itself', problems: ['focus went to the page, not to anything on it'] };
  }
  const problems = [];
  // GOV.UK radios and checkboxes hide the native box (opacity 0) and draw their own on the label.
  const style = getComputedStyle(el);
  const drawnByLabel = el.tagName === 'INPUT' && ['radio', 'checkbox', 'file'].includes(el.type) && el.labels && el.labels[0]
    && Number(style.opacity) === 0;
  const shown = drawnByLabel ? el.labels[0] : el;
  for (let node = shown; node; node = node.parentElement) {
    const s = getComputedStyle(node);
    if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) {
      problems.push(`focus is on something invisible (${describe(node)} is hidden)`);
      break;
    }
  }
  const rect = shown.getBoundingClientRect();
  if (rect.width < 2 || rect.height < 2) problems.push(`focus is on something ${rect.width}×${rect.height} px: it cannot be seen`);
  if (rect.bottom <= 0 || rect.right <= 0 || rect.top >= innerHeight || rect.left >= innerWidth) {
    problems.push('focus is off the screen');
  }
  const now = window.__a11yParts(el);
  const before = window.__a11yUnfocused.get(el);
  if (before && now.join('|') === before.join('|')) problems.push('it looks the same focused as unfocused');
  // GOV.UK's focus style: a yellow (#fd0) outline, box-shadow or background, on it or its label.
  const YELLOW = 'rgb(255, 221, 0)';
  const indicated = now.some((part) => {
    const value = Object.fromEntries(part.split(';').map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]));
    return (value.outlineStyle !== 'none' && parseFloat(value.outlineWidth) >= 2 && value.outlineColor !== 'rgba(0, 0, 0, 0)')
      || (value.boxShadow !== 'none' && value.boxShadow.includes(YELLOW))
      || value.backgroundColor === YELLOW;
  });
  if (!indicated) problems.push('it has no focus outline, box-shadow or yellow background');
  return { where: describe(el), problems };
}"""


def _focus_stop(page: Page) -> str:
    stop = page.evaluate(_FOCUS_STOP)
    assert not stop["problems"], f"Focus on {stop['where']} at {page.url}: " + "; ".join(stop["problems"])
    return stop["where"]


def _is_focused(page: Page, target: Locator) -> bool:
    return target.evaluate("(el) => el === document.activeElement")


def press(page: Page, key: str) -> str:
    """Press a key, then check where focus is: visible, and styled as focused."""
    page.evaluate(_REMEMBER_UNFOCUSED)
    page.keyboard.press(key)
    return _focus_stop(page)


def tab_to(page: Page, target: Locator, *, backwards: bool = False, most: int = 120) -> list[str]:
    """Tab (or Shift+Tab) until `target` has focus, checking each stop on the way. Returns the stops."""
    expect(target).to_be_attached()
    stops: list[str] = []
    for _ in range(most):
        stops.append(press(page, "Shift+Tab" if backwards else "Tab"))
        if _is_focused(page, target):
            return stops
    raise AssertionError(f"{most} tab stops on {page.url} without reaching {target}:\n  " + "\n  ".join(stops))


def activate(page: Page, target: Locator) -> None:
    """Tab to a link or button and press Enter."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def type_into(page: Page, box: Locator, text: str) -> None:
    tab_to(page, box)
    page.keyboard.type(text)


def choose(page: Page, option: Locator) -> None:
    """Tab into the option's radio group, then arrow to it (arrows check as they move)."""
    name = option.get_attribute("name")
    group = page.locator(f'input[type="radio"][name="{name}"]')
    expect(group.first).to_be_attached()
    for _ in range(120):
        press(page, "Tab")
        if page.evaluate("(name) => document.activeElement.name === name", name):
            break
    else:
        raise AssertionError(f"never reached the {name} radios on {page.url}")
    for _ in range(group.count()):
        if _is_focused(page, option):
            break
        press(page, "ArrowDown")
    assert _is_focused(page, option), f"arrowing through the {name} radios never reached {option}"
    if not option.is_checked():
        page.keyboard.press("Space")
    expect(option).to_be_checked()


def continue_(page: Page, name: str = "Continue") -> None:
    activate(page, page.get_by_role("button", name=name, exact=True))


def heading(page: Page, name: str | re.Pattern):
    return page.get_by_role("heading", name=name, level=1)


def keyboard_sign_in(page: Page, email: str, email_label: str) -> None:
    type_into(page, page.get_by_label(email_label, exact=True), email)
    type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
    continue_(page, "Sign in")


def test_a_resident_complains_by_keyboard_alone(any_page: Page, javascript: bool) -> None:
    """WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11: sign in, give feedback, send a complaint, no mouse."""
    page = any_page
    page.set_default_timeout(10_000)
    happened = date.today() - timedelta(days=10)

    page.goto("/")
    expect_scripts(page, javascript)
    # The first stop is the skip link, shown when focused; it goes to the main content.
    assert "Skip to main content" in press(page, "Tab")
    activate(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in"))
    expect(heading(page, "Sign in")).to_be_visible()
    keyboard_sign_in(page, RESIDENT, "Email address")
    expect(heading(page, "Your cases")).to_be_visible()

    activate(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Give feedback"))
    expect(heading(page, "Give feedback")).to_be_visible()
    activate(page, page.get_by_role("button", name="Start new feedback"))
    expect(page).to_have_url(re.compile(r"/feedback/new$"))

    choose(page, page.get_by_role("radio", name="Make a complaint", exact=True))
    continue_(page)
    expect(heading(page, "Which service is your complaint about?")).to_be_visible()
    choose(page, page.get_by_role("radio", name="Waste and recycling", exact=True))
    continue_(page)
    expect(heading(page, "What happened?")).to_be_visible()
    type_into(page, page.get_by_label("What happened?", exact=True), "The bin was not collected, by keyboard.")
    continue_(page)

    expect(heading(page, "When did it happen?")).to_be_visible()
    type_into(page, page.get_by_label("Day"), str(happened.day))
    type_into(page, page.get_by_label("Month"), str(happened.month))
    type_into(page, page.get_by_label("Year"), str(happened.year))
    continue_(page)

    expect(heading(page, "What would you like us to do to put things right?")).to_be_visible()
    type_into(page, page.get_by_label("What would you like us to do to put things right?", exact=True), "Collect it.")
    continue_(page)
    expect(heading(page, "Have you already asked us about this?")).to_be_visible()
    choose(page, page.get_by_role("radio", name="No", exact=True))
    continue_(page)
    expect(heading(page, "You might get this sorted faster as a request")).to_be_visible()
    continue_(page, "Continue with my complaint")
    expect(heading(page, "Are you complaining for someone else?")).to_be_visible()
    choose(page, page.get_by_role("radio", name="No", exact=True))
    continue_(page)
    expect(heading(page, "Do you need help or support to make your complaint?")).to_be_visible()
    choose(page, page.get_by_role("radio", name="No", exact=True))
    continue_(page)
    expect(heading(page, "How would you like us to contact you about your complaint?")).to_be_visible()
    choose(page, page.get_by_role("radio", name="Phone", exact=True))
    continue_(page)
    expect(heading(page, "What is your phone number?")).to_be_visible()
    type_into(page, page.get_by_label("What is your phone number?", exact=True), "07700 900 982")
    continue_(page)

    # Evidence is optional: Tab past the file box (GOV.UK's "Choose file" with JavaScript).
    expect(heading(page, "Add files to support your complaint")).to_be_visible()
    continue_(page)
    expect(heading(page, "Check your answers before sending your complaint")).to_be_visible()
    # Shift+Tab goes back up the page with the focus still visible.
    tab_to(page, page.get_by_role("link", name="Change what happened", exact=True))
    tab_to(page, page.get_by_role("link", name="Change service", exact=True), backwards=True)
    continue_(page, "Send complaint")

    expect(heading(page, "Complaint sent")).to_be_visible()
    expect(page.locator(".govuk-panel")).to_contain_text(REFERENCE)
    axe_check(page)


def test_an_officer_triages_a_case_by_keyboard_alone(any_page: Page, javascript: bool) -> None:
    """WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11: sign in to the back office and triage from the queue."""
    page = any_page
    page.set_default_timeout(10_000)
    page.goto("/staff/sign-in")
    expect_scripts(page, javascript)
    keyboard_sign_in(page, OFFICER, "Work email address")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    activate(page, menu.get_by_role("link", name="Triage"))
    expect(heading(page, "Triage queue")).to_be_visible()

    # The second row (the back-office journey takes the first, another test the last).
    row = page.get_by_role("table").get_by_role("row").nth(2)
    reference = REFERENCE.search(row.get_by_role("rowheader").inner_text()).group(0)
    activate(page, row.get_by_role("link", name=f"Triage case {reference}"))
    expect(heading(page, "What is this contact?")).to_be_visible()
    choose(page, page.get_by_role("radio", name="A complaint", exact=True))
    continue_(page)

    expect(heading(page, "Record the complaint")).to_be_visible()
    choose(page, page.get_by_role("radio", name="Corporate complaints (Complaint Handling Code)"))
    choose(page, page.get_by_role("radio", name="Delay in doing what was promised", exact=True))
    type_into(page, page.get_by_label("What are the points of the complaint?"), "The bin was missed twice.")
    type_into(page, page.get_by_label("What outcome does the person want?"), "Collect the bin.")
    continue_(page, "Record as a complaint")

    expect(heading(page, f"Case {reference}")).to_be_visible()
    expect(page.get_by_text(f"Case {reference} recorded as: A complaint.")).to_be_visible()
    axe_check(page)


# --- signed-in pages for the page-by-page checks ----------------------------------------------------


@pytest.fixture(scope="module")
def staff_state(browser, base_url: str) -> dict:
    """An officer's signed-in browser state, made once for this module's page checks."""
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    page.goto("/staff/sign-in")
    page.get_by_label("Work email address", exact=True).fill(OFFICER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/staff/triage")
    reference = REFERENCE.search(page.get_by_role("table").get_by_role("row").nth(1).inner_text()).group(0)
    state = context.storage_state()
    context.close()
    return {"storage": state, "case": f"/staff/cases/{reference}", "triage": f"/staff/cases/{reference}/triage"}


def _audit_pages(staff_state: dict) -> list[tuple[str, bool]]:
    """(path, signed in as an officer) for every page the page-by-page checks visit."""
    staff = [*STAFF_PAGES[1:], staff_state["case"], staff_state["triage"]]
    return [(path, False) for path in (*RESIDENT_PAGES, STAFF_PAGES[0])] + [(path, True) for path in staff]


def _visit_each(new_context: Callable[..., BrowserContext], staff_state: dict, javascript: bool, check) -> list[str]:
    found: list[str] = []
    guest = new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 800}).new_page()
    officer = new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 800},
                          storage_state=staff_state["storage"]).new_page()
    for path, signed_in in _audit_pages(staff_state):
        page = officer if signed_in else guest
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert "/sign-in" not in page.url or "sign-in" in path, f"{path} sent us to sign in"
        found += [f"{path}: {problem}" for problem in check(page)]
    return found


# --- text resized to 200% --------------------------------------------------------------------------

_REFLOW = r"""() => {
  const problems = [];
  const root = document.documentElement;
  const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${typeof el.className === 'string' && el.className ? ' class="' + el.className + '"' : ''}>`;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      const parent = el.parentElement.getBoundingClientRect();
      if (r.width > 0 && r.right > root.clientWidth + 1 && parent.right <= root.clientWidth + 1) {
        problems.push(`  ${describe(el)} (position: ${getComputedStyle(el).position}) reaches ${Math.round(r.right)} px`);
      }
    }
  }
  const hides = (value) => value === 'hidden' || value === 'clip';
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (!hides(s.overflowX) && !hides(s.overflowY)) continue;
    if (!el.innerText || !el.innerText.trim()) continue;
    if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;  // visually hidden on purpose (for screen readers)
    const wide = hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const tall = hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!wide && !tall) continue;
    // It overflows: is it text that is cut off (not a decoration, like the timeline's line)?
    const box = el.getBoundingClientRect();
    const inner = { left: box.left + el.clientLeft, top: box.top + el.clientTop };
    inner.right = inner.left + el.clientWidth;
    inner.bottom = inner.top + el.clientHeight;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (!text.data.trim() || !text.parentElement.checkVisibility()) continue;
      let hidden = false;  // inside GOV.UK's visually hidden text (1 px, clipped): for screen readers
      for (let node = text.parentElement; node && node !== el; node = node.parentElement) {
        const r = node.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1) { hidden = true; break; }
      }
      if (hidden) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      const cut = [...range.getClientRects()].find((r) => r.width > 0 && (
        (wide && (r.left < inner.left - 1 || r.right > inner.right + 1)) ||
        (tall && (r.top < inner.top - 1 || r.bottom > inner.bottom + 1))));
      if (cut) {
        problems.push(`text clipped in ${describe(el)} (${el.scrollWidth}×${el.scrollHeight} px of content in ${el.clientWidth}×${el.clientHeight}): "${text.data.trim().replace(/\s+/g, ' ').slice(0, 60)}"`);
        break;
      }
    }
  }
  return problems;
}"""


def _at_200_percent(page: Page) -> list[str]:
    before = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    after = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert after >= 1.9 * before, f"the root font size does not scale the text on {page.url} ({before} → {after} px)"
    return page.evaluate(_REFLOW)


def test_text_resized_to_200_percent_neither_scrolls_sideways_nor_clips(
        javascript: bool, new_context: Callable[..., BrowserContext], staff_state: dict) -> None:
    """WCAG 1.4.4 Resize text: the root font size at 200% in a 1280 px window."""
    found = _visit_each(new_context, staff_state, javascript, _at_200_percent)
    assert not found, "With text at 200%:\n" + "\n".join(found)


# --- target size ------------------------------------------------------------------------------------

_TARGETS = r"""() => {
  const MIN = 24;
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.type && el.tagName === 'INPUT' ? ' type=' + el.type : ''}> "${text}"`;
  };
  const shown = (el) => {
    if (el.closest('[hidden]')) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.width >= 2 && r.height >= 2;  // not GOV.UK's visually hidden 1 px (the skip link until focused)
  };
  // An inline link in a sentence is excused (its size is set by the line of text around it).
  const inSentence = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, li');
    return Boolean(block) && block.textContent.replace(/\s+/g, ' ').trim().length > el.textContent.replace(/\s+/g, ' ').trim().length;
  };
  const targets = [...document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary')]
    .filter(shown)
    .map((el) => {
      const r = el.getBoundingClientRect();
      return { el, r, cx: (r.left + r.right) / 2, cy: (r.top + r.bottom) / 2, small: r.width < MIN - 0.01 || r.height < MIN - 0.01 };
    });
  const circleMeetsRect = (cx, cy, r) => {
    const x = Math.max(r.left, Math.min(cx, r.right)), y = Math.max(r.top, Math.min(cy, r.bottom));
    return (x - cx) ** 2 + (y - cy) ** 2 < (MIN / 2) ** 2 - 0.01;
  };
  const failures = [];
  for (const t of targets) {
    if (!t.small || inSentence(t.el)) continue;
    // The spacing exception: a 24 px circle centred on it meets no other target, nor another small one's circle.
    const clash = targets.find((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el)
      && !(t.el.labels && [...t.el.labels].includes(o.el))
      && (circleMeetsRect(t.cx, t.cy, o.r) || (o.small && (o.cx - t.cx) ** 2 + (o.cy - t.cy) ** 2 < MIN ** 2)));
    if (clash) failures.push(`${describe(t.el)} is ${t.r.width.toFixed(1)}×${t.r.height.toFixed(1)} px, too close to ${describe(clash.el)}`);
  }
  return failures;
}"""


def test_every_target_is_at_least_24_pixels_or_spaced(
        javascript: bool, new_context: Callable[..., BrowserContext], staff_state: dict) -> None:
    """WCAG 2.5.8 Target size (minimum): 24×24 CSS px, the spacing exception, or inline in a sentence."""
    found = _visit_each(new_context, staff_state, javascript, lambda page: page.evaluate(_TARGETS))
    assert not found, "Targets smaller than 24×24 px and not spaced apart:\n" + "\n".join(found)


# --- htmx updates are announced ------------------------------------------------------------------------

# Every part of a page that htmx redraws, and the live region (present before the update, as a screen
# reader only hears changes to a region it already knows) that says what changed:
#   the feedback form's check as you leave a box   -> #check-announcement  (portal/feedback/_checked.html)
#   the evidence file list, on choosing a file     -> #files-status        (portal/feedback/_files.html)
#   the resident's case status, every 60 seconds   -> #case-announcement   (portal/case/_progress.html)
#   the triage queue, every 30 seconds             -> #triage-announcement (staff/triage/_queue.html)
# (The back office's notes and messages move focus to what was added: test_back_office_journey.py.)
_LIVE_REGION = r"""(id) => {
  const el = document.getElementById(id);
  if (!el) return `#${id} is not on the page`;
  const live = el.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]');
  if (!live) return `#${id} is not inside an aria-live region or a role=status/alert`;
  return null;
}"""

_HTMX_TARGETS = r"""() => [...document.querySelectorAll('[hx-get], [hx-post]')].map((el) => {
  const target = el.getAttribute('hx-target');
  const swapped = !target || target === 'this' ? el : document.querySelector(target);
  return swapped ? swapped.id : `(no target for ${el.outerHTML.slice(0, 80)})`;
})"""


def _announced_by(page: Page, region: str) -> None:
    problem = page.evaluate(_LIVE_REGION, region)
    assert problem is None, f"{page.url}: {problem}"


def _signed_in(new_context: Callable[..., BrowserContext], email: str, staff: bool) -> Page:
    page = new_context(java_script_enabled=True).new_page()
    page.set_default_timeout(10_000)
    page.goto("/staff/sign-in" if staff else "/sign-in")
    page.get_by_label("Work email address" if staff else "Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_the_feedback_forms_updates_are_announced(new_context: Callable[..., BrowserContext]) -> None:
    """WCAG 4.1.3 Status messages: the check as a box is left, and the file list, say what happened."""
    page = _signed_in(new_context, RESIDENT, staff=False)
    page.goto("/feedback/new")
    page.get_by_role("radio", name="Make a complaint", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name="Waste and recycling", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    # "What happened?": its box is checked (hx-post) as focus leaves it.
    expect(heading(page, "What happened?")).to_be_visible()
    assert page.evaluate(_HTMX_TARGETS) == ["what_happened-box"]
    _announced_by(page, "check-announcement")
    page.get_by_label("What happened?", exact=True).fill("The bin was not collected.")
    page.get_by_role("button", name="Continue").click()

    # "When did it happen?": the date is checked as focus leaves its three boxes; the error is said.
    expect(heading(page, "When did it happen?")).to_be_visible()
    _announced_by(page, "check-announcement")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Month").press("Tab")
    page.get_by_label("Year").press("Tab")
    expect(page.locator("#check-announcement")).to_have_text("Error: Date it happened must include a year")
    expect(page.locator("#happened_on-error")).to_have_text("Error: Date it happened must include a year")
    page.get_by_label("Year").fill(str(date.today().year - 1))
    page.get_by_role("button", name="Continue").click()

    # The evidence page: the list is redrawn as a file is chosen; the status region says so.
    page.get_by_label("What would you like us to do to put things right?", exact=True).fill("Collect it.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name="No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue with my complaint").click()
    for _question in ("someone else", "support"):
        page.get_by_role("radio", name="No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name="Email", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page, "Add files to support your complaint")).to_be_visible()
    assert "evidence-upload" in page.evaluate(_HTMX_TARGETS)
    _announced_by(page, "files-status")
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Missed on Tuesday.\n"}])
    expect(page.locator("#files-status")).to_have_text("notes.txt has been added. You have added 1 file.")


def test_the_case_status_refresh_is_announced(new_context: Callable[..., BrowserContext]) -> None:
    """WCAG 4.1.3: the resident's case page redraws its progress every 60 seconds and says what changed."""
    page = _signed_in(new_context, RESIDENT, staff=False)
    page.clock.install()
    page.goto("/cases")
    page.get_by_role("main").get_by_role("link", name=REFERENCE).first.click()
    expect(heading(page, re.compile(r"RDR-"))).to_be_visible()
    assert page.evaluate(_HTMX_TARGETS).count("case-progress") == 1
    _announced_by(page, "case-announcement")
    expect(page.locator("#case-announcement")).to_have_text("")

    # The refresh carries what the page showed; as if the status had been different then, the answer
    # says what it is now, in the status region.
    def as_if_changed(route):
        route.continue_(url=re.sub(r"([?&]status=)[^&]*", r"\1a-status-it-never-had", route.request.url))

    page.route(re.compile(r".*/cases/RDR-[^/?]+\?.*status=.*"), as_if_changed)
    with page.expect_response(lambda r: "status=" in r.url):
        page.clock.fast_forward("01:01")
    expect(page.locator("#case-announcement")).to_have_text(re.compile(r"^The status of your case is now: .+\.$"))
    expect(page.locator("#case-progress")).to_be_visible()


def test_the_triage_queue_refresh_is_announced(new_context: Callable[..., BrowserContext]) -> None:
    """WCAG 4.1.3: the triage queue redraws itself every 30 seconds; a change in the number waiting is said."""
    page = _signed_in(new_context, OFFICER, staff=True)
    page.clock.install()
    page.goto("/staff/triage")
    expect(heading(page, "Triage queue")).to_be_visible()
    assert "triage-queue" in page.evaluate(_HTMX_TARGETS)
    _announced_by(page, "triage-announcement")

    # As if fewer had been waiting when the page was drawn: the refresh says how many wait now.
    page.route(re.compile(r".*/staff/triage\?.*seen=.*"),
               lambda route: route.continue_(url=re.sub(r"([?&]seen=)\d+", r"\g<1>0", route.request.url)))
    with page.expect_response(lambda r: "seen=" in r.url):
        page.clock.fast_forward("00:31")
    expect(page.locator("#triage-announcement")).to_have_text(
        re.compile(r"^The queue has changed: \d+ new contacts? waiting\.$"))


# --- errors move focus to the error summary -------------------------------------------------------------

def _first_thing_in_main(page: Page) -> str:
    """The class of the first element in <main> with visible content of its own."""
    return page.evaluate(r"""() => {
      const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_ELEMENT);
      for (let el = walker.nextNode(); el; el = walker.nextNode()) {
        const r = el.getBoundingClientRect();
        if (r.width < 2 || r.height < 2) continue;
        if ([...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim()) || el.matches('input, select, textarea, img')) {
          return el.closest('.govuk-error-summary') ? 'govuk-error-summary' : `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 40)}`;
        }
      }
      return 'nothing';
    }""")


ERROR_FORMS = {
    "feedback start": ("/feedback/new", False, "Continue"),
    "sign in": ("/sign-in", False, "Sign in"),
    "staff sign in": ("/staff/sign-in", False, "Sign in"),
    "triage decision": ("triage", True, "Continue"),
}


@pytest.mark.parametrize("form", ERROR_FORMS, ids=lambda name: name.replace(" ", "-"))
def test_errors_take_focus_to_the_error_summary(form: str, javascript: bool, new_context: Callable[..., BrowserContext],
                                                staff_state: dict) -> None:
    """WCAG 3.3.1 Error identification, 2.4.3 Focus order: with JavaScript, GOV.UK's ErrorSummary takes
    focus; without, the summary is the first thing in main (and the title starts "Error:")."""
    path, staff, button = ERROR_FORMS[form]
    extra = {"storage_state": staff_state["storage"]} if staff else {}
    page = new_context(java_script_enabled=javascript, **extra).new_page()
    page.set_default_timeout(10_000)
    page.goto(staff_state["triage"] if path == "triage" else path)
    expect_scripts(page, javascript)
    page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    if javascript:
        expect(summary).to_be_focused()
    assert _first_thing_in_main(page) == "govuk-error-summary"
    axe_check(page)


# --- time limits -----------------------------------------------------------------------------------------

def test_nothing_moves_on_or_times_out_by_itself(new_context: Callable[..., BrowserContext], staff_state: dict) -> None:
    """WCAG 2.2.1 Timing adjustable, 2.2.2 Pause, stop, hide: no page refreshes or redirects itself, nothing
    moves on by itself, and the cookie lasts at least as long as the cookies page says (36 hours after the
    last visit; being signed in ends sooner, with a warning first). The htmx refreshes redraw in place,
    never while someone is using the section."""
    page = _signed_in(new_context, RESIDENT, staff=False)
    cookie = next(c for c in page.context.cookies() if c["name"] in ("redress", "__Host-redress"))
    lasts = datetime.fromtimestamp(cookie["expires"], UTC) - datetime.now(UTC)
    assert lasts >= DOCUMENTED_COOKIE - timedelta(minutes=1), f"the session cookie lasts only {lasts}"
    page.goto("/cookies")
    expect(page.get_by_role("main")).to_contain_text("36 hours after your last visit. You stay signed in for "
                                                     "30 minutes without doing anything, and at most 12 hours.")

    officer = new_context(java_script_enabled=True, storage_state=staff_state["storage"]).new_page()
    for visitor, paths in ((page, [*RESIDENT_PAGES, "/cases"]), (officer, [*STAFF_PAGES[1:], staff_state["case"]])):
        for path in paths:
            response = visitor.goto(path)
            assert "refresh" not in {name.lower() for name in response.headers}, f"{path} sends a Refresh header"
            assert visitor.locator('meta[http-equiv="refresh" i]').count() == 0, f"{path} has a meta refresh"
            assert visitor.locator("marquee, blink, [autoplay]").count() == 0, f"{path} has moving content"
            # The only timed requests are the two self-refreshing sections, which pause while in use.
            for element in visitor.locator("[hx-trigger*='every']").all():
                assert element.get_attribute("id") in ("case-progress", "triage-queue"), f"{path}: a timed update"
                assert element.get_attribute("data-refresh-while-idle") is not None


def _production_config(tmp_path):
    from shared.app import create_app
    from shared.config import load_settings

    settings = load_settings({"REDRESS_ENV": "production", "REDRESS_SECRET_KEY": "k" * 40, "REDRESS_MAIL_BACKEND": "smtp",
                              "REDRESS_INSTANCE_PATH": str(tmp_path), "REDRESS_DATABASE_URL": f"sqlite:///{tmp_path}/t.db"})
    return create_app(settings).config


def test_a_form_left_open_is_not_refused_for_its_age(tmp_path) -> None:
    """WCAG 2.2.1: a form's CSRF token has no age limit of its own; it lasts as long as the session."""
    config = _production_config(tmp_path)
    assert config["WTF_CSRF_TIME_LIMIT"] is None
    assert config["PERMANENT_SESSION_LIFETIME"] == DOCUMENTED_COOKIE  # what the cookies page says


def test_production_sessions_warn_before_they_end(tmp_path) -> None:
    """WCAG 2.2.1: the limits that do end a session (idle, absolute) come with a warning in time to act
    on it: at least 20 seconds, as the criterion asks (the browser tests: test_session_timeout.py)."""
    limits = _production_config(tmp_path)["SETTINGS"].session_limits
    assert limits.warning >= timedelta(seconds=20)
    assert limits.idle == timedelta(minutes=30) and limits.admin_idle == timedelta(minutes=15)
