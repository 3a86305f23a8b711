"""A test client that checks every HTML page it receives, in the manner of notifications-admin.

Checks: well-formed HTML5, exactly one h1, a non-empty title, no hint or label reading "None", no duplicate ids, a CSRF token in
every POST form, every inline script and style carrying this response's CSP nonce, and at most
10 SQL queries for the request (except the redirect after a bulk write, which
shared.web.querycount.bulk_write marks).
"""

from __future__ import annotations

import re
from collections import Counter

import html5lib
from flask.testing import FlaskClient

MAX_QUERIES = 10
_NONCE = re.compile(r"'nonce-([^']+)'")


class PageCheckError(AssertionError):
    pass


def check_page(response, url: str) -> None:
    if response.mimetype != "text/html":
        return
    body = response.get_data(as_text=True)
    # An htmx partial is a fragment (no doctype, no <html>); check it as one.
    is_partial = response.request.headers.get("HX-Request") == "true" and not body.lstrip().lower().startswith("<!doctype")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        document = parser.parseFragment(body) if is_partial else parser.parse(body)
    except html5lib.html5parser.ParseError as error:
        line = body.splitlines()[parser.errors[-1][0][0] - 1] if parser.errors else ""
        raise PageCheckError(f"{url}: invalid HTML: {error}\n{line.strip()[:200]}") from None
    if not is_partial:
        h1s = document.findall(".//h1")
        if len(h1s) != 1:
            raise PageCheckError(f"{url}: expected one h1, found {len(h1s)}")
        title = document.find(".//title")
        if title is None or not (title.text or "").strip():
            raise PageCheckError(f"{url}: page has no title")
    # A hint, label or legend reading "None" is Python's None where text was meant (a field built
    # without a description), never something written for the reader.
    for element in document.iter():
        classes = (element.get("class") or "").split()
        if {"govuk-hint", "govuk-label", "govuk-fieldset__legend"} & set(classes) and \
                "".join(element.itertext()).strip() == "None":
            raise PageCheckError(f"{url}: a {' '.join(classes)} reads \"None\"")
    ids = Counter(el.get("id") for el in document.iter() if el.get("id"))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise PageCheckError(f"{url}: duplicate ids {duplicates}")
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() == "post":
            tokens = [i for i in form.iter("input") if i.get("name") == "csrf_token" and i.get("value")]
            if not tokens:
                raise PageCheckError(f"{url}: a POST form has no CSRF token")
    csp = response.headers.get("Content-Security-Policy", "")
    nonces = set(_NONCE.findall(csp))
    for tag in ("script", "style"):
        for element in document.iter(tag):
            if tag == "script" and element.get("src"):
                continue
            if element.get("nonce") not in nonces:
                raise PageCheckError(f"{url}: inline <{tag}> without this response's CSP nonce")
    if response.headers.get("X-Redress-Batch") == "1" and 300 <= response.status_code < 400:
        return  # the redirect after a bulk write (an import): measured by bench/, not held to a page's limit
    queries = int(response.headers.get("X-Redress-Queries", "0"))
    if queries > MAX_QUERIES:
        raise PageCheckError(f"{url}: {queries} SQL queries (limit {MAX_QUERIES})")


class StrictClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        url = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "?")
        check_page(response, str(url))
        return response

    def csrf_token(self, url: str) -> str:
        page = self.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page
        )
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, follow_redirects: bool = False, form_url: str | None = None,
               headers: dict | None = None):
        """POST a form the way a browser would: fetch the page for its CSRF token first."""
        token = self.csrf_token(form_url or url)
        return self.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=follow_redirects,
                         headers=headers)
