"""The HTML report: a well-formed, self-contained page whose links resolve and whose map text is
only ever text; and, where Chromium is installed, a page a browser draws."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

import argmap
from argmap.model import RangeType
from argmap.propagate import credence
from argmap.render import credence_colour
from argmap.report import report
from conftest import THESIS
from test_render import HOSTILE, needs_dot

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """The page's elements, checked for nesting as they come: every element closed, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.text: list[tuple[str, str]] = []  # (innermost element, text)
        self.feed(text)
        self.close()
        assert not self.open, f"never closed: {self.open}"

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):  # <path .../> in the SVG
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data):
        self.text.append((self.open[-1] if self.open else "", data))

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if "id" in a]

    def links(self) -> list[str]:
        return [a[key] for _, a in self.elements for key in ("href", "xlink:href") if key in a]


@pytest.fixture(scope="module")
def thesis_page():
    model = argmap.load(THESIS)
    return model, report(model, credence(model))


def test_the_page_parses_and_leads_with_the_bottom_line(thesis_page):
    _, text = thesis_page
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    order = [i for i in page.ids() if i in ("bottom-line", "diagram", "arguments", "statements", "diagnostics")]
    assert order == ["bottom-line", "diagram", "arguments", "statements", "diagnostics"]
    bottom = text[text.index('id="bottom-line"'):text.index('id="diagram"')]
    assert "[Natural Manifold]" in bottom and "0.72" in bottom and bottom.count("<tr>") == 1 + 15
    assert text.count('<article class="card" id="a-') == 17


def test_every_link_and_anchor_resolves(thesis_page):
    model, text = thesis_page
    page = Page(text)
    ids = page.ids()
    assert len(ids) == len(set(ids))
    urls = {r.url for s in model.statements.values() for m in s.members for r in m.ranges if r.type is RangeType.LINK}
    assert page.links()
    for link in page.links():
        assert (link.startswith("#") and link[1:] in ids) or link in urls, link
    # every statement and argument has its one place, and the diagram's boxes link there
    assert {f"s-{i}" for i in range(len(model.statements))} | {f"a-{i}" for i in range(len(model.arguments))} <= set(ids)
    assert sum(link.startswith("#a-") for _, a in page.elements for k, link in a.items() if k == "xlink:href") == 17 \
        or not shutil.which("dot")


def test_relative_links_lead_from_the_page_to_the_map_folder(thesis_page):
    model, _ = thesis_page
    links = Page(report(model, credence(model), [], "../maps")).links()
    assert "../maps/docs/pissa_principal_singular_values_adaptation.md#L1-L20" in links
    assert "https://arxiv.org/abs/2404.02948" in links  # absolute links stay as written
    assert not any(link.startswith("../maps/#") for link in links)  # anchors within the page stay too


def test_the_page_is_self_contained(thesis_page):
    _, text = thesis_page
    page = Page(text)
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "foreignobject"}
    assert not [k for _, a in page.elements for k in a if k.startswith("on")]
    assert "default-src 'none'" in text and "url(" not in text and "@import" not in text
    assert not [a for _, a in page.elements if "src" in a]


def test_cards_carry_premises_sources_quotes_inferences_and_arithmetic(thesis_page):
    _, text = thesis_page
    card = text[text.index('id="a-0"'):text.index('id="a-1"')]  # <SVD Basis Cluster>
    assert "[SVD Init Wins]" in card and ">0.88<" in card
    assert 'href="https://arxiv.org/abs/2404.02948"' in card and ">Meng et al. 2024</a>" in card
    assert "<blockquote>PiSSA shares the same architecture as LoRA" in card
    assert "inference 0.85" in card and "convergent evidence from independent groups" in card
    assert "0.88 × 0.74 × 0.8 × inference 0.85 = 0.4428" in card
    assert "reason: NeurIPS 2024" in card
    assert 'entails <a href="#s-0">[Natural Manifold]</a>' in card
    # a ">" in a claim is not the quote (the quote starts after the source links)
    assert "a convergence hierarchy emerges at scale: SSVD &gt; PiSSA &gt; DoRA &gt; LoRA." in card


