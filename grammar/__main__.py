"""Regenerate ``lalr.json``, the parser's table, from ``argdown.lark``: ``python -m argmap.grammar``."""
from pathlib import Path

from argmap.parse import table_source

Path(__file__).with_name("lalr.json").write_text(table_source(), encoding="utf-8")
