"""The HTML report: a well-formed, self-contained page whose links resolve and whose map text is
only ever text; and, where Chromium is installed, a page a browser draws."""
from __future__ import annotations

import base64
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

import argmap
from argmap.model import RangeType
from argmap.propagate import credence
from argmap.render import diagram, layout
from argmap.report import report

from conftest import THESIS
from system import system_program
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
    assert text.count('<details class="card" id="a-') == 17


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
    # the step's arithmetic, a row per factor: 0.88 × 0.74 × 0.8 × 0.85 = 0.442816
    assert '<td class="op"></td><td class="number">0.88</td><td>[SVD Init Wins]</td>' in card
    assert '<td class="op">×</td><td class="number">0.74</td><td>[SVD Coefficients Suffice]</td>' in card
    assert '<td class="op">×</td><td class="number">0.85</td><td>inference</td>' in card
    assert '<td class="op">=</td><td class="number">0.4428</td><td>strength of the step</td>' in card
    assert "reason: NeurIPS 2024" in card
    assert 'entails <a href="#s-0">[Natural Manifold]</a>' in card
    # a ">" in a claim is not the quote (the quote starts after the source links)
    assert "a convergence hierarchy emerges at scale: SSVD &gt; PiSSA &gt; DoRA &gt; LoRA." in card


def test_the_thesis_arithmetic_is_a_table_with_a_row_per_term(thesis_page):
    _, text = thesis_page
    bottom = text[text.index('id="bottom-line"'):text.index('id="diagram"')]
    table = bottom[bottom.index('<table class="arithmetic">'):]
    rows = _cells(table[:table.index("</table>")])
    # prior 0.5; support 1 - (1 - 0.4428)...(1 - 0.3575) = 0.9983, attack 1 - (0.757)(0.8042)(0.9147)(0.7975) = 0.5559;
    # 0.5 + 0.5 × (0.9983 - 0.5559) = 0.7212
    assert [head for head, _ in rows] == ["base", "support", "attack", "credence"]
    assert rows[0][1] == "prior 0.5 (nothing stated)"
    assert rows[1][1].startswith("0.9983 (1 - (1 - 0.4428)(1 - 0.5184)")
    assert rows[2][1] == "0.5559 (1 - (1 - 0.243)(1 - 0.1958)(1 - 0.0853)(1 - 0.2025))"
    assert rows[3][1] == "0.5 + (1 - 0.5) × (0.9983 - 0.5559) = 0.7212"
    # another semantics, other terms: E = 3.925, h(E) = 15.41 / 16.41 = 0.939, 0.5 + 0.5 × 0.939 = 0.9695
    model, _ = thesis_page
    text = report(model, credence(model, "quadratic-energy"))
    table = text[text.index('<table class="arithmetic">', text.index('id="bottom-line"')):]
    rows = _cells(table[:table.index("</table>")])
    assert [head for head, _ in rows] == ["base", "energy", "h(E)", "credence"]
    assert rows[1][1].startswith("E = 0.4428 + 0.5184") and rows[1][1].endswith("- 0.2025 = 3.925")
    assert rows[2:] == [("h(E)", "E²/(1 + E²) = 0.939"), ("credence", "0.5 + (1 - 0.5) × 0.939 = 0.9695")]


def _cells(table: str) -> list[tuple[str, ...]]:
    """The text in each row of a table's cells."""
    return [tuple(unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table)]


def test_cards_fold_and_the_contents_lead_to_each(thesis_page):
    """The thesis and the arguments behind its three largest contributions are open, the rest
    folded; the contents link every section and every card."""
    _, text = thesis_page
    page = Page(text)
    cards = [(a["id"], "open" in a) for tag, a in page.elements if tag == "details" and "card" in a.get("class", "")]
    assert len(cards) == 1 + 17 + 2
    assert [card for card, opened in cards if opened] == ["s-0", "a-6", "a-8", "a-10"]
    contents = text[text.index('<nav id="contents">'):text.index("</nav>") + 6]
    links = Page(contents).links()
    assert links[:1] == ["#bottom-line"] and {"#diagram", "#arguments", "#statements", "#diagnostics"} < set(links)
    assert {f"#{card}" for card, _ in cards} < set(links)


