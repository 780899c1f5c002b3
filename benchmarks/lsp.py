#!/usr/bin/env python3
"""Edit-to-fresh-answer of `argmap lsp`, timed through the protocol as an editor sees it.

    .venv/bin/python benchmarks/lsp.py                  # thesis (30 edits) and genmap N=5000 (10)
    .venv/bin/python benchmarks/lsp.py --sizes 1000 --edits 10 --write

Spawns `argmap lsp` over stdio, opens a map, then repeats: send a didChange that rewrites one
credence (alternating between two values), ask for hover on a title whose computed credence
depends on it, and ask again until the answer shows the credence that the new text gives
(argmap's Python API computes it beforehand). The time is from sending the change to
receiving that fresh answer. `--write` puts the table into docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENMAP = ROOT.parent / "shared" / "bench" / "genmap.py"
THESIS = ROOT / "maps" / "natural_manifold.argdown"
PERFORMANCE = ROOT / "docs" / "performance.md"
SECTION = "## The language server"
TARGETS = {"thesis": 0.050, "N=5000": 0.500}


@dataclass(frozen=True)
class Scenario:
    """One map, the credence the edits rewrite and the title whose hover must follow it."""

    name: str
    text: str
    edited: str
    values: tuple[float, float]
    hovered: str


class TooSlow(Exception):
    """The server gave no (fresh) answer within the time allowed."""


class Server:
    """`argmap lsp` over stdio, with just enough JSON-RPC for a client that times it."""

    def __init__(self, command: list[str], timeout: float):
        self.timeout = timeout
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                self.messages.put(None)
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict | None) -> object:
        """Send a request and wait for its answer, answering the server's own requests with null."""
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        deadline = time.perf_counter() + self.timeout
        while True:
            try:
                message = self.messages.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise TooSlow(f"no answer to {method} within {self.timeout:.0f} s") from None
            if message is None:
                raise SystemExit(f"argmap lsp exited while answering {method}")
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})
            elif message.get("id") == wanted:
                if "error" in message:
                    raise SystemExit(f"argmap lsp answered {method} with {message['error']}")
                return message.get("result")

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except (OSError, TooSlow, subprocess.TimeoutExpired):
            self.process.kill()


def position(text: str, offset: int) -> dict:
    """The LSP position (line, UTF-16 column) of a character offset."""
    start = text.rfind("\n", 0, offset) + 1
    column = len(text[start:offset].encode("utf-16-le")) // 2
    return {"line": text.count("\n", 0, offset), "character": column}


def credence_at(text: str, title: str) -> tuple[int, int]:
    """Offsets of the number in the first `credence:` after the definition of [title]."""
    definition = re.search(rf"^\s*(?:\(\d+\)\s*)?\[{re.escape(title)}\]:", text, re.M)
    number = re.compile(r"credence:\s*([0-9.]+)").search(text, definition.end())
    return number.span(1)


def shown(value: float) -> str:
    """A credence as argmap writes it for people (four decimals)."""
    return f"{value:.4f}"


def expected_answers(scenario: Scenario) -> dict[float, str]:
    """What the hover must show for each edited value, from argmap's Python API."""
    import argmap

    model = argmap.loads(scenario.text)
    answers = {}
    for value in scenario.values:
        result = argmap.credence(model, overrides={scenario.edited: value})
        answers[value] = shown(result.statements[scenario.hovered].credence)
    if len(set(answers.values())) < 2:
        raise SystemExit(f"{scenario.name}: both values give [{scenario.hovered}] "
                         f"{answers[scenario.values[0]]}: the benchmark could not tell a fresh answer")
    return answers


def hover_text(result: object) -> str:
    contents = (result or {}).get("contents", "")
    if isinstance(contents, list):
        return "\n".join(part if isinstance(part, str) else part.get("value", "") for part in contents)
    return contents if isinstance(contents, str) else contents.get("value", "")


def run(scenario: Scenario, edits: int, command: list[str], timeout: float) -> dict:
    """Seconds from each didChange to the first hover that shows the changed credence; what
    went wrong, if the server was too slow."""
    answers = expected_answers(scenario)
    uri = f"file:///benchmark/{scenario.name.replace('=', '')}.argdown"
    text = scenario.text
    title = re.search(rf"^\s*(?:\(\d+\)\s*)?\[({re.escape(scenario.hovered)})\]:", text, re.M).start(1)
    server = Server(command, timeout)
    opened, times, failure = None, [], None
    try:
        server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        server.notify("initialized", {})
        started = time.perf_counter()
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "argdown", "version": 0, "text": text}})
        start, end = credence_at(text, scenario.edited)
        opened = wait_fresh(server, uri, position(text, title), answers[float(text[start:end])]) - started
        for version in range(1, edits + 1):
            value = next(value for value in scenario.values if value != float(text[start:end]))
            new = str(value)
            change = {"range": {"start": position(text, start), "end": position(text, end)}, "text": new}
            text = text[:start] + new + text[end:]
            end = start + len(new)
            started = time.perf_counter()
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [change]})
            times.append(wait_fresh(server, uri, position(text, title), answers[value]) - started)
            print(f"\r{scenario.name}: {version}/{edits} edits", end="", file=sys.stderr, flush=True)
    except TooSlow as slow:
        failure = f"{slow} after {len(times)} edits"
    finally:
        server.close()
    return {"map": scenario.name, "bytes": len(scenario.text.encode()), "open": opened, "times": times,
            "failure": failure}


