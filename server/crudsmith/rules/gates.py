"""Text gates: skip a rule's tree walk when the source cannot hold what it looks for.

A rule that can only fire on a call named `CORSMiddleware`, on a module named `pydantic`
or on a name containing `password` first asks whether the source text mentions that
identifier at all; a substring search is far cheaper than walking every node.

A gate must never say "absent" when the tree has a match (a rule would lose a finding),
so it errs the other way only, and it only ever looks for identifiers (names, attribute,
keyword, parameter and module names):

- Python normalises identifiers with NFKC: `password` spelled in fullwidth letters
  (U+FF50 U+FF41 ...) is the identifier `password` in the tree. Gates search the NFKC
  form of the text (the text itself when ASCII or already normalised). The tokenizer
  reads every non-ASCII character as part of an identifier, so an identifier's
  neighbours are ASCII characters other than letters, digits and `_`; normalisation
  leaves them alone, so every identifier of the tree is a substring of that form, with
  such neighbours (which is what a `words` gate asks for).
- A string literal's value is not a gate's business: it can be spelled with escapes
  (`"pass\\x77ord"`) or split over implicitly joined literals, so no text test finds it.
- Case-insensitive gates search the lowered NFKC text with U+0130 and U+0131 (dotted
  capital I, dotless i) read as `i`: the characters left there that `re.IGNORECASE`
  matches to an ASCII letter and `str.lower()` does not turn into that letter alone.
- Only this file's text is known: a gate can stand for facts of this file's tree, never
  for what the rule reads from other files of the workspace.

`str.find` costs about 0.1 ms per token on a 260 kB file (a regular expression
alternation with look-arounds, 3 ms), so gates are plain substring searches with the
boundaries checked at each hit.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crudsmith.rules.model import RuleContext

_NFKC_KEY = "gates.nfkc"
_FOLDED_KEY = "gates.folded"
_WORDS_KEY = "gates.words"
_ANSWERS_KEY = "gates.answers"
_IDENTIFIER_CHARS = frozenset(string.ascii_letters + string.digits + "_")


@dataclass(frozen=True, slots=True)
class Gate:
    """Identifier tokens a rule needs in the source (see `mentions`)."""

    tokens: tuple[str, ...]
    whole: bool  # the token is a whole identifier (else any part of one)
    ignore_case: bool
    # The tokens that contain no other token: one of them is in any text holding a token,
    # so a text without them is answered with a few substring searches.
    cores: tuple[str, ...]


def words(*names: str) -> Gate:
    """A gate on whole identifiers (names, attribute, keyword or module names): one of
    `names` appears with no ASCII letter, digit or underscore on either side."""
    return _gate(names, whole=True, ignore_case=False)


def fragments(*parts: str, ignore_case: bool = False) -> Gate:
    """A gate on parts of identifiers: one of `parts` appears anywhere in the text. With
    `ignore_case`, as a rule's `re.IGNORECASE` or `str.lower()` compares."""
    return _gate(parts, whole=False, ignore_case=ignore_case)


def _gate(tokens: tuple[str, ...], whole: bool, ignore_case: bool) -> Gate:
    if not tokens or not all(token and token.isascii() for token in tokens):
        raise ValueError(f"a gate needs non-empty ASCII tokens, not {tokens!r}")
    if ignore_case:
        tokens = tuple(token.lower() for token in tokens)
    cores = tuple(
        token
        for token in dict.fromkeys(tokens)
        if not any(other != token and other in token for other in tokens)
    )
    return Gate(tokens, whole, ignore_case, cores)


def mentions(ctx: RuleContext, gate: Gate) -> bool:
    """Whether the source may contain one of the gate's tokens (never a false "no").

    Answers are kept per context: several rules share a gate (`pydantic`).
    """
    answers = ctx.memo.get(_ANSWERS_KEY)
    if not isinstance(answers, dict):
        answers = ctx.memo[_ANSWERS_KEY] = {}
    answer = answers.get(gate)
    if answer is None:
        answer = answers[gate] = _search(ctx, gate)
    return bool(answer)


def _search(ctx: RuleContext, gate: Gate) -> bool:
    text = folded_source(ctx) if gate.ignore_case else normalised_source(ctx)
    if not any(core in text for core in gate.cores):
        return False
    return not gate.whole or any(_has_word(text, token) for token in gate.tokens)


def names_any(ctx: RuleContext, names: Iterable[str]) -> bool:
    """Whether one of `names` (identifiers known only at run time, e.g. the classes of other
    files: hundreds of them) may appear as an identifier here.

    One pass splits the text into its ASCII words; each name is then a set lookup (a
    non-ASCII name is searched as a substring of the NFKC text).
    """
    found = _ascii_words(ctx)
    text: str | None = None
    for name in names:
        if name.isascii():
            if name.encode("ascii") in found:
                return True
            continue
        text = normalised_source(ctx) if text is None else text
        if unicodedata.normalize("NFKC", name) in text:
            return True
    return False


# Every byte that is not an ASCII letter, digit or `_` (UTF-8 bytes of non-ASCII
# characters included) becomes a space: the text's ASCII identifiers are then its words.
_WORD_BYTES = bytes(byte if chr(byte) in _IDENTIFIER_CHARS else ord(" ") for byte in range(256))


def _ascii_words(ctx: RuleContext) -> frozenset[bytes]:
    """The text's ASCII words as bytes (decoding each would double the cost)."""
    cached = ctx.memo.get(_WORDS_KEY)
    if isinstance(cached, frozenset):
        return cached
    data = normalised_source(ctx).encode("utf-8", "surrogatepass").translate(_WORD_BYTES)
    found = frozenset(data.split())
    ctx.memo[_WORDS_KEY] = found
    return found


def _has_word(text: str, token: str) -> bool:
    start = text.find(token)
    while start != -1:
        end = start + len(token)
        if (start == 0 or text[start - 1] not in _IDENTIFIER_CHARS) and (
            end == len(text) or text[end] not in _IDENTIFIER_CHARS
        ):
            return True
        start = text.find(token, start + 1)
    return False


def normalised_source(ctx: RuleContext) -> str:
    """The source in NFKC form (the text itself when ASCII or already normalised), once
    per context."""
    cached = ctx.memo.get(_NFKC_KEY)
    if isinstance(cached, str):
        return cached
    source = ctx.source
    if not source.isascii() and not unicodedata.is_normalized("NFKC", source):
        source = unicodedata.normalize("NFKC", source)
    ctx.memo[_NFKC_KEY] = source
    return source


def folded_source(ctx: RuleContext) -> str:
    """The NFKC source lowered, U+0130 and U+0131 (dotted capital I, dotless i) read as `i`
    (what case-insensitive gates search)."""
    cached = ctx.memo.get(_FOLDED_KEY)
    if isinstance(cached, str):
        return cached
    folded = normalised_source(ctx)
    if folded.isascii():
        folded = folded.lower()
    else:  # `str.lower()` makes U+0130 `i` + a combining dot: `re.IGNORECASE` reads `i`
        folded = folded.replace("\u0130", "i").lower().replace("\u0131", "i")
    ctx.memo[_FOLDED_KEY] = folded
    return folded
