"""How long the upload checks take on large files of each kind (file_content.sniff, and the photo
redrawn), on files built here: `python -m bench.file_checks [--repeat N]`. Not a test."""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import time

from PIL import Image

from shared.services.file_content import JPEG, redraw, sniff
from unit_tests.crafted_files import PAGES, docx, pdf


def _pdf(pages: int) -> bytes:
    """`pages` pages, each with a web link and a 3 KB content stream: about 10 MB at 3,000 pages."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", PAGES.replace(b"[3 0 R] /Count 1", b"[" + kids + b"] /Count %d" % pages)]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents %d 0 R /Annots [<< /Type /Annot "
                       b"/Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.gov.uk/) >> >>] >>" % (4 + 2 * i))
        body = os.urandom(1600).hex().encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    return pdf(*objects)


def _jpeg() -> bytes:
    """A 12-megapixel photo of noise (the worst case to decode and encode again)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(out, "JPEG", quality=70)
    return out.getvalue()


def _docx() -> bytes:
    """Ten 300 KB pictures and 33 MB of word-processing XML (about 4.4 MB packed)."""
    words = ["the", "bins", "were", "missed", "again", "on", "our", "street", "and", "the", "crew", "did", "not", "come", "back", "damp", "mould", "repair"]
    rng = random.Random(1)
    xml = " ".join(f"<w:r><w:t>{rng.choice(words)}</w:t></w:r>" for _ in range(1_200_000)).encode()
    return docx({**{f"word/media/image{i}.png": os.urandom(300_000) for i in range(10)}, "word/document2.xml": xml})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    cases = {"PDF, 3,000 pages": (_pdf(3000), lambda d: sniff(d)),
             "JPEG, 12 MP, redrawn": (_jpeg(), lambda d: redraw(d, sniff(d))),
             "DOCX, 37 MB unpacked": (_docx(), lambda d: sniff(d))}
    assert sniff(cases["JPEG, 12 MP, redrawn"][0]) == JPEG
    for name, (data, work) in cases.items():
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            work(data)
            times.append(time.perf_counter() - start)
        print(f"{name:24} {len(data) / 1e6:5.1f} MB  median {statistics.median(times):.2f} s  max {max(times):.2f} s")


if __name__ == "__main__":
    main()
