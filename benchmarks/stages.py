#!/usr/bin/env python3
"""Where one run's time goes, stage by stage, in-process (the profile behind docs/performance.md).

    .venv/bin/python benchmarks/stages.py maps/natural_manifold.argdown
    .venv/bin/python benchmarks/stages.py benchmarks/.cache/maps/genmap_5000.argdown

The garbage collector is off, as it is in the command line. Tokenizing runs twice: the first
run also compiles the tokenizer's regular expressions, which a process pays once. The LALR
line is the whole parse (with recovery, for a file that needs it) less tokenizing.
"""
from __future__ import annotations

import gc
import io
import sys
import time


def main(path: str) -> None:
    gc.disable()
    started = time.perf_counter()
    from argmap import build, export, parse
    parse._lark()
    timings = {"imports and the parser's tables": time.perf_counter() - started}

    def timed(name, step, *args):
        begun = time.perf_counter()
        result = step(*args)
        timings[name] = time.perf_counter() - begun
        return result

    text = timed("read", lambda: open(path, encoding="utf-8").read())
    timed("tokenize, first run", parse.tokenize, text)
    timed("tokenize", parse.tokenize, text)
    tree = timed("parse: tokenize, then LALR (and recovery)", parse.parse, text)
    timings["LALR parse and inline transformer"] = timings.pop("parse: tokenize, then LALR (and recovery)") \
        - timings["tokenize"]
    model = timed("build and validate the model", build.build, tree)
    timed("export Argdown JSON (in memory)", export.write_argdown_json, model, io.StringIO())
    for name, seconds in timings.items():
        print(f"{name:40} {seconds:7.3f} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
