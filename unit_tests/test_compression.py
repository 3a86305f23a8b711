"""Style sheets and scripts are sent compressed to browsers that accept it; pages never are (BREACH)."""

from __future__ import annotations

import zlib
from pathlib import Path

import brotli
import pytest

from shared.app import ROOT

CSS = ROOT / "shared" / "static" / "dist" / "portal.css"


@pytest.fixture
def built() -> bytes:
    if not CSS.exists():
        pytest.fail("shared/static/dist is not built: run `make assets`")
    return Path(CSS).read_bytes()


def test_a_style_sheet_is_sent_with_brotli_and_unpacks_to_the_file(client, built):
    response = client.get("/static/dist/portal.css", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert brotli.decompress(response.data) == built
    assert len(response.data) < len(built) / 4


def test_without_brotli_it_is_deflated_and_without_either_sent_as_it_is(client, built):
    deflated = client.get("/static/dist/portal.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert deflated.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(deflated.data) == built
    plain = client.get("/static/dist/portal.css")
    assert "Content-Encoding" not in plain.headers and plain.data == built


def test_a_script_is_compressed_too(client):
    response = client.get("/static/dist/htmx.min.js", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"


def test_a_page_is_never_compressed(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert "<h1" in response.get_data(as_text=True)
