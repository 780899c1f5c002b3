"""`argmap lsp`: the language server, a thin layer between the Language Server Protocol
(pygls, lsprotocol) and :mod:`argmap.navigation`.

It keeps each open document's text, converts LSP positions (lines and UTF-16 units, or what
the client chose) to character offsets and back, and answers each request on one worker
thread from an :class:`~argmap.navigation.Analysis` of the current text, made once per version
(from the previous one where an edit only changed a stated number), so that the protocol stays
responsive while a large map is read. Diagnostics are published a moment after typing stops
and the editor's questions (a hover after an edit) are answered. The server never writes a
file: renames, fixes and formatting are edits the client applies.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from argmap.model import Diagnostic, Fix, Severity
from argmap.navigation import Analysis, Place, Setting, Symbol, completions, outline

__all__ = ["Positions", "serve"]

DEBOUNCE = 0.15  # seconds without a change (or an answer) before diagnostics are published
PATIENCE = 2.0  # seconds after a change beyond which answers no longer put off its diagnostics
CRUXES = "argmap.cruxes"
_BREAK = re.compile(r"\r\n|\r|\n")  # LSP's line breaks (not str.splitlines', which has eight more)
_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.INFO: types.DiagnosticSeverity.Information}
_SYMBOL_KIND = {"section": types.SymbolKind.Namespace, "statement": types.SymbolKind.String,
                "argument": types.SymbolKind.Class}

log = logging.getLogger(__name__)


class Positions:
    """Offsets into a text and LSP positions (line, character in the client's units)."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [match.end() for match in _BREAK.finditer(text)]

    def edited(self, start: int, end: int, new: str) -> "Positions":
        """The positions of the text with characters ``start`` to ``end`` replaced by ``new``:
        where no line break is removed, added or joined, the line starts moved, not found again."""
        text = self.text[:start] + new + self.text[end:]
        around_crlf = self.text[start - 1:start] == "\r" and self.text[end:end + 1] == "\n"  # joined or split
        if around_crlf or any(break_ in chunk for chunk in (self.text[start:end], new) for break_ in "\r\n"):
            return Positions(text, self.encoding)
        moved = Positions.__new__(Positions)
        moved.text, moved.encoding = text, self.encoding
        index, delta = bisect_right(self.starts, start), len(new) - (end - start)
        moved.starts = self.starts[:index] + [line + delta for line in self.starts[index:]]
        return moved

    def _units(self, chunk: str) -> int:
        if chunk.isascii() or self.encoding == types.PositionEncodingKind.Utf32:
            return len(chunk)
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chunk.encode("utf-8", "surrogatepass"))
        return len(chunk) + sum(1 for c in chunk if ord(c) > 0xFFFF)

    def position(self, offset: int) -> types.Position:
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self.starts, offset) - 1
        return types.Position(line, self._units(self.text[self.starts[line]:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of a position; a line past the end is the end, a character past its
        line's end is that end."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[max(position.line, 0)]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        line = self.text[start:end].rstrip("\r\n")
        if line.isascii() or self.encoding == types.PositionEncodingKind.Utf32:
            return start + min(position.character, len(line))
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return start + index
            units += self._units(char)
        return start + len(line)

    def line_column(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column, as diagnostics give them."""
        line = min(max(line - 1, 0), len(self.starts) - 1)
        return min(self.starts[line] + max(column - 1, 0), len(self.text))


class _OpenDocument:
    """An open document's text as the client has it, and the analysis of one version."""

    def __init__(self, uri: str, text: str, version: int | None) -> None:
        self.uri, self.text, self.version = uri, text, version
        self.changed = time.monotonic()
        self.positions: Positions | None = None  # of ``text``, kept through changes
        self._analysed: tuple[str, str | None, Analysis, Positions] | None = None
        self.pending: asyncio.TimerHandle | None = None

    def analysed(self, text: str, semantics: str | None, encoding: str) -> tuple[Analysis, Positions]:
        """The analysis of ``text``, made once (called on the worker thread only): from the
        previous one where only the part of the text between them changed (see
        :meth:`Analysis.edited`), else afresh."""
        if self._analysed is not None and self._analysed[0] is text and self._analysed[1] == semantics:
            return self._analysed[2], self._analysed[3]
        positions = self.positions
        if positions is None or positions.text is not text or positions.encoding != encoding:
            positions = Positions(text, encoding)
        if self._analysed is None or self._analysed[1] != semantics:
            path = to_fs_path(self.uri) if self.uri.startswith("file:") else None
            self._analysed = (text, semantics, Analysis(text, semantics, path), positions)
        else:
            start, end, new_end = _difference(self._analysed[0], text)
            previous, self._analysed = self._analysed[2], None  # spent by the edit, even should it fail
            self._analysed = (text, semantics, previous.edited(start, end, text[start:new_end]), positions)
        return self._analysed[2], self._analysed[3]

    def forget(self) -> None:
        """Analyse the text afresh when next asked."""
        self._analysed = None


def _difference(old: str, new: str, chunk: int = 4096) -> tuple[int, int, int]:
    """Where two texts differ: ``old[start:end]`` became ``new[start:new_end]``. Compared a
    chunk at a time (string comparison runs in C), then character by character in the chunk."""
    shortest = min(len(old), len(new))
    start = 0
    while start + chunk <= shortest and old[start:start + chunk] == new[start:start + chunk]:
        start += chunk
    while start < shortest and old[start] == new[start]:
        start += 1
    room = shortest - start  # the common end may not overlap the common start
    same = 0
    while same + chunk <= room and old[len(old) - same - chunk:len(old) - same] == \
            new[len(new) - same - chunk:len(new) - same]:
        same += chunk
    while same < room and old[len(old) - same - 1] == new[len(new) - same - 1]:
        same += 1
    return start, len(old) - same, len(new) - same


class _Protocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of each document: the server keeps the text, split
    into lines at LSP's line breaks only."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_OPEN], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CHANGE], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CLOSE], (params,), None


class ArgmapServer(LanguageServer):
    """The open documents, the configured semantics, and the one thread that analyses."""

    def __init__(self) -> None:
        from argmap import __version__

        super().__init__("argmap", __version__, protocol_cls=_Protocol)
        self.documents: dict[str, _OpenDocument] = {}
        self.semantics: str | None = None  # from initializationOptions or the settings
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="argmap-analysis")
        self.answered = 0.0  # time.monotonic() of the last answer to a request

    @property
    def encoding(self) -> str:
        try:
            return self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        except RuntimeError:
            return types.PositionEncodingKind.Utf16

    async def ask(self, uri: str, question: Callable[[Analysis, Positions], Any], default: Any = None,
                  only_if_current: bool = False) -> Any:
        """``question(analysis, positions)`` for the document's current text, on the worker
        thread; ``default`` when the document is not open or argmap fails (said in the log),
        ``_STALE`` with ``only_if_current`` when the text has changed by the time the worker is free."""
        document = self.documents.get(uri)
        if document is None:
            return default
        text, semantics, encoding = document.text, self.semantics, self.encoding

        def work():
            if only_if_current and document.text is not text:
                return _STALE
            try:
                return question(*document.analysed(text, semantics, encoding))
            except Exception as error:  # a bug must cost one answer, never the server
                log.exception("argmap failed on %s", uri)
                return _Failure(error)
            finally:
                if not only_if_current:  # a request, not a publication
                    self.answered = time.monotonic()

        answer = await asyncio.wrap_future(self.worker.submit(work))
        if isinstance(answer, _Failure):
            self.window_log_message(types.LogMessageParams(types.MessageType.Error,
                                                           f"argmap failed on {uri}: {answer.error!r}"))
            return default
        return answer

    def schedule(self, uri: str, delay: float) -> None:
        """Publish the document's diagnostics after ``delay`` seconds without another change."""
        document = self.documents.get(uri)
        if document is None:
            return
        if document.pending is not None:
            document.pending.cancel()
        loop = asyncio.get_running_loop()
        document.pending = loop.call_later(delay, lambda: asyncio.ensure_future(self.publish(uri)))

    async def publish(self, uri: str) -> None:
        document = self.documents.get(uri)
        if document is None:
            return
        version = document.version

        def question(analysis: Analysis, positions: Positions) -> list[types.Diagnostic]:
            now = time.monotonic()
            if now - self.answered < DEBOUNCE and now - document.changed < PATIENCE:
                return _BUSY  # the editor is asking (a hover after an edit): it goes first
            analysis.cruxes, analysis.evidence  # weighed now, while the user pauses, for hover and the code lens
            return [_diagnostic(d, uri, positions) for d in analysis.diagnostics]

        found = await self.ask(uri, question, None, only_if_current=True)
        if found is _BUSY:
            self.schedule(uri, DEBOUNCE)
            return
        if found is _STALE:  # a later change has its own publication scheduled
            return
        if found is None:
            found = [types.Diagnostic(types.Range(types.Position(0, 0), types.Position(0, 0)),
                                      "argmap could not check this text (see the server's log)",
                                      severity=types.DiagnosticSeverity.Error, source="argmap", code="internal")]
        if self.documents.get(uri) is document and document.version == version:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, found, version))


_STALE = object()
_BUSY = object()


class _Failure:
    def __init__(self, error: Exception) -> None:
        self.error = error


def _settings_semantics(settings: Any) -> str | None:
    """``argmap.semantics`` from settings or initializationOptions, written nested or dotted."""
    if not isinstance(settings, dict):
        return None
    nested = settings.get("argmap")
    if isinstance(nested, dict) and isinstance(nested.get("semantics"), str):
        return nested["semantics"]
    for key in ("argmap.semantics", "semantics"):
        if isinstance(settings.get(key), str):
            return settings[key]
    return None


def _diagnostic(diagnostic: Diagnostic, uri: str, positions: Positions) -> types.Diagnostic:
    if diagnostic.span is not None:
        where = positions.range(diagnostic.span.start, diagnostic.span.end)
    else:
        start = positions.line_column(diagnostic.line, diagnostic.column)
        match = re.compile(r"\S*").match(positions.text, start)
        where = positions.range(start, max(match.end(), start))
    related = [types.DiagnosticRelatedInformation(types.Location(uri, positions.range(r.span.start, r.span.end)),
                                                  r.message) for r in diagnostic.related]
    return types.Diagnostic(where, diagnostic.message, severity=_SEVERITY[diagnostic.severity], code=diagnostic.code,
                            source="argmap", related_information=related or None)


def _edits(fixes: list[Fix], positions: Positions) -> list[types.TextEdit]:
    return [types.TextEdit(positions.range(fix.start, fix.end), fix.text) for fix in fixes]


def _place_range(place: Place, positions: Positions) -> types.Range:
    return positions.range(place.start, place.end)


def _symbol(symbol: Symbol, positions: Positions) -> types.DocumentSymbol:
    return types.DocumentSymbol(symbol.name, _SYMBOL_KIND[symbol.kind], positions.range(symbol.start, symbol.end),
                                positions.range(*symbol.selection), detail=symbol.detail or None,
                                children=[_symbol(child, positions) for child in symbol.children])


def _flatten(symbols: list[Symbol]):
    for symbol in symbols:
        yield symbol
        yield from _flatten(symbol.children)


server = ArgmapServer()


@server.feature(types.INITIALIZE)
def initialize(ls: ArgmapServer, params: types.InitializeParams) -> None:
    ls.semantics = _settings_semantics(params.initialization_options)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: ArgmapServer, params: types.DidChangeConfigurationParams) -> None:
    """New settings; settings that do not name a semantics leave the one in force (eglot, for
    one, sends empty settings on connecting)."""
    semantics = _settings_semantics(params.settings)
    if semantics is not None and semantics != ls.semantics:
        ls.semantics = semantics
        for uri in list(ls.documents):
            ls.schedule(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ArgmapServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.documents[item.uri] = _OpenDocument(item.uri, item.text, item.version)
    ls.schedule(item.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: ArgmapServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return
    text, positions = document.text, document.positions
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            if positions is None or positions.text is not text or positions.encoding != ls.encoding:
                positions = Positions(text, ls.encoding)
            start, end = positions.offset(change.range.start), positions.offset(change.range.end)
            positions = positions.edited(start, max(start, end), change.text)
            text = positions.text
        else:
            text, positions = change.text, None
    document.text, document.positions, document.version = text, positions, params.text_document.version
    document.changed = time.monotonic()
    ls.schedule(document.uri, DEBOUNCE)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ArgmapServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.documents.get(params.text_document.uri)
    if document is not None:
        document.forget()  # the evidence checks read the saved file, which now is the text
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: ArgmapServer, params: types.DidCloseTextDocumentParams) -> None:
    document = ls.documents.pop(params.text_document.uri, None)
    if document is not None and document.pending is not None:
        document.pending.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))


