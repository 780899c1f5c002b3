"""The tokenizer's context rules and the grammar, on small inputs checked by hand against the
Argdown syntax guide and the reference implementation's lexer."""
from __future__ import annotations

import random
import re
import warnings

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from argmap.parse import (ArgumentNode, HeadingNode, ListNode, PcsMemberNode, PcsNode, StatementNode, parse,
                          tokenize)
from randommaps import document


def kinds(text: str) -> list[str]:
    tokens, _ = tokenize(text)
    return [t.type for t in tokens]


def values(text: str) -> list[tuple[str, str]]:
    tokens, _ = tokenize(text)
    return [(t.type, t.value) for t in tokens]


def test_relation_symbols_only_count_at_the_start_of_a_line():
    assert kinds("[A]: a + b - c\n") == ["STATEMENT_DEFINITION", "FREESTYLE"]
    assert kinds("[A]: a\n  + [B]\n") == [
        "STATEMENT_DEFINITION", "FREESTYLE", "_INDENT", "OUTGOING_SUPPORT", "STATEMENT_REFERENCE", "_DEDENT"]


@pytest.mark.parametrize("symbol, kind", [
    ("+", "OUTGOING_SUPPORT"), ("<+", "OUTGOING_SUPPORT"), ("-", "OUTGOING_ATTACK"), ("<-", "OUTGOING_ATTACK"),
    ("+>", "INCOMING_SUPPORT"), ("->", "INCOMING_ATTACK"), ("><", "CONTRADICTION"),
    ("_", "OUTGOING_UNDERCUT"), ("<_", "OUTGOING_UNDERCUT"), ("_>", "INCOMING_UNDERCUT"),
])
def test_every_relation_symbol(symbol, kind):
    assert kinds(f"[A]\n  {symbol} [B]\n")[1:3] == ["_INDENT", kind]


def test_indentation_nests_and_unwinds():
    text = "[A]\n  + [B]\n    - [C]\n  + [D]\n"
    assert kinds(text) == [
        "STATEMENT_REFERENCE", "_INDENT", "OUTGOING_SUPPORT", "STATEMENT_REFERENCE",
        "_INDENT", "OUTGOING_ATTACK", "STATEMENT_REFERENCE", "_DEDENT",
        "OUTGOING_SUPPORT", "STATEMENT_REFERENCE", "_DEDENT"]


def test_a_blank_line_closes_every_indentation():
    assert kinds("[A]\n  + [B]\n\n[C]\n") == [
        "STATEMENT_REFERENCE", "_INDENT", "OUTGOING_SUPPORT", "STATEMENT_REFERENCE", "_DEDENT",
        "EMPTYLINE", "STATEMENT_REFERENCE"]


def test_premise_conclusion_structure_and_inference_line():
    text = "(1) A\n(2) B\n-- modus ponens, reductio {uses: [1, 2]} --\n(3) C\n"
    assert values(text) == [
        ("STATEMENT_NUMBER", "(1)"), ("FREESTYLE", "A\n"), ("STATEMENT_NUMBER", "(2)"), ("FREESTYLE", "B\n"),
        ("INFERENCE_START", "--"), ("FREESTYLE", "modus ponens"), ("LIST_DELIMITER", ","),
        ("FREESTYLE", "reductio "), ("DATA", "{uses: [1, 2]}"), ("INFERENCE_END", "--"), ("NEWLINE", "\n"),
        ("STATEMENT_NUMBER", "(3)"), ("FREESTYLE", "C\n")]


def test_emphasis_ends_only_the_emphasis_that_is_open():
    assert kinds("**bold** and _it_ *x __y__*") == [
        "ASTERISK_BOLD_START", "FREESTYLE", "ASTERISK_BOLD_END", "FREESTYLE",
        "UNDERSCORE_ITALIC_START", "FREESTYLE", "UNDERSCORE_ITALIC_END",
        "ASTERISK_ITALIC_START", "FREESTYLE", "UNDERSCORE_BOLD_START", "FREESTYLE", "UNDERSCORE_BOLD_END",
        "ASTERISK_ITALIC_END"]
    assert kinds("5 * 3 = 15") == ["FREESTYLE"]  # a star before a space starts nothing


