"""diff (Shapley shares of a thesis's move) and log (the thesis along a file's git history)."""
from __future__ import annotations

import json
import re
import os
import random
import subprocess

import pytest
from typer.testing import CliRunner

import argmap
from argmap.cli import app
from argmap.propagate import credence
from argmap.versions import HistoryError, diff, facts, history, read_version, rebuild

TWO_SUPPORTERS = """[T]: the thesis

<A1>

(1) [P1]: first {{credence: {p1}}}
----
(2) [C1]: first conclusion {{inference: 0.5}}
  +> [T]

<A2>

(1) [P2]: second {{credence: {p2}}}
----
(2) [C2]: second conclusion {{inference: 0.5}}
  +> [T]
"""

OBJECTION = "\n<A3>\n\n(1) [P3]: third {credence: 0.5}\n----\n(2) [C3]: against {inference: 1}\n  -> [T]\n"


def random_pair(seed: int) -> tuple[str, str]:
    """Two versions of a random acyclic map: the second changes numbers, drops or adds
    arguments and relations, and rewrites a text."""
    rng = random.Random(seed)
    premises = {f"P{i}": rng.choice([None, 0.2, 0.5, 0.7, 0.9, 1.0]) for i in range(4)}
    arguments = []
    for i in range(rng.randint(2, 4)):
        used = rng.sample(sorted(premises), rng.randint(1, 2))
        targets = ["T"] + [f"C{j}" for j in range(i)]
        relations = [(rng.choice(["+>", "->"]), rng.choice(targets))]
        if i and rng.random() < 0.3:
            relations.append(("_>", f"A{rng.randrange(i)}"))
        arguments.append({"title": f"A{i}", "premises": used, "inference": rng.choice([0.3, 0.6, 0.9]),
                          "relations": relations, "text": "conclusion"})

    def text(premises, arguments) -> str:
        lines = ["===", "model:", "    mode: strict", "===", "", "[T]: the thesis", ""]
        for title, value in premises.items():
            lines += [f"[{title}]: premise" + (f" {{credence: {value}}}" if value is not None else ""), ""]
        for index, argument in enumerate(arguments):
            lines += [f"<{argument['title']}>", ""]
            lines += [f"({n}) [{p}]" for n, p in enumerate(argument["premises"], 1)]
            lines += ["----", f"({len(argument['premises']) + 1}) [C{argument['title'][1:]}]: {argument['text']} "
                              f"{{inference: {argument['inference']}}}"]
            for symbol, target in argument["relations"]:
                lines.append(f"  {symbol} <{target}>" if symbol == "_>" else f"  {symbol} [{target}]")
            lines.append("")
        return "\n".join(lines)

    old = text(premises, arguments)
    premises = dict(premises)
    arguments = [dict(a, relations=list(a["relations"])) for a in arguments]
    for _ in range(rng.randint(1, 3)):
        move = rng.choice(["credence", "inference", "drop", "add", "relation", "text"])
        if move == "credence":
            premises[rng.choice(sorted(premises))] = rng.choice([None, 0.1, 0.4, 0.8])
        elif move == "inference":
            rng.choice(arguments)["inference"] = rng.choice([0.2, 0.5, 0.95])
        elif move == "drop" and len(arguments) > 1:
            dropped = arguments.pop()
            for argument in arguments:  # nothing may point at what is gone
                argument["relations"] = [r for r in argument["relations"] if r[1] not in (dropped["title"],
                                                                                          "C" + dropped["title"][1:])]
        elif move == "add":
            index = max(int(a["title"][1:]) for a in arguments) + 1
            arguments.append({"title": f"A{index}", "premises": [rng.choice(sorted(premises))], "inference": 0.7,
                              "relations": [(rng.choice(["+>", "->"]), "T")], "text": "new"})
        elif move == "relation":
            argument = rng.choice(arguments)
            argument["relations"][0] = ("->" if argument["relations"][0][0] == "+>" else "+>",
                                        argument["relations"][0][1])
        else:
            rng.choice(arguments)["text"] = "reworded"
    return old, text(premises, arguments)


@pytest.mark.parametrize("semantics", ["df-quad", "quadratic-energy"])
def test_attributions_add_up_to_the_move_on_random_pairs(semantics):
    for seed in range(10):
        old, new = random_pair(seed)
        result = diff(argmap.loads(old), argmap.loads(new), semantics)
        assert result.exact
        for thesis, move in result.theses.items():
            total = sum(change.effect[thesis] for change in result.changes)
            assert total == pytest.approx(move.move, abs=1e-9), (seed, thesis)
            assert move.after - move.before == pytest.approx(move.move)


def test_every_coalition_is_valued_as_the_map_in_between_would_be():
    """The batch (numbers and relations as columns over one rebuilt map) against building and
    computing each map in between on its own."""
    from argmap.versions import _apply, _game, changes

    for seed in range(5):
        old, new = (facts(argmap.loads(text)) for text in random_pair(seed))
        keys = [group for group, change in changes(old, new) if change.field not in ("text", "reason")]
        values = _game(old, new, keys, "df-quad", [("statement", "T")], list(range(1 << len(keys))))
        for mask, value in values.items():
            between = credence(rebuild(_apply(old, new, keys, mask)), "df-quad")
            assert value[0] == pytest.approx(between.statements["T"].credence, abs=1e-12), (seed, mask)


