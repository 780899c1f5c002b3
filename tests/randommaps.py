"""Random Argdown documents that use the whole syntax, for differential tests and fuzzing.

``document(random.Random(seed))`` returns one document. Titles come from a small pool, so
statements merge into equivalence classes, relations repeat and arguments get reconstructed
more than once; every construct of the syntax guide appears with some probability. The
documents are meant to be valid Argdown, so that the reference implementation accepts them
and the two models can be compared.
"""
from __future__ import annotations

import random

WORDS = ("claims evidence data shows that the model we policy risk cost many few people think "
         "because therefore however moreover strong weak effect growth safety energy future "
         "10% 3.5 x-y (aside) e.g. well; so: yes it's \"quoted\"").split()
TITLES = ["A", "B", "C", "Thesis", "Risk Real", "Opportunity Cost", "S 1", "Long Title Here",
          "Übermensch", "Q&A"]
ARGUMENTS = ["Arg 1", "Arg 2", "Pro", "Contra", "Big One", "Ärger", "Reason"]
RELATIONS = ["+", "-", "+>", "->", "<+", "<-", "_", "<_", "_>", "><"]


def words(rng: random.Random, low: int = 2, high: int = 9) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def inline(rng: random.Random, allow_breaks: bool = True) -> str:
    parts = [words(rng, 1, 5)]
    for _ in range(rng.randint(0, 4)):
        choice = rng.random()
        if choice < 0.15:
            parts.append(f"**{words(rng, 1, 3)}**")
        elif choice < 0.25:
            parts.append(f"_{words(rng, 1, 3)}_")
        elif choice < 0.3:
            parts.append(f"*{words(rng, 1, 2)} __{words(rng, 1, 2)}__*")
        elif choice < 0.42:
            parts.append(rng.choice(["#tag", "#other-tag", "#(multi word tag)", "#pro"]))
        elif choice < 0.5:
            parts.append(f"[{words(rng, 1, 2)}](https://example.org/{rng.randint(1, 99)})")
        elif choice < 0.57:
            parts.append(f"@[{rng.choice(TITLES)}]")
        elif choice < 0.62:
            parts.append(f"@<{rng.choice(ARGUMENTS)}>")
        elif choice < 0.67:
            parts.append(rng.choice([r"\[not a title\]", r"\#nohash", r"\*", "a .->. b", ":+1:", ".^."]))
        elif choice < 0.72 and allow_breaks:
            parts.append("\n    " + words(rng, 1, 4))
        elif choice < 0.75:
            parts.append("/* inline comment */")
        else:
            parts.append(words(rng, 1, 5))
    return " ".join(parts)


def data(rng: random.Random) -> str:
    entries = []
    for key in rng.sample(["reason", "credence", "inference", "prior", "isInGroup", "color", "list", "nested",
                           "odd"], rng.randint(1, 3)):
        if key == "reason":
            entries.append(f'reason: "{words(rng, 1, 4)}"')
        elif key in ("credence", "inference", "prior"):
            entries.append(f"{key}: {rng.choice(['0.5', '0.75', '1', '0', '0.333'])}")
        elif key == "isInGroup":
            entries.append(f"isInGroup: {rng.choice(['true', 'false'])}")
        elif key == "list":
            entries.append("list: [1, two, 3.5]")
        elif key == "nested":
            entries.append("nested: {a: 1, b: [x, y]}")
        elif key == "odd":  # values that are easy to get wrong: tags, non-finite and extreme numbers, dates
            entries.append("odd: " + rng.choice(["!!binary aGk=", "!!set {a, b}", ".nan", "-.inf", "1.0e-200",
                                                 "2001-12-14t21:59:43.10-05:00"]))
        else:
            entries.append(f"color: {rng.choice(['red', 'blue'])}")
    return "{" + ", ".join(entries) + "}"


def statement(rng: random.Random, reference_ok: bool = True) -> str:
    choice = rng.random()
    if choice < 0.45:
        text = f"[{rng.choice(TITLES)}]: {inline(rng)}"
    elif choice < 0.7 and reference_ok:
        text = f"[{rng.choice(TITLES)}]" + (" #tag" if rng.random() < 0.2 else "")
    else:
        text = inline(rng)
    if rng.random() < 0.2:
        text += " " + data(rng)
    return text


