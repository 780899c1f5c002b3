"""Evidence verification: every quote is checked against its saved source, and an altered or
invented quote is never verified.

The fixtures in tests/fixtures/evidence are invented text in the shapes of PDF papers turned
into markdown (hyphenation, curly quotes, emphasis, math debris, footnote marks, page
furniture, citations). Line numbers in the expectations were read off `cat -n` of the files.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap import evidence
from argmap.edit import EditError
from argmap.evidence import EvidenceStatus, _claim_numbers, _values, check_evidence, fix_ranges

from conftest import ROOT, THESIS

FIXTURES = ROOT / "tests" / "fixtures" / "evidence"
MAP = FIXTURES / "observations.argdown"
PAPER = (FIXTURES / "docs" / "paper.md").read_text(encoding="utf-8")

# status, found lines (or the closest passage's lines, for not-found)
EXPECTED = {
    "Hyphenated Components": ("verified", (8, 10)),
    "Curly Quotes And Dashes": ("verified", (10, 10)),
    "Numbers Backed": ("verified", (10, 10)),
    "Omitted Middle": ("verified", (8, 14)),
    "Across A Page Break": ("verified", (10, 14)),
    "Symbols And Drop Caps": ("verified", (14, 14)),
    "Wrong Lines": ("outside-cited-lines", (22, 22)),
    "No Line Anchor": ("outside-cited-lines", (18, 18)),
    "Changed Number": ("altered", (10, 10)),
    "Negation Removed": ("altered", (14, 14)),
    "Negation Added": ("altered", (18, 18)),
    "Words Swapped": ("altered", (10, 10)),
    "Fabricated": ("not-found", (10, 10)),
    "Parts Out Of Order": ("reordered", (18, 22)),
    "Missing File": ("missing-file", None),
    "Outside The Folder": ("refused", None),
    "Absolute Path": ("refused", None),
    "No Quote": ("no-quote", None),
    "No Link": ("no-link", None),
    "Unbacked Number": ("verified", (10, 10)),
    "Letter Spacing And Ligatures": ("verified", (26, 26)),
    "Footnote Mark And Blank Line": ("verified", (26, 28)),
    "Elision Dots": ("verified", (26, 28)),
    "Elision Ellipsis": ("verified", (26, 28)),
    "Elision Square Brackets": ("verified", (10, 10)),
    "Elision Square Brackets Ellipsis": ("verified", (18, 22)),
    "Moved": ("moved", (3, 3)),
    "Words Left Out": ("altered", (10, 10)),
}
SUMMARY = {"verified": 13, "outside-cited-lines": 2, "altered": 5, "reordered": 1, "moved": 1, "not-found": 1,
           "missing-file": 1, "unreadable": 0, "refused": 2, "no-quote": 1, "no-link": 1}


def argmap_cli(*args):
    return subprocess.run([sys.executable, "-m", "argmap", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def one(tmp_path: Path, quote: str, doc: str = PAPER, claim: str = "A claim.", anchor: str = "#L1-L30"):
    """The result for a single observation quoting ``doc``."""
    (tmp_path / "docs").mkdir(parents=True, exist_ok=True)
    (tmp_path / "docs" / "paper.md").write_text(doc, encoding="utf-8")
    (tmp_path / "map.argdown").write_text(
        f"<A>\n\n(1) [Observed]: {claim} #observation\n    [evidence](docs/paper.md{anchor})\n    > {quote}\n"
        "----\n(2) [Concluded]: done.\n", encoding="utf-8")
    report = check_evidence(tmp_path / "map.argdown")
    assert len(report.observations) == 1
    return report.observations[0]


# --- the fixture map: one observation per shape ----------------------------------------------

def test_every_shape_gets_its_status_and_lines():
    report = check_evidence(MAP)
    got = {o.statement: (o.status.value, o.found_lines or o.closest_lines) for o in report.observations}
    assert got == EXPECTED
    assert report.summary == SUMMARY


def test_results_carry_scores_numbers_and_reasons():
    results = {o.statement: o for o in check_evidence(MAP).observations}
    assert results["Curly Quotes And Dashes"].similarity == 100.0
    assert results["Wrong Lines"].cited_lines == (1, 6) and results["No Line Anchor"].cited_lines is None
    fabricated = results["Fabricated"]
    assert fabricated.similarity < 70 and fabricated.closest_text  # far from anything in the paper
    assert results["Changed Number"].similarity > 90  # a near miss is close, and still not verified
    assert results["Moved"].found_in == "docs/other.md" and results["Moved"].evidence == "docs/paper.md"
    assert results["Unbacked Number"].numbers_missing == ["13"]  # 11 is in the quote, 13 nowhere
    assert results["Numbers Backed"].numbers_missing == []  # 96%, 11, 0.006 are all in the quote
    assert "leads outside" in results["Outside The Folder"].note
    assert "absolute path" in results["Absolute Path"].note
    assert results["Missing File"].evidence == "docs/absent.md"


def test_json_has_the_shape_the_issue_asks_for():
    data = check_evidence(MAP).to_json()
    first = data["observations"][0]
    assert {"statement", "evidence", "cited_lines", "status", "found_lines", "similarity",
            "numbers_missing"} <= set(first)
    assert first["cited_lines"] == [8, 10] and first["found_lines"] == [8, 10]
    assert "link_span" not in first and sum(data["summary"].values()) == 28


# --- what real saved papers look like --------------------------------------------------------

@pytest.mark.parametrize("doc, quote", [
    ("the princi-pal components", "the principal components"),
    ("the princi-\n\npal components", "the principal components"),
    ("fine-\ntuning the model", "fine-tuning the model"),
    ("fine-tuning the model", "fine tuning the model"),
    ("the “residual” parts — allowing", 'the "residual" parts -- allowing'),
    ("LoRA’s rank", "LoRA's rank"),
    ("**PiSSA consistently outperforms LoRA** under", "PiSSA consistently outperforms LoRA under"),
    ("a residual matrix W res ∈ Rm×n which is frozen", "a residual matrix W res which is frozen"),
    ("a residual matrix W res which is frozen", "a residual matrix W res ∈ Rm×n which is frozen"),
    ("the update ∆W of the weights", "the update ΔW of the weights"),
    ("the update ∆W of the weights", "the update delta-W of the weights"),
    ("is 6.9 × faster", "is 6.9x faster"),
    ("only 0.25 % of parameters", "only 0.25% of parameters"),
    ("uses 15 ×–65 × fewer", "uses 15x-65x fewer"),
    ("from O(d2) to O(d)", "from O(d^2) to O(d)"),
    ("E fficient fine T uning via H yp E rplane R eflections", "Efficient fine Tuning via Hyperplane Reflections"),
    ("our method 1\n\n> arXiv:2601.07473v3 [cs.LG]\n\ntransfers to", "our method transfers to"),
    ("both ControlNet [ 68 ] and LoRA [ 22 ] cannot", "both ControlNet and LoRA cannot"),
    ("the cited work [ 12 ] shows", "the cited work [12] shows"),
    ("Weight Normalization (Salimans & Kingma, 2016), which", "Weight Normalization, which"),
    ("a figure caption\n> in a `>` line of the file", "in a `>` line of the file"),
    ("ﬁne-tuning with ligatures", "fine-tuning with ligatures"),
])
def test_survives_pdf_debris(tmp_path, doc, quote):
    result = one(tmp_path, quote, doc=f"Intro line.\n\n{doc} and the rest.\n")
    assert result.status is EvidenceStatus.VERIFIED, result.message


@pytest.mark.parametrize("doc, quote", [
    # numbers changed, dropped or added
    ("Across 11 models, it recovers 96% of performance", "Across 12 models, it recovers 96% of performance"),
    ("Across 11 models, it recovers 96% of performance", "Across 11 models, it recovers 95% of performance"),
    ("Across 11 models, it recovers 96% of performance", "Across 11 models, it recovers 96 of performance"),
    ("Across 11 models, it recovers 96% of performance", "Across 11 models, it recovers 9.6% of performance"),
    ("training only 0.006 to 0.25% of parameters", "training only 0.06 to 0.25% of parameters"),
    ("training only 0.006 to 0.25% of parameters", "training only 0.006 to 0.025% of parameters"),
    ("an accuracy of 77.7%, surpassing", "an accuracy of 7.77%, surpassing"),
    ("an accuracy of 77.7%, surpassing", "an accuracy of 777%, surpassing"),
    ("it uses 1,360 dilemmas", "it uses 1,350 dilemmas"),
    ("it is 6.9× better", "it is 9.6x better"),
    ("a shift of -0.5 points", "a shift of 0.5 points"),
    ("in 1-5 steps", "in 15 steps"),
    ("trained on pairs", "trained on 3 pairs"),
    ("trained on 800 pairs", "trained on pairs"),
    ("took 1 day on 4 GPUs", "took day on 4 GPUs"),
    ("SVFT 2 recovers up to", "SVFT recovers up to"),  # a footnote mark, or a number: argmap cannot tell
    ("Banking 77, NeurIps Impact", "Banking, NeurIps Impact"),
    ("as shown by Liu et al. [23] here", "as shown by Liu et [23] al. here"),
    ("as shown by Liu et al. here", "as shown by Liu et al. [23] here"),
    # negation added or removed, meaning flipped
    ("PiSSA consistently outperforms LoRA", "PiSSA consistently does not outperform LoRA"),
    ("PiSSA does not outperform LoRA", "PiSSA does outperform LoRA"),
    ("the method is stable", "the method is not stable"),
    ("the method is unstable", "the method is stable"),
    ("when x ≤ 0.5 holds", "when x ≥ 0.5 holds"),
    ("when x < 0.5 holds", "when x > 0.5 holds"),
    ("the mean of Pk, ∗i and Qk,i ∗ such that", "the mean of ∗i Pk, and Qk,i ∗ such that"),  # math moved
    ("the mean of W ∈ Rm×n in all", "the mean of W in ∈ Rm×n all"),
    # words swapped, replaced, dropped or added
    ("PiSSA outperforms LoRA on GSM8K", "LoRA outperforms PiSSA on GSM8K"),
    ("updates the principal parts while freezing the residual parts",
     "updates the residual parts while freezing the principal parts"),
    ("PiSSA consistently outperforms LoRA", "PiSSA always outperforms LoRA"),
    ("PiSSA consistently outperforms LoRA on hard tasks", "PiSSA consistently outperforms LoRA on tasks"),
    ("PiSSA outperforms LoRA", "PiSSA clearly outperforms LoRA"),
    ("the model is notable here", "the model is not able here"),
    ("results in valid outputs", "results invalid outputs"),
    ("the cited work [12] shows", "the cited work [13] shows"),
    # invented
    ("PiSSA outperforms LoRA", "SpecAdapt matches full fine-tuning with no parameters"),
])
def test_altered_quotes_are_never_verified(tmp_path, doc, quote):
    result = one(tmp_path, quote, doc=f"Intro line.\n\n{doc} and the rest.\n")
    assert result.status in (EvidenceStatus.ALTERED, EvidenceStatus.NOT_FOUND), result.message


WORDS = ("adapter rank matrix singular vector weight basis model layer update frozen residual principal "
         "orthogonal rotation scaling sparse spectral energy gradient task transfer prompt steering "
         "not never always only more less than with without while across").split()
NUMBERS = ["96%", "0.006", "7.6%", "175", "1,360", "77.7", "3.25%", "6.9x", "184M", "70B"]


@st.composite
def paper_and_quote(draw):
    """A paper of random words dressed like a PDF conversion, and a passage of it."""
    tokens = draw(st.lists(st.sampled_from(WORDS + NUMBERS), min_size=30, max_size=120))
    start = draw(st.integers(0, len(tokens) - 6))
    length = draw(st.integers(4, min(14, len(tokens) - start)))
    lines, line = [], []
    for index, token in enumerate(tokens):
        style = draw(st.sampled_from(["plain"] * 6 + ["bold", "curly", "hyphen", "break"]))
        if style == "bold":
            token = f"**{token}**"
        elif style == "curly":
            token = f"“{token}”"
        elif style == "hyphen" and token.isalpha() and len(token) > 5 and index < len(tokens) - 1:
            line.append(token[:3] + "-")
            lines.append(" ".join(line))
            line, token = [], token[3:]
        line.append(token)
        if style == "break":
            lines.extend([" ".join(line), ""])
            line = []
    lines.append(" ".join(line))
    return tokens, "\n".join(lines) + "\n", start, length


def contains(tokens: list[str], part: list[str]) -> bool:
    return any(tokens[i:i + len(part)] == part for i in range(len(tokens) - len(part) + 1))


MUTATIONS = ["swap", "drop", "insert-not", "replace", "digit"]
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


@PROPERTY
@given(paper_and_quote(), st.sampled_from(MUTATIONS), st.integers(0, 1000), st.sampled_from(WORDS))
def test_a_passage_is_found_and_any_change_to_it_is_not(tmp_path, case, mutation, where, word):
    tokens, paper, start, length = case
    passage = tokens[start:start + length]
    assert one(tmp_path, " ".join(passage), doc=paper, anchor="#L1-L999").status is EvidenceStatus.VERIFIED

    altered = list(passage)
    position = where % len(altered)
    if mutation == "swap" and position + 1 < len(altered):
        altered[position], altered[position + 1] = altered[position + 1], altered[position]
    elif mutation == "drop":
        del altered[position]
    elif mutation == "insert-not":
        altered.insert(position, "not")
    elif mutation == "replace":
        altered[position] = word
    elif mutation == "digit":
        numbers = [i for i, t in enumerate(altered) if re.search(r"\d", t)]
        if numbers:
            i = numbers[position % len(numbers)]
            digit = re.search(r"\d", altered[i])
            altered[i] = altered[i][:digit.start()] + str((int(digit.group()) + 1) % 10) + altered[i][digit.end():]
    if not altered or contains(tokens, altered):
        return  # the change made no difference, or another passage says exactly that
    result = one(tmp_path, " ".join(altered), doc=paper)
    assert result.status in (EvidenceStatus.ALTERED, EvidenceStatus.NOT_FOUND), (altered, result.message)


# --- numbers ---------------------------------------------------------------------------------

def test_numbers_of_a_claim_as_written_and_as_values():
    found = _claim_numbers("recovers 96% with 0.006 of 1,360 across 11 models, 7.6% and (6.9x faster) on "
                           "LLaMA-2-7B and GSM8K at L1 with rank-1 updates in O(d^2), ~80% less, 10-100x more, 70B.")
    assert [written for written, _ in found] == ["96%", "0.006", "1,360", "11", "7.6%", "6.9x", "80%", "10", "100x",
                                                 "70B"]
    assert [str(value) for _, value in found][:3] == ["96", "0.006", "1360"]
    assert _values("LoRA’s 74.53% by 3.25%, 1,360 dilemmas, 6.9× and 5,3") == {
        Decimal("74.53"), Decimal("3.25"), Decimal("1360"), Decimal("6.9"), Decimal("5"), Decimal("3")}


def test_a_number_counts_when_it_is_in_the_quote_or_the_cited_lines(tmp_path):
    doc = "Line one.\nThe benchmark has 13 tasks.\nThe method wins on 11 models.\n"
    result = one(tmp_path, "The method wins on 11 models.", doc=doc, anchor="#L1-L3",
                 claim="It wins on 11 models and 13 tasks, 6.9x faster.")
    assert result.status is EvidenceStatus.VERIFIED and result.numbers_missing == ["6.9x"]
    narrow = one(tmp_path, "The method wins on 11 models.", doc=doc, anchor="#L3",
                 claim="It wins on 11 models and 13 tasks.")
    assert narrow.numbers_missing == ["13"]


# --- reading files safely --------------------------------------------------------------------

def test_unreadable_files_give_a_reason_not_a_crash(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (docs / "latin1.md").write_bytes("first line\ncaf\xe9 au lait\n".encode("latin-1"))
    (docs / "utf16.md").write_bytes("the quote is here".encode("utf-16"))
    (docs / "folder.md").mkdir()
    (docs / "empty.md").write_bytes(b"")
    (docs / "debris.md").write_bytes(b"text before\n" + b"x " * 5000 + b"\nformula \x00 debris\nthe quote is here\n")
    body = "".join(f"(1) [{name}]: c. #observation\n    [evidence](docs/{name}.md)\n    > the quote is here\n"
                   for name in ("image", "latin1", "utf16", "folder", "debris", "empty"))
    (tmp_path / "map.argdown").write_text(body.replace("(1) [latin1]", "\n(1) [latin1]"), encoding="utf-8")
    results = {o.statement: o for o in check_evidence(tmp_path / "map.argdown").observations}
    assert results["image"].status is EvidenceStatus.UNREADABLE and "binary" in results["image"].note
    assert results["latin1"].status is EvidenceStatus.UNREADABLE and "not UTF-8 text (line 2" in results["latin1"].note
    assert results["utf16"].status is EvidenceStatus.UNREADABLE
    assert results["folder"].status is EvidenceStatus.UNREADABLE and "not a file" in results["folder"].note
    assert results["debris"].status is EvidenceStatus.OUTSIDE_CITED_LINES  # a late NUL is PDF debris, not binary
    assert results["debris"].found_lines == (4, 4)
    # the empty file lacks the quote, which another saved file of the map has
    assert results["empty"].status is EvidenceStatus.MOVED and results["empty"].found_in == "docs/debris.md"
    empty = one(tmp_path / "alone", "the quote is here", doc="")
    assert empty.status is EvidenceStatus.NOT_FOUND and empty.note == "the file has no text"


def test_symlinks_out_of_the_folder_are_refused(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("the quote is here\n")
    folder = tmp_path / "map"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "link.md").symlink_to(secret)
    (folder / "map.argdown").write_text("[S]: c. #observation\n    [evidence](docs/link.md)\n    > the quote is here\n")
    result = check_evidence(folder / "map.argdown").observations[0]
    assert result.status is EvidenceStatus.REFUSED and "leads outside" in result.note


@pytest.mark.parametrize("link", ["file:///etc/passwd", "FILE:docs/p.md", "C:\\Windows\\win.ini", "docs/../../x.md",
                                  "docs/%2e%2e/%2e%2e/x.md"])
def test_absolute_and_escaping_links_are_refused(tmp_path, link):
    (tmp_path / "docs").mkdir()
    (tmp_path / "map.argdown").write_text(f"[S]: c. #observation\n    [evidence]({link})\n    > root\n")
    result = check_evidence(tmp_path / "map.argdown").observations[0]
    assert result.status is EvidenceStatus.REFUSED, result.message
    assert "argmap reads evidence only under" in result.note


def test_root_is_where_links_are_resolved(tmp_path):
    (tmp_path / "papers" / "docs").mkdir(parents=True)
    (tmp_path / "papers" / "docs" / "paper.md").write_text(PAPER, encoding="utf-8")
    (tmp_path / "maps").mkdir()
    shutil.copy(MAP, tmp_path / "maps" / "observations.argdown")
    beside = check_evidence(tmp_path / "maps" / "observations.argdown")
    assert beside.summary["missing-file"] == 25  # every local link inside the folder
    rooted = check_evidence(tmp_path / "maps" / "observations.argdown", root=tmp_path / "papers")
    assert rooted.summary["verified"] == 13 and rooted.root == str(tmp_path / "papers")


def test_big_files_are_read_a_window_at_a_time(tmp_path, monkeypatch):
    """Small windows and short reads stand in for a file larger than memory: quotes across window
    and read boundaries are found at the right lines, and excerpts come from the right columns."""
    monkeypatch.setattr(evidence, "_WINDOW", 50)
    monkeypatch.setattr(evidence, "_READ_CHARS", 64)
    words = [f"w{i}x" for i in range(3000)]
    lines = [" ".join(words[i:i + 300]) for i in range(0, 3000, 300)]  # 10 lines of ~1800 characters
    doc = "\n".join(lines) + "\n"
    for start in (0, 290, 1234, 2990):
        quote = " ".join(words[start:start + 10])
        result = one(tmp_path, quote, doc=doc, anchor="#L1-L10")
        assert result.status is EvidenceStatus.VERIFIED, result.message
        assert result.found_lines == (start // 300 + 1, (start + 9) // 300 + 1)
    near = one(tmp_path, " ".join(words[1234:1244]).replace("w1240x", "w1240y"), doc=doc)
    assert near.status is EvidenceStatus.ALTERED and near.found_lines == (5, 5)
    assert [(c.file, c.quote, c.lines) for c in near.changes] == [("w1240x", "w1240y", (5, 5))]
    far = one(tmp_path, " ".join(w if i % 2 else "zz" for i, w in enumerate(words[1234:1244])), doc=doc)
    assert far.status is EvidenceStatus.NOT_FOUND and far.closest_lines == (5, 5)
    assert "w1235x w1236x" in far.closest_text


def test_the_same_quote_twice_prefers_the_cited_lines(tmp_path):
    doc = "A repeated sentence here.\nfiller\nA repeated sentence here.\n"
    assert one(tmp_path, "A repeated sentence here.", doc=doc, anchor="#L3").found_lines == (3, 3)
    assert one(tmp_path, "A repeated sentence here.", doc=doc, anchor="#L1").found_lines == (1, 1)


# --- fixing the cited lines ------------------------------------------------------------------

def test_fix_ranges_rewrites_only_the_wrong_anchors(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixture")
    path = tmp_path / "fixture" / "observations.argdown"
    before = path.read_bytes()
    fixes = fix_ranges(path, check_evidence(path))
    assert [(f.statement, f.old, f.new) for f in fixes] == [
        ("Wrong Lines", "docs/paper.md#L1-L6", "docs/paper.md#L22"),
        ("No Line Anchor", "docs/paper.md", "docs/paper.md#L18"),
        ("Moved", "docs/paper.md#L1-L30", "docs/other.md#L3")]  # the altered and reordered cite the right lines
    expected = before.replace(b"(docs/paper.md#L1-L6)", b"(docs/paper.md#L22)").replace(
        b"(docs/paper.md)", b"(docs/paper.md#L18)").replace(b"(docs/paper.md#L1-L30)", b"(docs/other.md#L3)")
    assert path.read_bytes() == expected
    assert check_evidence(path).summary["verified"] == 16


def test_fix_ranges_keeps_bom_crlf_and_undecodable_bytes(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("one\ntwo\nthe quote is here\n")
    original = ("\ufeff// caf\udce9 in a comment\r\n\r\n[S]: claim. #observation\r\n"
                "    [evidence](docs/p.md#L1-L2) and more\r\n    > the quote is here\r\n"
                "    {credence: 0.5}\r\n").encode("utf-8", errors="surrogateescape")
    (tmp_path / "map.argdown").write_bytes(original)
    fixes = fix_ranges(tmp_path / "map.argdown", check_evidence(tmp_path / "map.argdown"))
    assert [f.new for f in fixes] == ["docs/p.md#L3"]
    assert (tmp_path / "map.argdown").read_bytes() == original.replace(b"#L1-L2)", b"#L3)")


def test_fix_ranges_leaves_other_fragments_alone_and_refuses_stale_reports(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("one\nthe quote is here\n")
    (tmp_path / "map.argdown").write_text("[S]: c. #observation\n    [evidence](docs/p.md#results)\n"
                                          "    > the quote is here\n")
    report = check_evidence(tmp_path / "map.argdown")
    assert report.observations[0].status is EvidenceStatus.OUTSIDE_CITED_LINES
    assert fix_ranges(tmp_path / "map.argdown", report) == []
    (tmp_path / "map.argdown").write_text("[S]: c. #observation\n    [evidence](docs/p.md#L1)\n"
                                          "    > the quote is here\n")
    stale = check_evidence(tmp_path / "map.argdown")
    moved = "[S]: changed. #observation\n\n    [evidence](docs/p.md#L1)\n"
    (tmp_path / "map.argdown").write_text(moved)
    with pytest.raises(EditError, match="no link to 'docs/p.md#L1' on this line"):
        fix_ranges(tmp_path / "map.argdown", stale)
    assert (tmp_path / "map.argdown").read_text() == moved


def test_set_link_url_changes_one_link_target_only():
    from argmap.edit import Document

    text = "<A>: see [the paper](docs/p.md#L1-L2) and [the paper](docs/p.md#L1-L2).\n\n[S]: [x](docs/p.md#L1-L2)\n"
    document = Document(text)
    document.set_link_url(3, "docs/p.md#L1-L2", "docs/p.md#L7")
    assert document.text == text.replace("[x](docs/p.md#L1-L2)", "[x](docs/p.md#L7)")
    document.set_link_url(1, "docs/p.md#L1-L2", "docs/p.md#L9")  # both links on line 1
    assert document.text.count("docs/p.md#L9") == 2 and "L1-L2" not in document.text
    with pytest.raises(EditError, match="no link to 'docs/q.md' on this line"):
        document.set_link_url(3, "docs/q.md", "docs/q.md#L1")


# --- the thesis ------------------------------------------------------------------------------

def test_the_thesis_without_its_papers_reports_each_observation_missing(thesis):
    report = check_evidence(THESIS, model=thesis)
    assert len(report.observations) == 26
    assert report.summary["missing-file"] == 26
    first = report.observations[0]
    assert (first.statement, first.evidence, first.cited_lines) == (
        "SVD Init Wins", "docs/pissa_principal_singular_values_adaptation.md", (1, 20))


def test_the_thesis_quotes_come_out_whole(tmp_path):
    """Saved copies made of the thesis's own quotes (found here with a plain regular expression,
    not with argmap) at the cited lines: every one of the 26 is verified."""
    text = THESIS.read_text(encoding="utf-8")
    quotes = re.findall(r"^ +> (.*)$", text, re.M)
    links = re.findall(r"\[evidence\]\((docs/[^#)]+)#L(\d+)-L\d+\)", text)
    assert len(quotes) == len(links) == 26
    for (name, first), quote in zip(links, quotes):
        target = tmp_path / name
        target.parent.mkdir(exist_ok=True)
        body = quote.replace("**", "").replace("(...)", "Words left out here.")
        target.write_text("filler\n" * (int(first) - 1) + body + "\n", encoding="utf-8")
    shutil.copy(THESIS, tmp_path / "thesis.argdown")
    report = check_evidence(tmp_path / "thesis.argdown")
    assert report.summary["verified"] == 26, [o.message for o in report.observations if o.status.value != "verified"]
    # the claims' numbers that their own quotes do not contain (checked by reading the map)
    assert {o.statement: o.numbers_missing for o in report.observations if o.numbers_missing} == {
        "SVD Init Wins": ["13"],  # "11 models and 13 tasks"; the quote says 5 NLG and 8 NLU tasks
        "Cross-Layer Coupling": ["4"],  # "across 4 model families"
        "LoRA Ceiling": ["2024"],  # "Biderman et al. 2024" in the claim's own words
        "OFT in SVD Coords": ["35"],  # "on 35 NLP and CV tasks"
        "Scaling Vectors Competitive": ["175B"],  # "GPT-3 175B"
        "Random Projections Plus Scaling": ["10x"]}  # "10x fewer trainable parameters"


# --- the command line ------------------------------------------------------------------------

def test_evidence_command_text_json_and_exit_codes(tmp_path):
    text = argmap_cli("evidence", MAP)
    assert text.returncode == 1  # altered and not-found quotes are errors
    assert f"{MAP}:53:5: [Words Swapped] altered: quote altered in docs/paper.md at L10" in text.stdout
    assert text.stdout.strip().splitlines()[-1] == (
        f"{MAP}: 28 observations: 13 verified, 2 outside-cited-lines, 5 altered, 1 reordered, 1 moved, "
        "1 not-found, 1 missing-file, 2 refused, 1 no-quote, 1 no-link")
    import json

    data = json.loads(argmap_cli("evidence", MAP, "--format", "json").stdout)
    assert data["summary"] == SUMMARY
    assert argmap_cli("evidence", MAP, "--format", "yaml").returncode == 2
    assert argmap_cli("evidence", MAP, "--root", tmp_path / "nowhere").returncode == 2
    missing = argmap_cli("evidence", tmp_path / "absent.argdown")
    assert missing.returncode == 2 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr


def test_evidence_command_fixes_ranges_and_says_so(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixture")
    path = tmp_path / "fixture" / "observations.argdown"
    result = argmap_cli("evidence", path, "--fix-ranges")
    assert f"{path}:37: [Wrong Lines] docs/paper.md#L1-L6 -> docs/paper.md#L22" in result.stdout
    assert result.stdout.strip().endswith("3 links fixed")
    assert "docs/paper.md#L22" in path.read_text(encoding="utf-8")


def test_check_with_evidence_adds_the_findings(tmp_path):
    plain = argmap_cli("check", MAP)
    assert plain.returncode == 0 and "; evidence:" not in plain.stdout
    result = argmap_cli("check", "--evidence", MAP)
    assert result.returncode == 1
    assert f"{MAP}:44:5: error: [Changed Number] altered: quote altered in docs/paper.md at L10 " \
           "(similarity 93.6): - 96% + 97%" in result.stdout
    assert f"{MAP}:37:5: warning: [Wrong Lines] outside-cited-lines" in result.stdout
    assert f"{MAP}:77:5: warning: [Unbacked Number] verified" in result.stdout  # its number 13 is unbacked
    assert f"{MAP}:102:5: warning: [Words Left Out] credence 0.88 rests on an altered quote" in result.stdout
    # 10 errors: 5 altered, 1 reordered, 1 not-found, 1 missing-file, 2 refused. 37 warnings:
    # evidence's 2 outside-cited-lines, 1 moved, the unbacked number, no link and the credence on
    # an altered quote; check's own 27 premises without a credence, the conclusion without an
    # inference, the missing quote, the fixture's [Spectral Claim] that entails itself, and the
    # credence that cycle does not settle on.
    assert result.stdout.strip().splitlines()[-1].endswith(
        "10 errors, 37 warnings; evidence: 28 observations: 13 verified, 2 outside-cited-lines, 5 altered, "
        "1 reordered, 1 moved, 1 not-found, 1 missing-file, 2 refused, 1 no-quote, 1 no-link")


def test_relations_under_an_observation_are_not_part_of_its_quote(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "paper.md").write_text("intro\nthe quote is here\n", encoding="utf-8")
    for newline in ("\n", "\r"):  # a lone \r ends lines too
        text = "[T]: t\n\n[S]: c. #observation\n  [evidence](docs/paper.md#L2)\n  > the quote is here\n  + [T]\n"
        (tmp_path / "map.argdown").write_bytes(text.replace("\n", newline).encode())
        [result] = check_evidence(tmp_path / "map.argdown").observations
        # before, `+ [T]` was read as part of the quote, which the paper then did not have
        assert (result.status, result.found_lines, result.similarity, result.line) == (
            EvidenceStatus.VERIFIED, (2, 2), 100.0, 5)


def test_links_no_file_system_can_open_are_refused_not_a_crash(tmp_path):
    (tmp_path / "map.argdown").write_text(
        "[T]: t\n\n[N]: c #observation\n  [evidence](docs/%00.md)\n  > x\n  + [T]\n\n"
        f"[L]: c #observation\n  [evidence](docs/{'a' * 300}.md)\n  > x\n  + [T]\n", encoding="utf-8")
    results = check_evidence(tmp_path / "map.argdown").observations
    assert results[0].status is EvidenceStatus.REFUSED and "embedded null byte" in results[0].note
    # whether the file system says "too long" or "no such file" depends on the path before it
    assert results[1].status in (EvidenceStatus.REFUSED, EvidenceStatus.MISSING_FILE)


def test_an_observation_without_a_quote_stays_no_quote_when_its_file_is_unreadable(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "paper.md").write_bytes(bytes(range(256)) * 8)  # binary: unreadable
    (tmp_path / "map.argdown").write_text(
        "[T]: t\n\n[Q]: c #observation\n  [evidence](docs/paper.md#L1)\n  > a quote\n  + [T]\n\n"
        "[N]: c #observation\n  [evidence](docs/paper.md)\n  + [T]\n", encoding="utf-8")
    statuses = [r.status for r in check_evidence(tmp_path / "map.argdown").observations]
    assert statuses == [EvidenceStatus.UNREADABLE, EvidenceStatus.NO_QUOTE]


# --- what was normalised, elisions, diffs ----------------------------------------------------

@pytest.mark.parametrize("doc, quote, note", [
    ("the princi-pal components", "the principal components", 'hyphenation "princi-pal" read as "principal"'),
    ("fine-tuning the model", "fine tuning the model", 'hyphen: "fine-tuning" in the file, "fine tuning" in the quote'),
    ("Cir c ular Convolution", "Circular Convolution", 'letter-spacing "cir c ular" read as "circular"'),
    # `a` is a word, but `daptation` is none in this file, and `adaptation` is
    ("Spectral A daptation for adaptation", "Spectral Adaptation for adaptation",
     'letter-spacing "a daptation" read as "adaptation"'),
    ("the variant (S 2A) is", "the variant (S2A) is", 'letter-spacing "s 2a" read as "s2a"'),
    ("SVFT 2 recovers up to 96%\n\n> 2\n\ncode is here", "SVFT recovers up to 96%", 'footnote mark "2" left out'),
    ("the cited work [ 12 ] shows", "the cited work shows", 'citation "12" left out'),
    ("ﬁne-tuning with ligatures", "fine-tuning with ligatures", 'ligatures "ﬁ" as "fi"'),
    ("the “residual” parts — allowing", 'the "residual" parts -- allowing',
     "quotation marks and dashes: the file has —“”, the quote straight ones"),
    ("a sentence that\n\ngoes on", "a sentence that goes on", "blank line inside the quote (line 4)"),
    ("our method\n\n> arXiv:2601.07473v3 [cs.LG]\n\ntransfers to", "our method transfers to",
     "page break: line 5 (page header, footnote or figure text) skipped"),
    ("**PiSSA consistently outperforms LoRA** under", "PiSSA consistently outperforms LoRA under", "markdown emphasis"),
    ("a residual matrix W res ∈ Rm×n which is frozen", "a residual matrix W res which is frozen",
     'math "∈ rm×n" left out'),
])
def test_what_was_normalised_is_said(tmp_path, doc, quote, note):
    result = one(tmp_path, quote, doc=f"Intro line.\n\n{doc} and the rest.\n")
    assert result.status is EvidenceStatus.VERIFIED and result.normalised == [note], result.message


def test_nothing_normalised_says_nothing_and_letter_spacing_never_joins_real_words(tmp_path):
    assert one(tmp_path, "plain words here", doc="Intro.\n\nplain words here.\n").normalised == []
    # `valid` is a word of this file: `in valid` is two words, not a spaced `invalid`
    doc = "Intro.\n\nresults in valid outputs, and invalid ones are valid too.\n"
    assert one(tmp_path, "results invalid outputs", doc=doc).status is not EvidenceStatus.VERIFIED
    # a number after a word is a footnote mark only where the file has the footnote (`> 2`)
    assert one(tmp_path, "SVFT recovers up to", doc="SVFT 2 recovers up to\n").status is not EvidenceStatus.VERIFIED


@pytest.mark.parametrize("mark", ["(...)", "...", "…", "[...]", "[…]", "\\[...\\]"])
def test_each_elision_mark_splits_a_quote_into_parts_in_order(tmp_path, mark):
    doc = "Intro.\n\nThe first sentence is here. Something left out. The second sentence follows.\n"
    first, second = "The first sentence is here.", "The second sentence follows."
    verified = one(tmp_path, f"{first} {mark} {second}", doc=doc)
    assert (verified.status, verified.found_lines) == (EvidenceStatus.VERIFIED, (3, 3))
    reordered = one(tmp_path, f"{second} {mark} {first}", doc=doc)
    assert reordered.status is EvidenceStatus.REORDERED
    assert [c.order for c in reordered.changes] == ["parts in the file's order: part 2 at L3, part 1 at L3"]
    missing = one(tmp_path, f"{first} {mark} A third sentence nowhere in the paper at all.", doc=doc)
    assert missing.status is EvidenceStatus.NOT_FOUND and missing.note.startswith("part 2 of 2")


def test_an_altered_quote_shows_its_diff_word_by_word(tmp_path):
    doc = ("Intro.\n\nWe propose a parameterization, FedPara ,for federated learning (FL) to overcome the burdens on\n"
           "uploads. Our method re-parameterizes weight parameters of layers using low-rank weights.\n")
    result = one(tmp_path, "We propose a parameterization, FedPara, which re-parameterizes weight parameters of layers "
                 "using low-rank weights.", doc=doc)
    assert (result.status, result.found_lines) == (EvidenceStatus.ALTERED, (3, 4))
    assert [(c.file, c.quote, c.lines) for c in result.changes] == [
        ("for federated learning (FL) to overcome the burdens on uploads. Our method", "which", (3, 4))]
    diff = "- for federated learning (FL) to overcome the burdens on uploads. Our method + which"
    assert result.changes[0].text == diff
    assert result.message.startswith("[Observed] altered: quote altered in docs/paper.md at L3-L4 (similarity ")
    assert result.message.endswith(f"): {diff}")


@pytest.mark.parametrize("quote, changes", [
    ("Across 11 models, it recovers 97% of performance", [("96%", "97%")]),  # one number changed
    ("Across 11 models, it recovers of performance", [("96%", None)]),  # one number left out
    ("Across 11 models, it does not recover 96% of performance", [("recovers", "does not recover")]),
    ("Across 11 models, it recovers 96% of the performance", [(None, "the")]),
])
def test_one_changed_word_or_number_is_altered_never_verified(tmp_path, quote, changes):
    result = one(tmp_path, quote, doc="Intro.\n\nAcross 11 models, it recovers 96% of performance here.\n")
    assert result.status is EvidenceStatus.ALTERED
    assert [(c.file, c.quote) for c in result.changes] == changes


def test_a_credence_of_07_or_more_on_a_quote_not_verified_is_a_warning(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "paper.md").write_text("Intro.\n\nThe method recovers 96% of performance.\n")
    quotes = {"Altered Solid": ("The method recovers 97% of performance.", "#L3", 0.88),
              "Altered Weak": ("The method recovers 97% of performance.", "#L3", 0.69),
              "Verified Solid": ("The method recovers 96% of performance.", "#L3", 0.9),
              "Outside At The Edge": ("The method recovers 96% of performance.", "#L1", 0.7)}
    text = "<A>\n\n" + "".join(
        f"({n}) [{title}]: c. #observation\n    [evidence](docs/paper.md{anchor})\n    > {quote}\n"
        f"    {{reason: \"r\", credence: {credence}}}\n" for n, (title, (quote, anchor, credence)) in
        enumerate(quotes.items(), 1)) + "----\n(5) [C]: c.\n"
    (tmp_path / "map.argdown").write_text(text)
    report = check_evidence(tmp_path / "map.argdown")
    tied = [d for d in report.diagnostics() if d.code == "evidence-credence"]
    assert [(d.subject, d.line, d.message.split(":")[0]) for d in tied] == [
        ("Altered Solid", 6, "[Altered Solid] credence 0.88 rests on an altered quote"),
        ("Outside At The Edge", 18, "[Outside At The Edge] credence 0.7 rests on a quote outside its cited lines")]
    assert all(d.severity.value == "warning" and d.span.line == d.line for d in tied)
    codes = [d.code for d in report.diagnostics() if d.subject == "Altered Weak"]
    assert codes == ["evidence-altered"]  # the status stays an error; no credence warning below 0.7


def test_fix_ranges_also_points_altered_reordered_and_moved_quotes_at_their_lines(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "paper.md").write_text("one\ntwo\nFirst part here. Second part here.\nfour\n")
    (tmp_path / "docs" / "other.md").write_text("Only the other file says this.\n")
    observations = [("Altered", "First part there.", "#L1"), ("Reordered", "Second part here. (...) First part here.",
                    "#L1-L2"), ("Moved", "Only the other file says this.", "#L2"),
                    ("Missing", "Nothing like it anywhere in either file.", "#L2"), ("Verified", "four", "#L4")]
    text = "<A>\n\n" + "".join(f"({n}) [{title}]: c. #observation\n    [evidence](docs/paper.md{anchor})\n"
                               f"    > {quote}\n" for n, (title, quote, anchor) in enumerate(observations, 1))
    (tmp_path / "map.argdown").write_text(text + "----\n(6) [C]: c.\n")
    report = check_evidence(tmp_path / "map.argdown")
    assert [o.status.value for o in report.observations] == ["altered", "reordered", "moved", "not-found", "verified"]
    fixes = fix_ranges(tmp_path / "map.argdown", report)
    assert [(f.statement, f.old, f.new) for f in fixes] == [
        ("Altered", "docs/paper.md#L1", "docs/paper.md#L3"), ("Reordered", "docs/paper.md#L1-L2", "docs/paper.md#L3"),
        ("Moved", "docs/paper.md#L2", "docs/other.md#L1")]
    after = (tmp_path / "map.argdown").read_text()
    assert after == text.replace("paper.md#L1)", "paper.md#L3)").replace("paper.md#L1-L2)", "paper.md#L3)").replace(
        "(docs/paper.md#L2)\n    > Only", "(docs/other.md#L1)\n    > Only") + "----\n(6) [C]: c.\n"


# --- JSON Schema and the report --------------------------------------------------------------

def valid(value, schema: dict, root: dict, where: str = "$") -> list[str]:
    """The places where ``value`` breaks ``schema``: the part of JSON Schema that
    docs/evidence.schema.json uses ($ref, type, enum, oneOf, properties, required,
    additionalProperties, items, minItems, maxItems, minimum, maximum)."""
    if "$ref" in schema:
        return valid(value, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, where)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not valid(value, s, root, where)]
        return [] if len(matching) == 1 else [f"{where}: {len(matching)} of oneOf match"]
    kinds = {"object": dict, "array": list, "string": str, "null": type(None), "integer": int, "number": (int, float)}
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if isinstance(value, bool) or not any(isinstance(value, kinds[t]) for t in types):
            return [f"{where}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in enum"]
    errors = []
    if isinstance(value, dict):
        errors += [f"{where}: lacks {key}" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in schema.get("properties", {}):
                errors += valid(item, schema["properties"][key], root, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {key}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            errors.append(f"{where}: {len(value)} items")
        errors += [e for i, item in enumerate(value) if "items" in schema
                   for e in valid(item, schema["items"], root, f"{where}[{i}]")]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            errors.append(f"{where}: {value} out of range")
    return errors


def test_json_output_follows_its_schema(thesis):
    import json

    schema = json.loads((ROOT / "docs" / "evidence.schema.json").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(check_evidence(MAP).to_json()))  # as `argmap evidence --format json` prints it
    assert valid(data, schema, schema) == []
    assert valid(check_evidence(THESIS, model=thesis).to_json(), schema, schema) == []
    # every status occurs in the fixture, and every field of an observation is documented
    assert {o["status"] for o in data["observations"]} == set(schema["$defs"]["observation"]["properties"]["status"]
                                                               ["enum"]) - {"unreadable"}
    assert set(data["observations"][0]) == set(schema["$defs"]["observation"]["properties"])
    broken = dict(data, summary={**data["summary"], "altered": -1})
    broken["observations"] = [dict(data["observations"][0], found_lines=[1, 2, 3], extra=True)]
    assert len(valid(broken, schema, schema)) == 3  # the validator can fail


def test_the_report_shows_each_status_as_a_badge_with_its_diff():
    import argmap
    from argmap.report import report

    model = argmap.load(MAP)
    page = report(model, argmap.credence(model), [], "", check_evidence(MAP, model=model))
    assert page.count('<span class="evidence ') == 28
    assert '<span class="evidence altered">altered</span> <span class="where">docs/paper.md L10</span>' \
           '<ul class="changes"><li><del>96%</del> <ins>97%</ins></li></ul>' in page
    assert '<span class="evidence moved">moved</span> <span class="where">docs/other.md L3</span>' in page
    assert "<li>parts in the file&#x27;s order: part 2 at L18, part 1 at L22</li>" in page
    assert 'title="normalised: letter-spacing &quot;a daptation&quot; read as &quot;adaptation&quot;' in page
    assert '<span class="evidence ' not in report(model, argmap.credence(model), [], "")


def test_a_misquote_in_a_broken_text_layer_shows_the_change_and_what_was_read_past(tmp_path):
    """The thesis's C3A quote in small: one word changed, in a passage the PDF letter-spaced."""
    doc = ("Intro on low-rank adaptation.\n\nIn this paper, we propose Cir c ular Convolution A daptation (C 3A), which "
           "not only achieves high-rank adaptation but also excels in computa-tional power.\n")
    result = one(tmp_path, "We introduce Circular Convolution Adaptation (C3A), which not only achieves high-rank "
                 "adaptation but also excels in computational power.", doc=doc)
    assert (result.status, result.found_lines) == (EvidenceStatus.ALTERED, (3, 3))
    assert [(c.file, c.quote) for c in result.changes] == [("propose", "introduce")]
    assert result.normalised == ['letter-spacing "cir c ular" read as "circular"',
                                 'letter-spacing "a daptation" read as "adaptation"',
                                 'letter-spacing "c 3a" read as "c3a"',
                                 'hyphenation "computa-tional" read as "computational"']
    faithful = one(tmp_path, "we propose Circular Convolution Adaptation (C3A), which not only achieves", doc=doc)
    assert faithful.status is EvidenceStatus.VERIFIED


def test_moved_quotes_are_looked_for_only_inside_the_root(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text("A sentence only the outside file has.\n")
    root = tmp_path / "root"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "paper.md").write_text("Something else entirely.\n")
    (root / "docs" / "link.md").symlink_to(tmp_path / "outside" / "secret.md")
    (root / "docs" / "a-loop.md").symlink_to(root / "docs" / "a-loop.md")  # before the others
    (root / "map.argdown").write_text("[S]: c. #observation\n    [evidence](docs/paper.md#L1)\n"
                                      "    > A sentence only the outside file has.\n")
    [result] = check_evidence(root / "map.argdown").observations
    assert result.status is EvidenceStatus.NOT_FOUND and result.found_in is None
    (root / "docs" / "other.md").write_text("A sentence only the outside file has.\n")  # now inside
    [result] = check_evidence(root / "map.argdown").observations
    assert (result.status, result.found_in) == (EvidenceStatus.MOVED, "docs/other.md")