def test_sampled_attributions_add_up_too_and_state_their_error(monkeypatch):
    import argmap.contribution

    monkeypatch.setattr(argmap.contribution, "EXACT_UP_TO", 1)
    old, new = random_pair(3)
    result = diff(argmap.loads(old), argmap.loads(new), permutations=20)
    assert not result.exact and result.permutations == 20
    moved = [c for c in result.changes if c.error]
    assert moved and all(c.error["T"] >= 0 for c in moved)
    assert sum(c.effect["T"] for c in result.changes) == pytest.approx(result.theses["T"].move, abs=1e-9)
    assert "±" in result.text() and "sampled over 20 orders" in result.text()


def test_a_single_change_takes_the_whole_move():
    # T = 0.5 + 0.5 * (1 - (1 - 0.5 p1)(1 - 0.5 p2)): p1 0.8 -> 0.4 moves it from 0.79 to 0.72
    old = argmap.loads(TWO_SUPPORTERS.format(p1=0.8, p2=0.6))
    new = argmap.loads(TWO_SUPPORTERS.format(p1=0.4, p2=0.6))
    result = diff(old, new)
    (change,) = result.changes
    assert (change.kind, change.title, change.field, change.before, change.after) == ("statement", "P1", "credence",
                                                                                      0.8, 0.4)
    assert result.theses["T"].before == pytest.approx(0.79) and result.theses["T"].after == pytest.approx(0.72)
    assert change.effect["T"] == pytest.approx(-0.07, abs=1e-12)


def test_two_changes_share_the_move_by_their_shapley_values():
    # v(none) = 0.79, v(p1) = 0.72, v(p2) = 0.85, v(both) = 0.80 (by hand, as above):
    # p1 gets ((0.72 - 0.79) + (0.80 - 0.85)) / 2 = -0.06, p2 ((0.85 - 0.79) + (0.80 - 0.72)) / 2 = +0.07
    old = argmap.loads(TWO_SUPPORTERS.format(p1=0.8, p2=0.6))
    new = argmap.loads(TWO_SUPPORTERS.format(p1=0.4, p2=1.0).replace("[T]: the thesis", "[T]: the thesis, reworded"))
    result = diff(old, new)
    effects = {(c.title, c.field): c.effect["T"] for c in result.changes}
    assert effects == pytest.approx({("T", "text"): 0.0, ("P1", "credence"): -0.06, ("P2", "credence"): 0.07})
    data = result.to_json()
    assert set(data) >= {"semantics", "theses", "changes"}
    assert data["theses"]["T"] == pytest.approx({"before": 0.79, "after": 0.80, "move": 0.01})
    assert set(data["changes"][0]) == {"kind", "title", "field", "before", "after", "effect"}


def test_an_added_argument_is_one_change_with_what_it_says():
    old = argmap.loads(TWO_SUPPORTERS.format(p1=0.8, p2=0.6))
    new = argmap.loads(TWO_SUPPORTERS.format(p1=0.8, p2=0.6) + OBJECTION)
    labels = sorted(c.label() for c in diff(old, new).changes)
    assert labels == ["<A3> added (inference of [C3] 1)", "[C3] -> [T] added", "[C3] added",
                      "[P3] added (credence 0.5)"]


def test_a_rebuilt_map_has_the_credences_of_the_real_one(thesis):
    for model in [thesis] + [argmap.loads(random_pair(seed)[0]) for seed in range(5)]:
        for semantics in ("df-quad", "quadratic-energy"):
            real, rebuilt = credence(model, semantics), credence(rebuild(facts(model)), semantics)
            for title, statement in real.statements.items():
                assert rebuilt.statements[title].credence == pytest.approx(statement.credence, abs=1e-12)


def test_vargdown_has_no_shares_to_give():
    with pytest.raises(ValueError, match="df-quad or quadratic-energy"):
        diff(argmap.loads("[T]: t"), argmap.loads("[T]: u"), "vargdown")


# --- git ----------------------------------------------------------------------------------------

def git(repository, *args, date="2026-01-01T12:00:00+00:00"):
    environment = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
                   "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(["git", "-c", "user.name=Tester", "-c", "user.email=t@example.org", *args], cwd=repository,
                          env=environment, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """Three commits of map.argdown (and one of another file between them)."""
    root = tmp_path_factory.mktemp("repo")
    git(root, "init", "-q", "-b", "main")
    path = root / "maps" / "map.argdown"
    path.parent.mkdir()
    path.write_text(TWO_SUPPORTERS.format(p1=0.8, p2=0.6))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first map", date="2026-01-01T12:00:00+00:00")
    (root / "notes.txt").write_text("unrelated")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "notes", date="2026-01-02T12:00:00+00:00")
    path.write_text(TWO_SUPPORTERS.format(p1=0.4, p2=0.6))
    git(root, "commit", "-q", "-am", "doubt P1", date="2026-01-03T12:00:00+00:00")
    path.write_text(TWO_SUPPORTERS.format(p1=0.4, p2=0.6) + OBJECTION)
    git(root, "commit", "-q", "-am", "an objection", date="2026-01-04T12:00:00+00:00")
    return root


