"""Data blocks (`{reason: "...", credence: 0.8}`) and front matter, read as the reference
implementation reads them: YAML with YAML 1.2's scalars (js-yaml's default), dates as the ISO
strings JSON makes of them, and a duplicate key as an error.

Most data blocks in vargdown maps are one flat mapping of quoted strings and numbers; those are
read by a small exact parser first, because PyYAML costs about 80 µs a block; most front
matter is `key: text` lines, read by another. Anything beyond those subsets goes to PyYAML's
safe loader, imported only then. Map text is never evaluated as code either way.
"""
from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Hashable
from typing import Any

__all__ = ["DataError", "merge", "read_block", "read_data", "read_front_matter"]


class DataError(ValueError):
    """Invalid YAML; ``line`` and ``column`` (0-based) are within the parsed source."""

    def __init__(self, problem: str, line: int = 0, column: int = 0) -> None:
        super().__init__(problem)
        self.problem, self.line, self.column = problem, line, column


@functools.cache
def _yaml12_loader() -> type:
    """PyYAML's safe loader (libyaml's where PyYAML has it) with YAML 1.2's scalars: `yes`, `no`,
    `on`, `off` and `1:30` stay text. Made (and PyYAML imported) on first use: the import is
    7% of the thesis's export, whose data never needs it."""
    import yaml

    class Yaml12Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        def construct_mapping(self, node, deep=False):
            """Scalar keys become their text, as in js-yaml: so `1` and `true` (equal in Python)
            are two keys, while `1` and `1.0` are one key given twice, an error."""
            if not isinstance(node, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(
                    None, None, f"expected a mapping, found {node.id}", node.start_mark)
            mapping = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (str, int, float, bool)) or key is None:
                    key = _key(key)
                    if key in mapping:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key!r}", key_node.start_mark)
                elif not isinstance(key, Hashable):
                    raise yaml.constructor.ConstructorError(None, None, "a key is a list or mapping",
                                                            key_node.start_mark)
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    Yaml12Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for tag, pattern, first in (("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
                                ("int", _INT, "-+0123456789"), ("float", _FLOAT, "-+0123456789.")):
        Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(f"^(?:{pattern})$"), list(first))
    Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    # A set (`!!set {a, b}`) as js-yaml makes it: a mapping of nulls, in order.
    Yaml12Loader.add_constructor("tag:yaml.org,2002:set",
                                 lambda loader, node: dict.fromkeys(loader.construct_mapping(node)))
    return Yaml12Loader


_INT = r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
_NUMBER = r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
_FLOAT = _NUMBER + r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"


def _construct_int(loader, node) -> int:
    value = loader.construct_scalar(node)
    if value.startswith(("0o", "0x")):
        return int(value, 8 if value[1] == "o" else 16)
    return int(value)


def _plain(value: Any) -> Any:
    """Values as JSON sees them: dates become ISO strings, keys strings, whole floats ints.
    Binary data (a Buffer in js-yaml) becomes what the reference exports for it after lodash's
    merge: an object of byte values by index."""
    if isinstance(value, dict):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return {str(index): byte for index, byte in enumerate(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%dT00:00:00.000Z")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _key(key: Any) -> str:
    """A mapping key as JavaScript writes it."""
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return str(_plain(key))


# The subset read without PyYAML: `{key: value, ...}` with word keys and values that are
# double-quoted strings of printable characters without escapes, numbers, booleans or null.
_FLAT_ENTRY = re.compile(
    r"[ \t\r\n]*([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*:[ \t\r\n]+"
    r"(?:\"([^\"\\\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*)\"|(" + _NUMBER + r")|(true|True|TRUE|false|False|FALSE)|(null|Null|NULL|~))"
    r"[ \t\r\n]*(,|\})")

# Keys that YAML reads as booleans or null, which JavaScript then writes in lower case.
_WORD_KEYS = frozenset("true True TRUE false False FALSE null Null NULL".split())


def _read_flat(source: str) -> dict | None:
    """The mapping, if ``source`` is in the flat subset; None otherwise."""
    if not source.startswith("{"):
        return None
    result: dict[str, Any] = {}
    match = _FLAT_ENTRY.match(source, 1)
    if match is None:
        return result if source[1:].strip(" \t\r\n") == "}" else None
    while True:
        key, quoted, number, boolean, _, delimiter = match.groups()
        if key in result or key in _WORD_KEYS:
            return None  # let YAML report the duplicate, or read `TRUE:` as the key "true"
        if quoted is not None:
            value: Any = quoted
        elif number is not None:
            if "." in number or "e" in number or "E" in number:
                value = float(number)
                if value.is_integer() and abs(value) < 2**53:
                    value = int(value)
            else:
                value = int(number)
        elif boolean is not None:
            value = boolean[0] in "tT"
        else:
            value = None
        result[key] = value
        if delimiter == "}":
            return result if not source[match.end():].strip(" \t\r\n") else None
        match = _FLAT_ENTRY.match(source, match.end())
        if match is None:
            return None


# The block-style subset read without PyYAML (front matter, mostly): `key: text` lines, and a
# key alone on its line opening a mapping of the lines indented deeper below it; the text plain
# printable ASCII that starts with a letter, so that YAML reads it as a string whatever it says.
_BLOCK_ENTRY = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_]*):(?: +([A-Za-z][ -~]*?))? *")