def test_a_folded_card_counts_its_evidence_and_diagnostics(tmp_path):
    from argmap.evidence import check_evidence

    fixtures = Path(__file__).parent / "fixtures" / "evidence"
    model = argmap.load(fixtures / "observations.argdown")
    found = check_evidence(fixtures / "observations.argdown", model=model)
    text = report(model, credence(model), [], "", found)
    card = text[text.index('id="a-0"'):text.index("</summary>", text.index('id="a-0"'))]
    # its 28 premises, statuses as tests/test_evidence.py's EXPECTED gives them, in order of first appearance
    tally = {"verified": 13, "outside-cited-lines": 2, "altered": 5, "not-found": 1, "reordered": 1,
             "missing-file": 1, "refused": 2, "no-quote": 1, "no-link": 1, "moved": 1}
    chips = " ".join(f'<span class="tally {status}">{count} {status}</span>' for status, count in tally.items())
    assert f'<span class="tallies">{chips}</span></summary>' in card + "</summary>"
    # without the evidence report, nothing is counted
    plain = report(model, credence(model), [], "")
    assert 'class="tally ' not in plain[plain.index('id="a-0"'):plain.index("</summary>", plain.index('id="a-0"'))]


def test_the_command_shows_evidence_when_the_papers_are_there(tmp_path):
    """By default the quotes are checked, and their statuses shown, when the saved papers are
    there: the fixture's are, the thesis's (in its author's repository) are not."""
    from typer.testing import CliRunner

    from argmap.cli import app

    fixture = Path(__file__).parent / "fixtures" / "evidence" / "observations.argdown"
    pages = {}
    for name, args in {"auto": [fixture], "off": [fixture, "--no-evidence"], "thesis": [THESIS]}.items():
        CliRunner().invoke(app, ["report", *map(str, args), "-o", str(tmp_path / f"{name}.html")])
        pages[name] = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
    assert pages["auto"].count('<span class="evidence ') == 28
    assert '<span class="evidence ' not in pages["off"] and '<span class="evidence ' not in pages["thesis"]


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
    assert card[:card.index("</summary>")].endswith('<span class="tallies"><span class="tally warning">1 warning</span></span>')
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

