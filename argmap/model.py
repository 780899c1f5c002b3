"""The claim graph as typed data: what an Argdown file says, with where it says it.

Pydantic models and nothing else. Every element keeps its source location (:class:`Span`),
so later stages (check, render, edit) never re-read the text. The builder (``argmap.build``)
makes them without validating the values it computed itself; models made by a caller of the
Python API are validated as usual.
"""
from __future__ import annotations

from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SkipValidation
from pydantic_core import PydanticUndefined

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Argument", "ArgumentDescription", "ArgumentMap", "Diagnostic", "Fix", "Inference", "Range", "RangeType",
    "Related", "Relation", "RelationType", "Role", "Section", "Severity", "Span", "Statement", "StatementOccurrence",
    "constructed", "constructor",
]

Model = TypeVar("Model", bound=BaseModel)
_new = object.__new__
# Setters of the slots pydantic gives every model, taken from their descriptors: quicker than
# object.__setattr__, which looks each name up first.
_set_dict, _set_fields_set, _set_extra, _set_private = (BaseModel.__dict__[name].__set__ for name in (
    "__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"))


def constructed(cls: type[Model], fields: dict[str, Any]) -> Model:
    """A model of values argmap computed itself, made without validation: what pydantic's
    ``model_construct`` makes (fields left out take their defaults), at a fifth of its cost
    per object, which the builder and the credences pay tens of thousands of times a map.
    Models a caller makes through the Python API are validated as usual.

    Every field is set, so the models of a class share one set of their names as pydantic's
    ``__pydantic_fields_set__`` (pydantic only adds to it a name that is there already, and
    copies it with the model): a copy each would cost a fifth of the builder's memory. So
    ``model_fields_set`` of such a model is not to be changed in place."""
    defaults = _defaults(cls)[0]
    if len(fields) != len(defaults):
        fields = {name: fields[name] if name in fields else default() for name, default in defaults.items()}
    return constructor(cls)(fields)


@cache
def constructor(cls: type[Model]) -> Callable[[dict[str, Any]], Model]:
    """:func:`constructed` for one class, taking a dict that holds every field (it becomes
    the model's own): no defaults to fill in, a third cheaper per object, for the builder's
    hundred thousand."""
    every_field = _defaults(cls)[1]

    def construct(fields: dict[str, Any]) -> Model:
        model = _new(cls)
        _set_dict(model, fields)
        _set_fields_set(model, every_field)
        _set_extra(model, None)
        _set_private(model, None)
        return model
    return construct


@cache
def _defaults(cls: type[BaseModel]) -> tuple[dict[str, Any], set[str]]:
    """Each field of a model and a function giving its default (one that raises for a required
    field); and the set of the fields' names."""
    def default(name: str, info) -> Any:
        if info.default_factory is not None:
            return info.default_factory
        if info.default is PydanticUndefined:
            def required():
                raise TypeError(f"{cls.__name__}.{name} is required")
            return required
        return lambda: info.default
    return {name: default(name, info) for name, info in cls.model_fields.items()}, set(cls.model_fields)