def argument(rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = f"<{rng.choice(ARGUMENTS)}>: {inline(rng)}"
    else:
        text = f"<{rng.choice(ARGUMENTS)}>"
    if rng.random() < 0.15:
        text += " " + data(rng)
    return text


def relations(rng: random.Random, indent: int, depth: int) -> list[str]:
    lines = []
    for _ in range(rng.randint(1, 3)):
        symbol = rng.choice(RELATIONS)
        member = statement(rng) if symbol == "><" or rng.random() < 0.55 else argument(rng)
        lines.append(" " * indent + symbol + " " + member.replace("\n    ", "\n" + " " * (indent + 4)))
        if depth > 1 and rng.random() < 0.35:
            lines += relations(rng, indent + 2, depth - 1)
    return lines


def pcs(rng: random.Random) -> str:
    lines, number = [], 1
    for stage in range(rng.randint(1, 3)):
        for _ in range(rng.randint(1, 3)):
            lines.append(f"({number}) " + statement(rng, reference_ok=rng.random() < 0.3))
            if rng.random() < 0.1:
                lines += relations(rng, 2, 1)
            number += 1
        inference = rng.random()
        if inference < 0.6:
            lines.append("----")
        elif inference < 0.8:
            lines.append(f"-- {words(rng, 1, 2)}, {words(rng, 1, 2)} --")
        else:
            lines.append(f"--\n{data(rng)}\n--")
        if rng.random() < 0.1:
            lines.append(f"  _ [{rng.choice(TITLES)}]")
    lines.append(f"({number}) " + statement(rng, reference_ok=rng.random() < 0.3))
    if rng.random() < 0.5:
        lines += relations(rng, 2, 2)
    return "\n".join(lines)


def block(rng: random.Random) -> list[str]:
    choice = rng.random()
    if choice < 0.12:
        return ["#" * rng.randint(1, 3) + " " + words(rng, 1, 3) + (" #tag" if rng.random() < 0.2 else "")]
    if choice < 0.4:
        return ["\n".join([statement(rng)] + (relations(rng, 2, 3) if rng.random() < 0.7 else []))]
    if choice < 0.55:
        return ["\n".join([argument(rng)] + (relations(rng, 2, 2) if rng.random() < 0.5 else []))]
    if choice < 0.8:
        head = [f"<{rng.choice(ARGUMENTS)}>" + (f": {inline(rng, False)}" if rng.random() < 0.5 else "")]
        return head + [pcs(rng)] if rng.random() < 0.8 else [pcs(rng)]
    if choice < 0.88:
        marker = rng.choice(["*", "1."])
        return ["\n".join(f"{marker} {statement(rng)}" for _ in range(rng.randint(1, 3)))]
    if choice < 0.94:
        return [rng.choice(["// a line comment", "/* a\nblock comment */", "<!-- html\ncomment -->"])
                + "\n" + statement(rng, reference_ok=False)]
    return ["\n".join([statement(rng)] + relations(rng, 4, 2))]


def document(rng: random.Random) -> str:
    parts = []
    if rng.random() < 0.6:
        mode = rng.choice(["strict", "loose"])
        extra = rng.choice(["", "\n    removeTagsFromText: true", "\n    explodeArguments: true"])
        parts.append(f"===\ntitle: {words(rng, 1, 3)}\nmodel:\n    mode: {mode}{extra}\n===")
    for _ in range(rng.randint(1, 8)):
        parts += block(rng)
    text = "\n\n".join(parts) + "\n"
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def chain_of_arguments(n: int) -> str:
    """n arguments, each concluding what supports the previous one's conclusion: deep nesting
    of the credence computation with a flat text."""
    return "[S0]: the end\n\n" + "\n\n".join(
        f"<A{i}>\n\n(1) [P{i}]: p {{credence: 0.9}}\n----\n(2) [S{i}]: c {{inference: 0.9}}\n  +> [S{i - 1}]"
        for i in range(1, n + 1)) + "\n"


def direct_supporters(n: int) -> str:
    """One claim with n supporters written under it."""
    return "[T]: thesis\n" + "".join(f"  + [S{i}]: s {{credence: 0.6}}\n" for i in range(n))