def _read_block_mapping(source: str) -> dict | None:
    """The mapping, if ``source`` is in the block subset; None otherwise."""
    result: dict[str, Any] = {}
    open_mappings = [(-1, result)]  # (indentation, mapping), the innermost last
    opened = None  # the mapping a key alone on its line may open: (its indentation, mapping, key)
    for line in source.split("\n"):
        if not line.strip(" "):
            continue
        entry = _BLOCK_ENTRY.fullmatch(line)
        if entry is None:
            return None
        indentation, key, text = len(entry[1]), entry[2], entry[3]
        if text is not None and (": " in text or " #" in text or text.endswith(":") or text in _WORD_KEYS):
            return None  # a nested mapping, a comment, or a word YAML reads as a boolean or null
        if opened is not None and indentation > opened[0]:
            opened[1][opened[2]] = {}
            open_mappings.append((indentation, opened[1][opened[2]]))
        while len(open_mappings) > 1 and indentation < open_mappings[-1][0]:
            open_mappings.pop()
        level, mapping = open_mappings[-1]
        if level == -1 and len(open_mappings) == 1:
            open_mappings[0] = level, mapping = indentation, result  # the top level's indentation
        if indentation != level or key in mapping or key in _WORD_KEYS:
            return None  # indented as no mapping around it, or a key YAML reports or rewrites
        mapping[key] = text
        opened = (indentation, mapping, key) if text is None else None
    return result or None


# Aliases (`*name`) repeat what an anchor (`&name`) holds without writing it again, so a few
# hundred bytes of nested aliases can stand for billions of values. A block may stand for this
# many values beyond one per character written.
_MAX_EXPANSION = 10_000


def _loaded(source: str) -> Any:
    """PyYAML's reading of ``source``, refused before it is built when its aliases expand it
    past :data:`_MAX_EXPANSION` values (or refer to the value that holds them); PyYAML's
    errors as :class:`DataError`."""
    import yaml

    try:
        loader = _yaml12_loader()(source)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _expanded_size(node, {}, set(), len(source) + _MAX_EXPANSION) is None:
                raise DataError(f"its aliases (*name) stand for more than {len(source) + _MAX_EXPANSION} values, "
                                "or for the value that holds them; write the values out")
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise DataError(problem, mark.line if mark else 0, mark.column if mark else 0) from None


def _expanded_size(node, sizes: dict, open_nodes: set, limit: int) -> int | None:
    """How many values ``node`` stands for with every alias written out; None past ``limit``
    or when an alias refers to the value that holds it. Each node is counted once."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        return None
    open_nodes.add(key)
    children = node.value if node.id == "sequence" else \
        [part for pair in node.value for part in pair] if node.id == "mapping" else ()
    size = 1
    for child in children:
        counted = _expanded_size(child, sizes, open_nodes, limit)
        if counted is None or size + counted > limit:
            return None
        size += counted
    open_nodes.discard(key)
    sizes[key] = size
    return size


def read_data(source: str) -> Any:
    """The value of a data block or front matter; raises :class:`DataError` if it is not YAML."""
    try:
        read = _read_flat(source)
        if read is None:
            read = _read_block_mapping(source)
        return read if read is not None else _plain(_loaded(source))
    except DataError:
        raise
    except UnicodeError:
        raise DataError("it holds bytes that are not UTF-8") from None
    except RecursionError:
        raise DataError("it is nested too deeply") from None
    except MemoryError:
        raise
    except Exception as error:  # PyYAML fails on some values: `!!timestamp foo`, a date before year 1
        raise DataError(f"a value cannot be read: {error}") from None


BLOCK_START = re.compile(r"^{[ \t]*(?:\n\r|\n)")  # a data block written as block YAML
_BLOCK_END = re.compile(r"}\s*$")


def read_block(image: str) -> Any:
    """A data block as written, `{...}`; one that opens with a line break holds YAML in block
    style (`key: value` lines). Error positions count from the block's first character."""
    match = BLOCK_START.match(image)
    if match is None:
        return read_data(image)
    try:
        return read_data(_BLOCK_END.sub("", image[match.end():]))
    except DataError as error:
        raise DataError(error.problem, error.line + 1, error.column) from None


def read_front_matter(image: str) -> Any:
    """The YAML between a front matter's `===` lines."""
    return read_data(re.sub(r"={3,}\s*$", "", re.sub(r"^\s*={3,}", "", image)))


def merge(target: dict, source: dict) -> dict:
    """Deep merge as the reference does it (lodash's merge): dicts by key, lists by index, and
    any other value (null too) replaces what was there."""
    for key, value in source.items():
        if key in target:
            target[key] = _merged(target[key], value)
        else:  # most values are text or numbers: only containers are copied
            target[key] = _copy(value) if isinstance(value, (dict, list)) else value
    return target


def _merged(current: Any, value: Any) -> Any:
    if isinstance(value, dict) and isinstance(current, dict):
        return merge(current, value)
    if isinstance(value, list) and isinstance(current, list):
        for index, item in enumerate(value):
            if index < len(current):
                current[index] = _merged(current[index], item)
            else:
                current.append(_copy(item))
        return current
    return _copy(value)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