def test_comments_are_skipped_and_keep_lines_together():
    assert values("[A]: one /* gone */ two\n// a whole line\nthree <!-- also\ngone -->\n") == [
        ("STATEMENT_DEFINITION", "[A]:"), ("FREESTYLE", "one two\nthree \n")]


def test_tags_links_mentions_and_escapes():
    assert values(r"a #tag #(two words) [x](http://y) @[S] @<A> \#not") == [
        ("FREESTYLE", "a "), ("TAG", "#tag "), ("TAG", "#(two words) "), ("LINK", "[x](http://y) "),
        ("STATEMENT_MENTION", "@[S] "), ("ARGUMENT_MENTION", "@<A> "), ("FREESTYLE", "#not")]


def test_windows_line_endings_lex_like_unix_ones():
    unix = "===\nmodel:\n  mode: strict\n===\n\n[A]: a\n  + [B]: b\n\n(1) x\n----\n(2) y\n"
    assert kinds(unix.replace("\n", "\r\n")) == kinds(unix)


def test_every_line_ending_numbers_lines_alike():
    # A lone \r ends a line, as in the reference implementation (classic Mac OS files).
    unix = "[A]: a\n  + [B]: b {credence: [}\n (1) x\n"
    where = [(d.line, d.column, d.code) for d in parse(unix).diagnostics + _model_diagnostics(unix)]
    assert [(line, code) for line, _, code in where] == [(3, "syntax"), (3, "skipped"), (2, "data")]
    for newline in ("\r\n", "\r"):
        text = unix.replace("\n", newline)
        assert [(d.line, d.column, d.code) for d in parse(text).diagnostics + _model_diagnostics(text)] == where


def _model_diagnostics(text: str) -> list:
    import argmap

    return [d for d in argmap.loads(text).diagnostics if d.code == "data"]


def test_headings_lists_and_front_matter_parse_into_nodes():
    tree = parse("===\ntitle: T\n===\n\n# One\n\n* [A]: a\n* <B>: b\n\n<C>: c\n\n(1) p\n----\n(2) q\n")
    assert tree.front_matter.value.startswith("===")
    assert [type(b) for b in tree.blocks] == [HeadingNode, ListNode, ArgumentNode, PcsNode]
    assert tree.blocks[0].level == 1
    assert [type(item) for _, item in tree.blocks[1].items] == [StatementNode, ArgumentNode]
    assert [type(s) for s in tree.blocks[3].steps][0] is PcsMemberNode
    assert tree.diagnostics == []


def test_a_byte_order_mark_is_not_content():
    tree = parse("\ufeff[A]: a\n")
    assert tree.blocks[0].title.value == "[A]:" and tree.diagnostics == []


def test_an_error_costs_at_most_its_block():
    tree = parse("[A]: the paper [13] shows it\n")
    assert [piece.value for piece in tree.blocks[0].content.parts[0]] == ["the paper ", "[13] ", "shows it\n"]
    tree = parse("[A]: fine\n\n[B]: broken\n(3) stray\n\n[C]: fine too\n")
    assert [b.title.value for b in tree.blocks] == ["[A]:", "[B]:", "[C]:"]
    [text] = tree.blocks[1].content.parts
    assert [piece.value for piece in text] == ["broken\n", "(3) ", "stray"]  # the stray number kept as text
    tree = parse("[A]: fine\n\n<B>\n{broken: data\n\n[C]: fine too\n")
    assert [b.title.value for b in tree.blocks] == ["[A]:", "<B>", "[C]:"]
    tree = parse("[A]: fine\n\n[B]: b\n  + [X]\n    ><\n\n[C]: fine too\n")
    assert [b.title.value for b in tree.blocks] == ["[A]:", "[B]:", "[C]:"]
    tree = parse("[A]: fine\n\n[B]: broken\n(3) stray\n\n[C]: fine too\n")
    [error] = tree.diagnostics
    assert (error.line, error.column, error.severity.value) == (4, 1, "error")
    assert "statement number '(3)'" in error.message and "blank line" in error.message