def test_log_lists_each_commit_that_touched_the_file(repository):
    points = history(repository / "maps" / "map.argdown")
    assert [p.subject for p in points] == ["first map", "doubt P1", "an objection"]
    assert [p.date[:10] for p in points] == ["2026-01-01", "2026-01-03", "2026-01-04"]
    # 0.79 and 0.72 as above; then support 1 - 0.8 * 0.7 = 0.44 meets attack 0.5: 0.5 - 0.5 * 0.06 = 0.47
    assert [p.credences["T"] for p in points] == pytest.approx([0.79, 0.72, 0.47])
    assert points[0].moves == {} and points[0].biggest is None
    assert points[1].moves["T"] == pytest.approx(-0.07)
    assert points[1].biggest.label() == "[P1] credence: 0.8 -> 0.4"
    assert points[2].moves["T"] == pytest.approx(-0.25)
    assert points[2].biggest.label() == "[C3] -> [T] added"
    since = history(repository / "maps" / "map.argdown", since="HEAD~2")
    assert [p.subject for p in since] == ["doubt P1", "an objection"]


def test_diff_reads_revisions(repository, monkeypatch):
    monkeypatch.chdir(repository)
    result = diff("HEAD~3:maps/map.argdown", "maps/map.argdown")
    assert result.theses["T"].move == pytest.approx(0.47 - 0.79)
    assert read_version("HEAD~1:maps/map.argdown")[0] == TWO_SUPPORTERS.format(p1=0.4, p2=0.6)
    with pytest.raises(HistoryError, match="no such revision"):
        read_version("HEAD~9:maps/map.argdown")
    with pytest.raises(HistoryError, match="maps/other.argdown does not exist at HEAD"):
        read_version("HEAD:maps/other.argdown")


def test_command_line_diff_and_log(repository, monkeypatch):
    monkeypatch.chdir(repository)
    runner = CliRunner()
    shown = runner.invoke(app, ["diff", "HEAD~1:maps/map.argdown", "maps/map.argdown", "-f", "json"])
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert data["theses"]["T"]["move"] == pytest.approx(-0.25)
    # each version's warnings counted; only the file is pointed to `argmap check`
    assert re.search(r"^HEAD~1:maps/map\.argdown: \d+ warnings$", shown.stderr, re.M)
    assert re.search(r"^maps/map\.argdown: \d+ warnings; see `argmap check maps/map\.argdown`$", shown.stderr, re.M)
    logged = runner.invoke(app, ["log", "maps/map.argdown"])
    assert logged.exit_code == 0 and "2026-01-03" in logged.stdout and "(-0.0700)" in logged.stdout
    for args in (["diff", "NOPE:maps/map.argdown", "maps/map.argdown"],
                 ["diff", "HEAD:maps/x.argdown", "maps/map.argdown"],
                 ["log", "maps/map.argdown", "--since", "NOPE"], ["log", "notes.txt", "-o", "chart.jpg"]):
        failed = runner.invoke(app, args)
        assert failed.exit_code == 2, args
        assert len(failed.output.strip().splitlines()) == 1, failed.output


def test_command_line_diff_prints_each_versions_errors_and_exits_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.argdown").write_text(TWO_SUPPORTERS.format(p1=0.8, p2=0.6))
    (tmp_path / "new.argdown").write_text(TWO_SUPPORTERS.format(p1=1.7, p2=0.6))
    shown = CliRunner().invoke(app, ["diff", "old.argdown", "new.argdown"])
    assert shown.exit_code == 1
    assert "\nnew.argdown:5:17: error: [P1]: {credence: 1.7} is not a number from 0 to 1" in shown.stderr
    assert "\n    (1) [P1]: first {credence: 1.7}\n" in shown.stderr  # the line, as the other commands show it
    assert "[P1] credence: 0.8 -> none" in shown.stdout  # the diff still says what it read
    assert CliRunner().invoke(app, ["diff", "old.argdown", "old.argdown"]).exit_code == 0


def test_diff_across_a_cycle_of_premise_conclusion_structures():
    """<A> concludes [X] from [Y] and <B> [Y] from [X]: the maps in between, built without
    text, have no places to put the cycle's warning at (this raised IndexError)."""
    cycle = ("[T]: thesis.{prior}\n  + [X]\n\n<A>: a.\n\n(1) [Y]: y.\n----\n(2) [X]: x. {{reason: \"r\", inference: 1}}"
             "\n\n<B>: b.\n\n(1) [X]\n----\n(2) [Y] {{reason: \"r\", inference: 1}}\n")
    old, new = argmap.loads(cycle.format(prior="")), argmap.loads(cycle.format(prior=" {prior: 0.4}"))
    result = diff(old, new)
    (change,) = result.changes
    assert (change.title, change.field) == ("T", "prior")
    assert change.effect["T"] == pytest.approx(result.theses["T"].move)  # the one change takes the whole move