class Browser:
    """Headless Chromium, driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
    JSON messages ending in NUL, read on its fd 3, written on its fd 4), with one page."""

    def __init__(self, command: str, profile: str) -> None:
        to_browser, self.out = os.pipe()
        self.into, from_browser = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
                 "--remote-debugging-pipe", "about:blank"]
        # bash, not sh: dash redirects only single-digit descriptors, and pytest's pipes are higher
        self.process = subprocess.Popen(["bash", "-c", f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser}', command,
                                         *flags], pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self.buffer, self.events, self.count, self.session = b"", [], 0, None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    def call(self, method: str, **params) -> dict:
        self.count += 1
        message = {"id": self.count, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.receive()
            if answer.get("id") == self.count:
                assert "error" not in answer, (method, answer["error"])
                return answer["result"]
            self.events.append(answer)

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.into], [], [], 60)
            chunk = os.read(self.into, 1 << 20) if ready else b""
            assert chunk, "Chromium stopped answering"
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url: str) -> None:
        """Load a page and wait until it has loaded."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self.receive())

    def evaluate(self, expression: str):
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def screenshot(self, box: dict) -> Image.Image:
        """What the page draws in a box (x, y, width, height in CSS pixels of the page)."""
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={**box, "scale": 1})
        return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        os.close(self.out)
        os.close(self.into)


def chromium() -> str:
    """The browser's command (see :func:`system.system_program`)."""
    return system_program("chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    started = Browser(chromium(), str(tmp_path_factory.mktemp("chromium-profile")))
    yield started
    started.close()


@pytest.fixture(scope="module")
def thesis_file(thesis_page, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(thesis_page[1], encoding="utf-8")
    return path


def drawn(image: Image.Image) -> float:
    """The share of an image's pixels that are not the background (its most common colour)."""
    colours = image.getcolors(image.width * image.height)
    return 1 - max(colours)[0] / (image.width * image.height)


def test_folded_cards_keep_the_page_short(browser, thesis_file):
    browser.open(thesis_file.as_uri())
    opened = browser.evaluate("[...document.querySelectorAll('details[open]')].map(d => d.id)")
    # the thesis and the arguments behind its three largest contributions (-0.0953, -0.0775, +0.075)
    titles = browser.evaluate("[...document.querySelectorAll('details[open] h3')].map(h => h.textContent)")
    assert [t.split(" ", 1)[1] for t in titles] == [
        "[Natural Manifold]", "<Gain Control Sufficiency>", "<SVD Is Linear Decomposition>", "<PSOFT Synthesis>"]
    assert len(opened) == 4 and browser.evaluate("document.querySelectorAll('details').length") == 1 + 17 + 2
    folded = browser.evaluate("document.documentElement.scrollHeight")
    browser.call("Emulation.setEmulatedMedia", media="print")  # printed, every card shows its insides
    printed = browser.evaluate("document.documentElement.scrollHeight")
    browser.call("Emulation.setEmulatedMedia", media="")
    browser.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    unfolded = browser.evaluate("document.documentElement.scrollHeight")
    assert folded < unfolded / 2 and printed > unfolded * 0.9, (folded, printed, unfolded)


def test_every_link_in_the_page_leads_somewhere_in_it(browser, thesis_file):
    browser.open(thesis_file.as_uri())
    targets = browser.evaluate("""[...document.querySelectorAll('a')]
        .map(a => a.getAttribute('href') ?? a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? '')
        .filter(h => h.startsWith('#')).map(h => [h, document.getElementById(h.slice(1)) !== null])""")
    assert len(targets) > 17 + 17 + 30 and all(found for _, found in targets), [h for h, found in targets if not found]
    in_contents = browser.evaluate("[...document.querySelectorAll('#contents a')].map(a => a.getAttribute('href'))")
    cards = browser.evaluate("[...document.querySelectorAll('details.card')].map(d => '#' + d.id)")
    assert set(cards) < set(in_contents)
    # following a link to a premise inside a folded card unfolds the card and shows the premise
    hidden = browser.evaluate("document.querySelector('details:not([open]) li[id]').id")
    browser.evaluate(f"location.hash = '{hidden}'")
    shown = browser.evaluate(f"""(() => {{ const premise = document.getElementById('{hidden}');
        const box = premise.getBoundingClientRect();
        return [premise.closest('details').open, box.height > 0 && box.top >= 0 && box.top < innerHeight]; }})()""")
    assert shown == [True, True]


@needs_dot
def test_the_diagram_fits_the_page_and_opens_at_full_size(browser, thesis_page, thesis_file, tmp_path):
    """Fitted to the page it is drawn (not blank); the Full size link shows it at its natural
    size in a scrolling box; the SVG on its own opens and is drawn too."""
    browser.open(thesis_file.as_uri())
    measure = """(() => { const svg = document.querySelector('#diagram-full svg'), box = svg.getBoundingClientRect();
        const figure = document.getElementById('diagram-full');
        return {x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height,
                natural: svg.width.baseVal.value, box: figure.clientWidth, scrolls: figure.scrollHeight > figure.clientHeight}; })()"""
    fitted = browser.evaluate(measure)
    assert fitted["width"] <= fitted["box"] < fitted["natural"] and not fitted["scrolls"]
    picture = browser.screenshot({k: fitted[k] for k in ("x", "y", "width", "height")})
    assert drawn(picture) > 0.05 and len(picture.getcolors(1 << 24)) > 50
    browser.evaluate("document.querySelector('a[href=\"#diagram-full\"]').click()")
    full = browser.evaluate(measure)
    assert full["width"] == pytest.approx(fitted["natural"], abs=1) and full["scrolls"]
    alone = tmp_path / "thesis.svg"
    model, _ = thesis_page
    alone.write_bytes(layout(diagram(model, credence(model)), "svg"))
    browser.open(alone.as_uri())
    assert browser.evaluate("document.documentElement.localName") == "svg"
    assert drawn(browser.screenshot({"x": 0, "y": 0, "width": 1280, "height": 900})) > 0.05