def test_front_matter_is_read_only_at_the_start_of_the_file():
    tree = parse("[A]: a\n  + [B]: b\n\n===\nmodel:\n  mode: strict\n===\n")
    assert tree.front_matter is None and [b.title.value for b in tree.blocks] == ["[A]:"]
    [error] = tree.diagnostics
    assert (error.line, error.column, error.severity.value, error.code) == (4, 1, "error", "front-matter")
    assert "only at the start of the file" in error.message
    tree = parse("===\nx: 1\n===\n\n[A]: a\n\n===\nx: 2\n===\n")  # the error sends it to recovery
    assert tree.front_matter.value == "===\nx: 1\n===" and [(d.line, d.code) for d in tree.diagnostics] == [
        (7, "front-matter")]


def test_unclosed_emphasis_is_closed_for_the_author():
    tree = parse("[A]: some **bold text\n\n[B]: **b**\n")  # a `**` follows: this one opens bold
    assert len(tree.blocks) == 2
    [error] = tree.diagnostics
    assert "bold" in error.message and error.line == 1


def test_a_backslash_at_the_end_of_a_line_is_kept_with_a_warning():
    tree = parse("[A]: a \\\n")
    assert [d.code for d in tree.diagnostics] == ["stray-backslash"]
    assert tree.blocks[0].content.parts[0].value.startswith("a \\")


def test_the_stored_lalr_table_is_the_grammars():
    """grammar/lalr.json is made from argdown.lark; after a grammar change, `python -m argmap.grammar`."""
    from importlib.resources import files

    from argmap.parse import table_source

    assert (files("argmap.grammar") / "lalr.json").read_text(encoding="utf-8") == table_source()


@pytest.mark.parametrize("text", [
    "===\ntitle: t\n===\n\n# Heading {a: 1}\n\n[A]: a *b* __c__ #tag [l](u) @[B]\n  + <C>: c\n    - [D]\n  >< [E]\n",
    "(1) [P]: p\n(2) q\n-- modus ponens, rule {uses: [1, 2]} --\n  _ <U>\n(3) c\n\n* [A]\n* <B>\n\n1. one\n2. two\n",
    "[A]: a\n\n  + [B]\n",  # a relation after a blank line: not Argdown
    "(1) p\n--\n(2) q\n",  # an inference line that is never closed
])
def test_the_plain_lalr_loop_builds_what_lark_builds(text):
    """The loop over the stored table and Lark's own parser give equal trees, or both refuse."""
    from lark.exceptions import UnexpectedInput

    from argmap.parse import _lark, _parse_valid

    tokens, _ = tokenize(text)
    try:
        expected = _lark().parse(tokens)
    except UnexpectedInput:
        expected = None
    assert _parse_valid(tokens) == expected
    assert (expected is None) == (text.endswith("q\n") or "\n\n  +" in text)


# --- properties of the tokens on random text (hypothesis) ----------------------------------------

# Pieces of Argdown, in any order: most of what they make is not valid Argdown, which is the point.
PIECES = ("[", "]", "]:", "](", "(", ")", "<", ">", ">:", "{", "}", "*", "**", "_", "__", "#", "#(", "@[", "@<",
          "\\", "\\*", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "-", "--", "----", "+>", "->", "<-", "><", "_>",
          "(1)", "1.", "* ", "# ", "//", "/*", "*/", "<!--", "-->", ".x.", ":y:", ",", ";", ":", ".", "===",
          "word", "x y", "é", "٣", "\u2028", "{a: 1}", "[S]: ", "<A>: ", "\n  +> ", "\n  - ", "[l](u)", "#tag ",
          "**b** ", "_i_ ")