def _at(params) -> Callable:
    """A question about the title at the request's position: ``answer(analysis, positions, place)``."""
    def ask(answer):
        def question(analysis: Analysis, positions: Positions):
            place = analysis.place_at(positions.offset(params.position))
            return None if place is None else answer(analysis, positions, place)
        return question
    return ask


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: ArgmapServer, params: types.HoverParams) -> types.Hover | None:
    return await ls.ask(params.text_document.uri, _at(params)(lambda analysis, positions, place: types.Hover(
        types.MarkupContent(types.MarkupKind.Markdown, analysis.hover(place)), _place_range(place, positions))))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: ArgmapServer, params: types.DefinitionParams) -> list[types.Location] | None:
    uri = params.text_document.uri
    return await ls.ask(uri, _at(params)(lambda analysis, positions, place: [
        types.Location(uri, _place_range(p, positions)) for p in analysis.definitions(place)]))


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
async def references(ls: ArgmapServer, params: types.ReferenceParams) -> list[types.Location] | None:
    uri = params.text_document.uri
    return await ls.ask(uri, _at(params)(lambda analysis, positions, place: [
        types.Location(uri, _place_range(p, positions)) for p in analysis.occurrences(place)
        if params.context.include_declaration or not p.definition]))


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
async def highlight(ls: ArgmapServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight] | None:
    return await ls.ask(params.text_document.uri, _at(params)(lambda analysis, positions, place: [
        types.DocumentHighlight(_place_range(p, positions), types.DocumentHighlightKind.Write if p.definition
                                else types.DocumentHighlightKind.Read) for p in analysis.occurrences(place)]))


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbols(ls: ArgmapServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    return await ls.ask(params.text_document.uri, lambda analysis, positions: [
        _symbol(symbol, positions) for symbol in outline(analysis.model, analysis.text)], [])


@server.feature(types.WORKSPACE_SYMBOL)
async def workspace_symbols(ls: ArgmapServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    query = params.query.casefold()
    found = []
    for uri in list(ls.documents):
        found += await ls.ask(uri, lambda analysis, positions, uri=uri: [
            types.SymbolInformation(name=symbol.name, kind=_SYMBOL_KIND[symbol.kind],
                                    location=types.Location(uri, positions.range(*symbol.selection)))
            for symbol in _flatten(outline(analysis.model, analysis.text))
            if query in symbol.name.casefold()], [])
    return found


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
async def prepare_rename(ls: ArgmapServer, params: types.PrepareRenameParams):
    return await ls.ask(params.text_document.uri, _at(params)(lambda analysis, positions, place: types.PrepareRenamePlaceholder(
        _place_range(place, positions), place.title)))


@server.feature(types.TEXT_DOCUMENT_RENAME)
async def rename(ls: ArgmapServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    from argmap.edit import EditError

    uri = params.text_document.uri

    def answer(analysis: Analysis, positions: Positions, place: Place):
        try:
            return types.WorkspaceEdit(changes={uri: _edits(analysis.rename(place, params.new_name), positions)})
        except EditError as error:
            return str(error)

    found = await ls.ask(uri, _at(params)(answer))
    if isinstance(found, str):
        from pygls.exceptions import JsonRpcInvalidParams

        raise JsonRpcInvalidParams(found)
    return found


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=["[", "<", "{", ",", " "]))
async def completion(ls: ArgmapServer, params: types.CompletionParams) -> types.CompletionList:
    kinds = {"statement": types.CompletionItemKind.Reference, "argument": types.CompletionItemKind.Class,
             "key": types.CompletionItemKind.Property}

    def answer(analysis: Analysis, positions: Positions):
        offset = positions.offset(params.position)
        return [types.CompletionItem(c.label, kind=kinds[c.kind], detail=c.detail or None,
                                     text_edit=types.TextEdit(positions.range(c.start, c.end), c.text))
                for c in completions(analysis.model, analysis.text, offset)]

    return types.CompletionList(False, await ls.ask(params.text_document.uri, answer, []))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix,
                                                           types.CodeActionKind.RefactorRewrite],
                                        resolve_provider=True))