def wait_fresh(server: Server, uri: str, where: dict, answer: str) -> float:
    """Ask for hover until it shows `answer`; the moment it does."""
    deadline = time.perf_counter() + server.timeout
    while time.perf_counter() < deadline:
        result = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": where})
        if answer in hover_text(result):
            return time.perf_counter()
        time.sleep(0.002)
    raise TooSlow(f"no hover showed {answer} within {server.timeout:.0f} s")


def scenarios(sizes: list[int]) -> list[Scenario]:
    """The thesis (its most influential premise, hovering the thesis) and each generated map
    (the first premise of the first argument, hovering that argument's conclusion)."""
    found = [Scenario("thesis", THESIS.read_text(encoding="utf-8"), "Random Projections Plus Scaling",
                      (0.45, 0.75), "Natural Manifold")]
    for size in sizes:
        if not GENMAP.exists():
            raise SystemExit(f"{GENMAP} is absent: the generated maps come from ../shared/bench")
        text = subprocess.run([sys.executable, str(GENMAP), str(size)], capture_output=True,
                              text=True, check=True).stdout
        found.append(Scenario(f"N={size}", text, "Premise 0.0", (0.9, 0.33), "Conclusion 0"))
    return found


def duration(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


def summary(result: dict) -> dict:
    """Median, 90th percentile and slowest of the timed edits (None where there are none)."""
    times = sorted(result["times"])
    if not times:
        return {"median": None, "p90": None, "max": None}
    deciles = statistics.quantiles(times, n=10, method="inclusive") if len(times) > 1 else times * 9
    return {"median": statistics.median(times), "p90": deciles[8], "max": times[-1]}


def table(results: list[dict]) -> str:
    lines = ["| map | size | edits | open to first answer | median | 90th percentile | slowest | target (median) |",
             "|---|---|---|---|---|---|---|---|"]
    for result in results:
        figures = summary(result)
        target = TARGETS.get(result["map"])
        verdict = "" if target is None else f"{target * 1000:.0f} ms, " + (
            "met" if figures["median"] is not None and figures["median"] <= target and not result["failure"]
            else "not met")
        lines.append(f"| {result['map']} | {result['bytes'] / 1e6:.2f} MB | {len(result['times'])} | "
                     f"{duration(result['open'])} | {duration(figures['median'])} | "
                     f"{duration(figures['p90'])} | {duration(figures['max'])} | {verdict} |")
    lines += [f"\n{result['map']}: {result['failure']}." for result in results if result["failure"]]
    return "\n".join(lines)


def section(results: list[dict]) -> str:
    today = datetime.date.today().isoformat()
    return f"""{SECTION}

`benchmarks/lsp.py` times edit-to-fresh-answer through the protocol: it runs `argmap lsp`
over stdio, opens the map, then sends a `didChange` that rewrites one credence and asks for
hover on a title whose computed credence depends on it, again until the hover shows the
credence the new text gives. On the thesis the edit is [Random Projections Plus Scaling]'s
credence (0.75 and 0.45 in turn) and the hover is on [Natural Manifold] (0.7212 and 0.7497);
on a generated map it is [Premise 0.0]'s credence and the hover is on [Conclusion 0]. Times
run from sending the change to receiving the fresh answer; "open" is from `didOpen` to the
first answer.

Run on {today}, Python {sys.version.split()[0]}, on this project's 2-core machine while other
jobs ran on it (load average {os.getloadavg()[0]:.1f} at the end of the run):

{table(results)}
"""


def write(results: list[dict]) -> None:
    """Replace the language server's section of docs/performance.md up to its first
    subheading (notes written by hand stay), or add it at the end."""
    document = PERFORMANCE.read_text(encoding="utf-8")
    new = section(results)
    start = document.find(SECTION + "\n")
    if start < 0:
        document = document.rstrip("\n") + "\n\n" + new
    else:
        following = re.compile(r"\n#{2,3} ").search(document, start + len(SECTION))
        document = document[:start] + new + (document[following.start():] if following else "")
    PERFORMANCE.write_text(document, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000", help="genmap sizes, comma-separated ('' for the thesis only)")
    parser.add_argument("--edits", type=int, default=30, help="edits timed on the thesis")
    parser.add_argument("--generated-edits", type=int, default=10, help="edits timed on each generated map")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one fresh answer")
    parser.add_argument("--write", action="store_true", help="put the table into docs/performance.md")
    parser.add_argument("--argmap", help="the argmap command (default: the one beside this Python)")
    arguments = parser.parse_args()
    argmap = (arguments.argmap or shutil.which("argmap", path=str(Path(sys.executable).parent))
              or shutil.which("argmap"))
    if argmap is None:
        raise SystemExit("the argmap command is not installed: run `python3 tasks.py test` first")
    sizes = [int(size) for size in arguments.sizes.split(",") if size]
    results = []
    for scenario in scenarios(sizes):
        edits = arguments.edits if scenario.name == "thesis" else arguments.generated_edits
        results.append(run(scenario, edits, [argmap, "lsp"], arguments.timeout))
        print(f", median {duration(summary(results[-1])['median'])}", file=sys.stderr)
    print(table(results))
    if arguments.write:
        write(results)
        print(f"written to {PERFORMANCE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