# What tokenize skips: spaces, line breaks (one the grammar makes optional) and comments.
SKIPPABLE = re.compile(r"(?:[ \t\r\n]|//[^\r\n]*|/\*[\s\S]*?\*/|<!--[\s\S]*?-->)*")


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Counted from the text itself: a CRLF is one line break, as is a lone CR."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, offset - max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))


def check_tokens(text: str) -> None:
    tokens, _ = tokenize(text)
    covered_until = 0
    for token in tokens:
        start, end = token.start_pos, token.end_pos
        assert covered_until <= start <= end <= len(text), (token, covered_until)
        assert SKIPPABLE.fullmatch(text, covered_until, start), (text[covered_until:start], token)
        if token.type == "NEWLINE":
            assert text.startswith(token.value, start) and token.value.lstrip(" \t") in ("\n", "\r\n", "\r")
        elif token.type != "FREESTYLE":  # text pieces are joined, with escapes resolved
            assert token.value == text[start:end]
        assert token.position() == line_and_column(text, start)
        assert token.end_position() == line_and_column(text, end)
        covered_until = end
    assert SKIPPABLE.fullmatch(text, covered_until)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_tokens_cover_the_text_in_order_and_know_where_they_are(text):
    """Tokens follow each other without overlap, with only what Argdown skips between them;
    each holds its text, and its line and column are those of its offsets."""
    check_tokens(text)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_tokens_of_whole_maps_cover_them_in_order(seed):
    check_tokens(document(random.Random(seed)))


def test_narrowing_each_regex_by_its_first_character_changes_no_token(monkeypatch):
    """The tokenizer leaves out of each regex the terminals that cannot start with the
    character at hand; with nothing left out (as where Python's regex parser is not at hand)
    every map gives the same tokens and diagnostics."""
    from argmap import parse

    def tokens(text):
        found, diagnostics = tokenize(text)
        return [(token.type, token.value, token.start_pos, token.end_pos) for token in found], diagnostics

    texts = [document(random.Random(seed)) for seed in range(15)] + [
        "".join(random.Random(seed).choices(PIECES, k=60)) for seed in range(60)]
    narrowed = [tokens(text) for text in texts]
    monkeypatch.setattr(parse, "_first_characters", lambda pattern: None)
    parse._terminals.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a pattern built on a wrong assumption warns as it compiles
            assert [tokens(text) for text in texts] == narrowed
    finally:
        parse._terminals.cache_clear()


def test_what_a_pattern_can_start_with_is_read_from_its_syntax():
    """Listed characters, negated sets and categories, through optional and repeated parts."""
    from argmap.parse import _first_characters

    opening = _first_characters(r"(?:x|[ \t]*)[^a-c\n]y")
    assert all(char in opening for char in "x \td\u2028") and not any(char in opening for char in "abc\n")
    digits = _first_characters(r"[ \t]*\d+\.")
    assert all(char in digits for char in " 7\u0663") and not any(char in digits for char in "x.[")
    assert "" in opening and "" in digits  # each may start with a character that no terminal lists
    assert "" not in _first_characters(r"\[[^\]]+\]")  # a set of listed characters: only those
    assert _first_characters(r"x?") is None and _first_characters(r".") is None  # may be empty; any character