def test_diagnostics_sit_beside_the_claims_they_concern(thesis_page):
    model, text = thesis_page
    from argmap.check import check_map

    found = check_map(model)
    cards, listed = text[:text.index('id="diagnostics"')], text[text.index('id="diagnostics"'):]
    assert cards.count('<li class="warning">') == listed.count('<li class="warning">') == len(found) == 3
    assert listed.count("(beside <a href=") == 3  # the list at the end links to each
    antipasto = next(i for i, t in enumerate(model.arguments) if t == "AntiPaSTO OOD Transfer")
    card = text[text.index(f'id="a-{antipasto}"'):text.index(f'id="a-{antipasto + 1}"')]
    conclusion = card[card.index('class="conclusion"'):]
    assert "117:1</code> warning: &lt;AntiPaSTO OOD Transfer&gt;: no inference line" in conclusion
    ether = next(i for i, t in enumerate(model.arguments) if t == "ETHER Bounded Deviation")
    card = text[text.index(f'id="a-{ether}"'):text.index(f'id="a-{ether + 1}"')]
    assert "210:7</code> warning: [Orthogonal Preservation] is defined nowhere" in card


def test_map_text_is_only_ever_text(tmp_path):
    path = tmp_path / "hostile.argdown"
    path.write_text(HOSTILE + "\n[S]: See [this](javascript:alert(1)) and [that](https://example.org/?a=1&b=2).\n"
                              "  +> [T <script>alert(1)</script> \"q\" &amp; \\N]\n")
    model = argmap.load(path)
    text = report(model, credence(model))
    page = Page(text)
    assert "script" not in {tag for tag, _ in page.elements}
    shown = "".join(data for _, data in page.text)
    assert '[T <script>alert(1)</script> "q" &amp; \\N]' in shown  # the title, as text
    assert "because </script><script>x()</script>" in shown
    links = page.links()
    assert "https://example.org/?a=1&b=2" in links and not [link for link in links if "javascript" in link]
    assert "this (javascript:alert(1" in shown  # shown, not linked (the link ends at the first ")")


def test_report_command_writes_the_page(tmp_path):
    out = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "argmap", "report", THESIS, "-o", out], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and f"{out}: written" in result.stderr and "Traceback" not in result.stderr
    Page(out.read_text(encoding="utf-8"))
    env = dict(os.environ, PATH=str(tmp_path))  # no Graphviz: the page still comes, and says why
    result = subprocess.run([sys.executable, "-m", "argmap", "report", THESIS], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0 and "apt-get install graphviz" in result.stderr
    assert 'class="missing">The diagram is missing' in result.stdout and "<svg" not in result.stdout
    Page(result.stdout)


# --- in a browser ----------------------------------------------------------------------------------

def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return name
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium): the page is not opened in a browser")


def screenshot(browser: str, page: Path, out: Path) -> list[bytearray]:
    """The page as a headless browser draws it, 1400 x 4000 pixels, as rows of RGB(A) bytes."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=1400,4000",
                        f"--screenshot={out}", page.as_uri()], capture_output=True, timeout=120)
    return read_png(out)


def read_png(path: Path) -> tuple[int, list[bytearray]]:
    """Bytes per pixel and rows of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    size = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * size, [], bytearray(width * size)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - size] if i >= size else 0
            b, c = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                row[i] = (row[i] + a) & 255
            elif kind == 2:
                row[i] = (row[i] + b) & 255
            elif kind == 3:
                row[i] = (row[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(row)
        previous = row
    return size, rows


@needs_dot
def test_a_browser_draws_the_diagram(thesis_page, tmp_path):
    """Headless Chromium draws the page; the diagram's node fills show up in its pixels, and do
    not in the same page without its SVG (where only the small badges have them)."""
    browser = chromium()
    _, text = thesis_page
    with_svg, without_svg = tmp_path / "report.html", tmp_path / "no-svg.html"
    with_svg.write_text(text, encoding="utf-8")
    without_svg.write_text(text[:text.index("<svg")] + text[text.index("</svg>") + 6:], encoding="utf-8")
    model = argmap.load(THESIS)
    result = credence(model)
    fills = {credence_colour(s.credence) for s in result.statements.values()}
    fills |= {credence_colour(a.strength) for a in result.arguments.values()}
    wanted = {bytes.fromhex(colour[1:]) for colour in fills}

    def coloured(path: Path) -> int:
        size, rows = screenshot(browser, path, tmp_path / f"{path.stem}.png")
        return sum(bytes(row[i:i + 3]) in wanted for row in rows[::2] for i in range(0, len(row), size * 2))

    drawn, bare = coloured(with_svg), coloured(without_svg)
    assert drawn > 10 * max(bare, 100), (drawn, bare)
