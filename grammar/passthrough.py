"""The lexer argmap gives Lark: none, since :func:`argmap.parse.tokenize` has produced the
tokens. A module of its own because Lark's cache stores the class by its name, and
``argmap.parse`` imports Lark only to recover from errors."""
from lark.lexer import Lexer


class PassThrough(Lexer):
    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, tokens):
        return iter(tokens)
