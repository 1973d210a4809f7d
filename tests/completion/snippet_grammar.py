"""A strict reader of LSP snippet syntax, for tests: expands a snippet with its defaults.

Independent of `crudsmith.completion.snippet`: it follows the grammar of the LSP
specification (tab stops `$1` / `${1}`, placeholders `${1:text}`, choices `${1|a,b|}`,
`\\` escapes) and raises `SnippetError` on anything else, e.g. an unescaped `$` or `}`.
"""

from __future__ import annotations


class SnippetError(ValueError):
    pass


def expand_snippet(snippet: str) -> str:
    values: dict[int, str] = {}
    parser = _Parser(snippet, values)
    pieces = parser.sequence(stop="")
    if parser.index != len(snippet):
        raise SnippetError(f"unexpected {snippet[parser.index]!r} at {parser.index}")
    return "".join(piece if isinstance(piece, str) else values.get(piece, "") for piece in pieces)


class _Parser:
    def __init__(self, text: str, values: dict[int, str]) -> None:
        self.text = text
        self.index = 0
        self.values = values

    def sequence(self, stop: str) -> list[str | int]:
        """Text and tab stops until `stop` (a closing `}`), unescaping as it goes."""
        pieces: list[str | int] = []
        while self.index < len(self.text):
            char = self.text[self.index]
            if char == "\\":
                escaped = self.text[self.index + 1 : self.index + 2]
                if escaped not in ("$", "}", "\\"):
                    raise SnippetError(f"bad escape {escaped!r} at {self.index}")
                pieces.append(escaped)
                self.index += 2
            elif char == "$":
                pieces.append(self.tab_stop())
            elif char == "}":
                if stop == "}":
                    return pieces
                raise SnippetError(f"unescaped '}}' at {self.index}")
            else:
                pieces.append(char)
                self.index += 1
        if stop:
            raise SnippetError("unterminated placeholder")
        return pieces

    def number(self) -> int:
        start = self.index
        while self.index < len(self.text) and self.text[self.index].isdigit():
            self.index += 1
        if start == self.index:
            raise SnippetError(f"'$' without a tab stop number at {start}")
        return int(self.text[start : self.index])

    def tab_stop(self) -> str | int:
        self.index += 1  # "$"
        if self.text[self.index : self.index + 1] != "{":
            return self.number()
        self.index += 1
        number = self.number()
        char = self.text[self.index : self.index + 1]
        if char == "}":
            self.index += 1
            return number
        if char == ":":
            self.index += 1
            pieces = self.sequence(stop="}")
            self.index += 1
            value = "".join(p if isinstance(p, str) else self.values.get(p, "") for p in pieces)
            self.values.setdefault(number, value)
            return number
        if char == "|":
            self.index += 1
            options = self.choice()
            self.values.setdefault(number, options[0])
            return number
        raise SnippetError(f"unexpected {char!r} in a tab stop at {self.index}")

    def choice(self) -> list[str]:
        options: list[str] = [""]
        while self.index < len(self.text):
            char = self.text[self.index]
            if char == "\\":
                escaped = self.text[self.index + 1 : self.index + 2]
                if escaped not in ("$", "}", "\\", ",", "|"):
                    raise SnippetError(f"bad escape {escaped!r} in a choice")
                options[-1] += escaped
                self.index += 2
            elif char == ",":
                options.append("")
                self.index += 1
            elif char == "|" and self.text[self.index + 1 : self.index + 2] == "}":
                self.index += 2
                return options
            elif char in "$}|":
                raise SnippetError(f"unescaped {char!r} in a choice at {self.index}")
            else:
                options[-1] += char
                self.index += 1
        raise SnippetError("unterminated choice")