class Span(NamedTuple):
    """Where an element is: 1-based lines and columns (end inclusive, as in the reference
    implementation) and ``start``/``end`` offsets into the parsed text (end exclusive).
    Fields of this type are not validated: argmap makes every span itself.

    Offsets count characters of the decoded file (without a byte-order mark); argmap's editor
    re-encodes everything outside an edit exactly, so they address the file's bytes safely.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Fix(NamedTuple):
    """A text edit that resolves a diagnostic: replace characters ``start`` to ``end`` (offsets
    into the parsed text, end exclusive, as in :class:`Span`) with ``text``. ``title`` says what
    it does ("Replace with <Sleep Debt>"); editors offer it as a quick fix."""

    title: str
    start: int
    end: int
    text: str


class Related(NamedTuple):
    """Another place that explains a diagnostic (the other of two conflicting credences)."""

    message: str
    span: Span


class _Model(BaseModel):
    """The base of the map's models: each makes its validator when first asked to validate,
    not when this module is imported. argmap makes its own models without validation (see
    :func:`constructed`), so a command seldom needs one (25 ms of every command's start)."""

    model_config = ConfigDict(defer_build=True)


class Diagnostic(_Model):
    """A problem found in a file, at ``line``:``column`` (1-based).

    ``span``, when known, covers the whole text the problem concerns (an editor underlines it);
    ``fixes`` are edits that resolve it, ``related`` other places that explain it."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    code: str
    message: str
    line: int
    column: int
    subject: str | None = None  # the statement or argument title it concerns, if any
    span: SkipValidation[Span | None] = None
    fixes: SkipValidation[tuple[Fix, ...]] = ()
    related: SkipValidation[tuple[Related, ...]] = ()


class RelationType(str, Enum):
    SUPPORT = "support"
    ATTACK = "attack"
    UNDERCUT = "undercut"
    ENTAILS = "entails"
    CONTRARY = "contrary"
    CONTRADICTORY = "contradictory"


class Role(str, Enum):
    TOP_LEVEL = "top-level-statement"
    RELATION = "relation-statement"
    PREMISE = "premise"
    INTERMEDIARY_CONCLUSION = "intermediary-conclusion"
    MAIN_CONCLUSION = "main-conclusion"


class RangeType(str, Enum):
    BOLD = "bold"
    ITALIC = "italic"
    LINK = "link"
    TAG = "tag"
    STATEMENT_MENTION = "statement-mention"
    ARGUMENT_MENTION = "argument-mention"


class Range(_Model):
    """Formatting within a text: characters ``start`` to ``stop`` (inclusive) of it."""

    type: RangeType
    start: int
    stop: int
    url: str | None = None
    tag: str | None = None
    title: str | None = None
    span: SkipValidation[Span | None] = None  # in the source, for links, tags and mentions


class _Element(_Model):
    """Shared by statement occurrences and argument descriptions."""

    title: str
    text: str | None = None
    is_reference: bool = False
    tags: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    ranges: list[Range] = Field(default_factory=list)
    span: SkipValidation[Span]
    title_span: SkipValidation[Span | None] = None  # the title between the brackets, for renaming
    data_span: SkipValidation[Span | None] = None  # the whole `{...}` block
    section: str | None = None  # id of the enclosing section


class Inference(_Model):
    """The `----` or `-- rules {data} --` line above a conclusion."""

    rules: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    span: SkipValidation[Span | None] = None  # None when the line is missing and argmap assumed it
    data_span: SkipValidation[Span | None] = None


class StatementOccurrence(_Element):
    """One place where a statement is written: top level, in a relation, or in a PCS."""

    role: Role | None = None
    argument: str | None = None  # for PCS members: the argument's title
    number: int | None = None  # for PCS members: n in `(n)`
    inference: Inference | None = None  # for conclusions


class ArgumentDescription(_Element):
    """One place where an argument is written: `<Title>: text` or a reference `<Title>`."""


class Statement(_Model):
    """An equivalence class: every occurrence of statements sharing one title."""

    title: str
    members: list[StatementOccurrence] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    section: str | None = None
    is_used_as_top_level: bool = False

    @property
    def canonical(self) -> StatementOccurrence | None:
        """The occurrence whose text is the statement's: marked ``isCanonical``, else the last
        one written out; None when no occurrence has text."""
        written = [m for m in self.members if not m.is_reference and m.text]
        marked = [m for m in written if m.data.get("isCanonical")]
        return (marked or written or [None])[-1]

    @property
    def text(self) -> str | None:
        """The canonical text (see :attr:`canonical`)."""
        canonical = self.canonical
        return canonical.text if canonical is not None else None


class Argument(_Model):
    title: str
    members: list[ArgumentDescription] = Field(default_factory=list)
    pcs: list[StatementOccurrence] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    section: str | None = None
    span: SkipValidation[Span | None] = None  # of the premise-conclusion structure

    @property
    def text(self) -> str | None:
        written = [m for m in self.members if not m.is_reference and m.text]
        return written[-1].text if written else None

    @property
    def conclusion(self) -> StatementOccurrence | None:
        return self.pcs[-1] if self.pcs else None

    @property
    def premises(self) -> list[StatementOccurrence]:
        return [m for m in self.pcs if m.role is Role.PREMISE]


class Relation(_Model):
    """A dialectical relation between statements and arguments.

    ``source``/``target`` are titles; ``source_kind``/``target_kind`` say whether each is a
    statement or an argument (an undercut targets the inference of argument ``target``,
    kind "inference", the conclusion at ``conclusion_index`` of its PCS).
    """

    type: RelationType
    source: str
    source_kind: str
    target: str
    target_kind: str
    conclusion_index: int | None = None
    spans: SkipValidation[list[Span]] = Field(default_factory=list)  # every place the relation is written


class Section(_Model):
    id: str
    title: str
    level: int
    parent: str | None = None
    tags: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    span: SkipValidation[Span]


class ArgumentMap(_Model):
    """Everything argmap knows about one Argdown file."""

    statements: dict[str, Statement] = Field(default_factory=dict)
    arguments: dict[str, Argument] = Field(default_factory=dict)
    relations: list[Relation] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)  # document order; nesting by parent
    tags: list[str] = Field(default_factory=list)  # in order of first use
    front_matter: dict[str, Any] = Field(default_factory=dict)
    strict: bool = False  # `model: mode: strict` in the front matter
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    path: str | None = None  # where it was read from, for messages
    sources: SkipValidation[Any] = Field(default=None, exclude=True)  # argmap.sources.Sources of a map of several files

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def graph(self) -> "nx.MultiDiGraph":
        """The claim graph as networkx sees it (see :mod:`argmap.graph`)."""
        from argmap.graph import claim_graph

        return claim_graph(self)