@settings(max_examples=50, deadline=None)
@given(st.characters())
def test_a_character_that_no_terminal_lists_starts_a_text_run(char):
    """What lets a text run go on over a line break before such a character (see _Terminals._text_lines)."""
    from argmap.parse import _TEXT_PIECE, _terminals

    if char not in _terminals().starters:
        assert re.match(_TEXT_PIECE, char + "x")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_a_terminal_matches_only_where_its_first_characters_say_it_may(text):
    """The regex engine is the oracle: wherever a terminal's pattern matches something, the
    character there is one its pattern may start with (else the narrowed regexes would miss it)."""
    from argmap.parse import _first_characters, _terminals

    terminals = _terminals()
    patterns = [*terminals.patterns, ("FREESTYLE_RUN", terminals.text_run), ("LINE_BREAK", terminals.line_break.pattern)]
    for name, pattern in patterns:
        opening, compiled = _first_characters(pattern), re.compile(pattern)
        for pos in range(len(text)):
            if (found := compiled.match(text, pos)) and found.end() > pos and opening is not None:
                char = text[pos]
                assert char in opening and (char in terminals.starters or "" in opening), (name, text, pos)


# Pieces around emphasis markers and statement numbers, for the steps that take several tokens at once.
STEP_PIECES = ("*", "**", "_", "__", "word", "a b", " ", "\t", "\n", "\n\n", "\r\n", "===", "=", "\u2028",
               ".", ",", ")", "-", "[", "]:", "\\", "(1)", "(2) ", "[A]:", "[a](b)", "\n  ", "  +> ", "--",
               "<!-- c -->", "{d}", "#t")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(STEP_PIECES), max_size=12).map("".join)
       | st.integers(0, 10**6).map(lambda seed: document(random.Random(seed))))
@example("a **b\u2028\u2028c** d")  # a blank line between them: the start stays text
@example("a **===x===** d _===y_ e")  # front matter, not text, inside the first
@example("a **b**  c *d*\n e __f__\n\ng")  # spaces and line breaks after the end
@example("(1) [a](b) [A]: c\n  +> [B]\n(2)  [B]:  \n  d\n\n(3)[C]:\n")  # a link first; spaces, line breaks after
def test_steps_of_several_tokens_give_the_tokens_of_the_plain_loop(text):
    """Where emphasized plain text, or a statement number and the definition after it, are
    taken in one step, the tokens and diagnostics are those of the loop taking them one at a time."""
    from argmap.parse import _terminals

    def tokens(text):
        found, diagnostics = tokenize(text)
        return [(token.type, token.value, token.start_pos, token.end_pos) for token in found], diagnostics

    terminals = _terminals()
    quick = tokens(text)
    steps = terminals.emphasized, terminals.numbered
    terminals.emphasized, terminals.numbered = {}, re.compile("(?!)")
    try:
        assert tokens(text) == quick
    finally:
        terminals.emphasized, terminals.numbered = steps


def test_emphasized_plain_text_is_three_tokens():
    assert values("a **b c** d _e_.\n") == [
        ("FREESTYLE", "a "), ("ASTERISK_BOLD_START", "**"), ("FREESTYLE", "b c"), ("ASTERISK_BOLD_END", "** "),
        ("FREESTYLE", "d "), ("UNDERSCORE_ITALIC_START", "_"), ("FREESTYLE", "e"), ("UNDERSCORE_ITALIC_END", "_"),
        ("FREESTYLE", ".\n")]


def test_a_numbered_statement_starts_with_two_tokens():
    assert values("(1) [A]: a\n(2) [l](u) [B]: b\n") == [
        ("STATEMENT_NUMBER", "(1)"), ("STATEMENT_DEFINITION", "[A]:"), ("FREESTYLE", "a\n"),
        ("STATEMENT_NUMBER", "(2)"), ("LINK", "[l](u) "), ("STATEMENT_DEFINITION", "[B]:"), ("FREESTYLE", "b\n")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}, \t\n\r\u2028ab:\"", max_size=30).map(lambda text: "{" + text))
def test_each_quicker_pattern_matches_what_the_grammars_matches(text):
    from argmap.parse import _QUICKER, _table

    assert set(_QUICKER) <= {tuple(terminal) for terminal in _table()["terminals"]}  # none stale
    for (_, grammars), quicker in _QUICKER.items():
        expected = re.match(grammars, text)
        assert (m.span() if (m := re.match(quicker, text)) else None) == (expected.span() if expected else None)
