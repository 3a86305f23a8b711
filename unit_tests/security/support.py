"""What the security tests share: the payloads, a check that none came back live, and the route
inventory turned into "who may use this endpoint" so every new route is tried as it lands."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import html5lib
from flask.testing import FlaskClient

from unit_tests.test_route_access import (
    ADMIN,
    AGENT,
    ANON,
    COUNCILLOR,
    EXPECTED,
    MANAGER,
    OFFICER,
    RESIDENT,
    RESPONDER,
    SignIn,
)

# One string carrying each way into a page: an element with an event handler, breaking out of an
# attribute, htmx attributes (which htmx would act on without any <script>), a javascript: link and
# a template expression (7*191 = 1337 if anything evaluated it). XSS_SHORT fits a 120-character column.
XSS_SHORT = '"><svg onload=alert(2)><a href=javascript:alert(3) hx-get=/xss hx-on:click=alert(4)>{{7*191}}</a>'
XSS = "<img src=x onerror=alert(1)>" + XSS_SHORT
# Fields that must hold an email address, a web address or a phone number still get a payload that
# fits them, so the field is saved and shown, not refused.
XSS_EMAIL = '"><svg/onload=alert(5)>@example.com'
XSS_URL = "javascript:alert(6)"
_EVALUATED = re.compile(r"1337(</a>|&lt;/a&gt;)")

# Who to try each endpoint as: the first of these its designed answers let in.
_PREFERENCE = (OFFICER, MANAGER, ADMIN, RESIDENT, COUNCILLOR, AGENT, RESPONDER, ANON)
_HANDLER = re.compile(r"^on[a-z]+$")


def plain_client(app) -> FlaskClient:
    """Not the strict client: these tests send what no page offers, and judge the answers themselves."""
    return FlaskClient(app, app.response_class, use_cookies=True)


def allowed_visitor(endpoint: str, method: str) -> str | None:
    """A visitor the inventory lets through (any answer but 403 or being sent to sign in)."""
    route = EXPECTED[endpoint]
    answers = route.get if method == "GET" else route.post
    for visitor in _PREFERENCE:
        answer = answers.get(visitor)
        if answer is not None and answer != 403 and not isinstance(answer, SignIn):
            return visitor
    return None


def endpoints(method: str) -> list[str]:
    return [e for e, route in EXPECTED.items() if method in route.methods and e != "static"]


def live_payloads(body: str) -> list[str]:
    """Everything in an HTML body that would run if the payload had not been escaped."""
    document = html5lib.parse(body, namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        found += [f"<{element.tag} {name}={value!r}>" for name, value in element.attrib.items()
                  if _live_attribute(name.lower(), value)]
        if element.tag == "img" and element.get("src") == "x":
            found.append("<img src=x>")
    return found


def _live_attribute(name: str, value: str) -> bool:
    if _HANDLER.match(name):
        return "alert(" in value
    if name.startswith(("hx-", "data-hx-")) and ("/xss" in value or "alert(" in value):
        return True
    return name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:")


def evaluated(body: str) -> bool:
    """The template expression came back evaluated (server-side template injection)."""
    return bool(_EVALUATED.search(body))


def same_site(location: str | None) -> bool:
    if not location:
        return True
    parts = urlsplit(location)
    return parts.scheme in ("", "http", "https") and parts.netloc in ("", "localhost") and \
        not location.startswith(("//", "/\\", "\\"))


_TEXT_TYPES = {"text", "search", "email", "tel", "url", "password", "number", None, ""}


def post_form(body: str, path: str) -> dict[str, list[str]] | None:
    """The fields of the page's POST form that sends to `path` (or of its only POST form), each with
    what a browser would send untouched: values, the chosen option, the first radio, ticked boxes."""
    document = html5lib.parse(body, namespaceHTMLElements=False)
    forms = [f for f in document.iter("form") if (f.get("method") or "").lower() == "post"]
    matching = [f for f in forms if urlsplit(f.get("action") or path).path == path] or forms[:1]
    if not matching:
        return None
    fields: dict[str, list[str]] = {}
    for element in matching[0].iter():
        name = element.get("name") if isinstance(element.tag, str) else None
        if not name:
            continue
        kind = (element.get("type") or "").lower()
        if element.tag == "textarea":
            fields.setdefault(name, []).append(element.text or "")
        elif element.tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            fields[name] = [o.get("value", o.text or "") for o in chosen]
        elif element.tag == "input" and kind == "radio":
            if name not in fields or element.get("checked") is not None:
                fields[name] = [element.get("value", "on")]
        elif element.tag == "input" and kind == "checkbox":
            if element.get("checked") is not None:
                fields.setdefault(name, []).append(element.get("value", "on"))
        elif element.tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            fields.setdefault(name, []).append(element.get("value", ""))
    return fields


def text_field_names(body: str, path: str) -> dict[str, str]:
    """The form's free-text fields, by name, with their input type ("textarea" for a text area)."""
    document = html5lib.parse(body, namespaceHTMLElements=False)
    forms = [f for f in document.iter("form") if (f.get("method") or "").lower() == "post"]
    matching = [f for f in forms if urlsplit(f.get("action") or path).path == path] or forms[:1]
    names: dict[str, str] = {}
    for form in matching[:1]:
        for element in form.iter():
            if element.tag == "textarea" and element.get("name"):
                names[element.get("name")] = "textarea"
            elif element.tag == "input" and element.get("name") and (element.get("type") or "").lower() in _TEXT_TYPES:
                names[element.get("name")] = (element.get("type") or "text").lower()
    names.pop("csrf_token", None)
    return names