async def code_actions(ls: ArgmapServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri

    def answer(analysis: Analysis, positions: Positions):
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        actions = []
        for diagnostic in analysis.diagnostics:
            shown = _diagnostic(diagnostic, uri, positions)
            first, last = positions.offset(shown.range.start), positions.offset(shown.range.end)
            if first <= end and start <= last:
                for fix in analysis.fixes(diagnostic):
                    actions.append(types.CodeAction(fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[shown],
                                                    edit=types.WorkspaceEdit(changes={uri: _edits([fix], positions)})))
        place = analysis.place_at(start)
        for setting in analysis.settings(place) if place is not None else []:
            action = types.CodeAction(setting.label, kind=types.CodeActionKind.RefactorRewrite,
                                      data={"uri": uri, "setting": list(setting)})
            actions.append(_resolved(action, analysis, positions) if eager else action)
        return actions

    eager = not _client_resolves(ls)
    return await ls.ask(uri, answer, [])


def _client_resolves(ls: ArgmapServer) -> bool:
    """Whether the client asks for a code action's edit when the user chooses it."""
    try:
        support = ls.client_capabilities.text_document.code_action.resolve_support
    except AttributeError:
        return False
    return support is not None and "edit" in support.properties


def _resolved(action: types.CodeAction, analysis: Analysis, positions: Positions) -> types.CodeAction:
    setting = Setting(*action.data["setting"])
    action.edit = types.WorkspaceEdit(changes={action.data["uri"]: _edits(analysis.setting_edits(setting), positions)})
    return action


@server.feature(types.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: ArgmapServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of a "set credence/inference" action, made when it is chosen."""
    data = action.data if isinstance(action.data, dict) else {}
    if "uri" not in data or "setting" not in data:
        return action
    return await ls.ask(data["uri"], lambda analysis, positions: _resolved(action, analysis, positions), action)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
async def formatting(ls: ArgmapServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
    return await ls.ask(params.text_document.uri, lambda analysis, positions: _edits(analysis.formatted(), positions), [])


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions())
async def inlay_hints(ls: ArgmapServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    def answer(analysis: Analysis, positions: Positions):
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        return [types.InlayHint(positions.position(hint.offset), f" {hint.label}", padding_left=True)
                for hint in analysis.hints() if start <= hint.offset <= end]

    return await ls.ask(params.text_document.uri, answer, [])


@server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
async def code_lens(ls: ArgmapServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    uri = params.text_document.uri
    return await ls.ask(uri, lambda analysis, positions: [
        types.CodeLens(_place_range(place, positions), types.Command(label, CRUXES, arguments=[uri]))
        for place, label in analysis.lenses()], [])


@server.command(CRUXES)
async def cruxes_command(ls: ArgmapServer, *args) -> str | None:
    """Every stated number ranked by how far it moves the thesis, as `argmap cruxes` prints it."""
    uri = args[0] if args else next(iter(ls.documents), None)
    text = await ls.ask(uri, lambda analysis, positions: analysis.cruxes_text())
    if text is not None:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
    return text


def serve(tcp: str | None = None) -> None:
    """Speak LSP on stdio, or on ``HOST:PORT`` when ``tcp`` is given."""
    import gc

    gc.enable()  # the command line turns it off for short runs; a server runs for hours
    if tcp is None:
        server.start_io()
        return
    host, _, port = tcp.rpartition(":")
    server.start_tcp(host or "127.0.0.1", int(port))
