"""Parsers for the Solr query syntaxes CKAN sends: lucene, dismax and ``mm``.

This module is pure Python: it turns query strings into a small tree of
nodes and knows nothing about SQL or the database; ``sql.py`` compiles the
tree. Everything it cannot represent faithfully is refused with
``SearchQueryError`` naming the unsupported syntax, never guessed at.

Lucene (Solr "standard") syntax
    ``*:*``, bare terms and ``"phrases"`` (default field), ``field:value``,
    ``field:"phrase"``, ``field:(a OR b)``, ``+``/``-``/``!``/``NOT``
    prefixes, ``AND``/``&&``, ``OR``/``||``, parentheses, backslash escapes
    (including ``\\uXXXX``), ``*``/``?`` wildcards, ``field:*``, ranges
    ``[a TO b]``/``{a TO b}``/``[a TO b}`` with ``*`` for an open end, and
    ``^2`` boosts (accepted, ignored).

    Operator precedence is NOT > AND > OR: ``a AND b OR c`` is
    ``(a AND b) OR c``. Clauses with no operator between them are combined
    with the default operator (Solr's ``q.op``). Within one AND-level run of
    clauses with default operator OR, a clause is required when it has
    ``+`` or is joined by an explicit ``AND``, as in Lucene.

    The result follows Lucene's boolean model (see ``BooleanQuery``): MUST
    clauses are all required, MUST_NOT clauses excluded, and SHOULD clauses
    need at least one match only when the group has no MUST clause. A group
    made only of MUST_NOT clauses matches "everything except" them, as Solr
    does.

    Unsupported, with a ``SearchQueryError``: local params ``{!...}``, the
    magic fields ``_query_``/``_val_``, regular expressions ``/.../``,
    fuzzy and proximity ``~``, unbalanced parentheses or quotes, empty or
    invalid field names, empty groups, dangling operators.

    Leniencies (documented, never silent): a value after ``field:`` may
    contain ``:`` (``metadata_modified:2024-01-01T00:00:00Z``), may start
    with ``-`` (``num:-5``), and ``/`` is literal inside a term (``a/b``).

Dismax syntax (``parse_dismax``)
    Whitespace separated terms and ``"quoted phrases"``, ``+``/``-``
    prefixes. Other special characters are literal, as in Solr's dismax.
    Standalone ``AND``/``&&`` make both neighbours required, ``NOT`` excludes
    the next clause, and ``OR``/``||`` relax ``mm`` to one optional clause.
    A term ending in an unescaped ``*`` is a prefix search (an extension:
    Solr's dismax would search the literal term).

``min_should_match`` implements Solr's ``mm`` grammar.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from ckan.lib.search.common import SearchQueryError

__all__ = [
    "BooleanQuery",
    "Clause",
    "DismaxClause",
    "DismaxQuery",
    "Exists",
    "MatchAll",
    "Node",
    "Occur",
    "Range",
    "Term",
    "Wild",
    "Wildcard",
    "is_valid_field_name",
    "min_should_match",
    "parse_date_math",
    "parse_dismax",
    "parse_lucene",
]


# --------------------------------------------------------------------------
# The query tree
# --------------------------------------------------------------------------


class Occur(enum.Enum):
    """How a clause takes part in its boolean group (Lucene's Occur)."""

    MUST = "+"
    SHOULD = ""
    MUST_NOT = "-"


class Wild(enum.Enum):
    """Wildcard markers inside a ``Wildcard`` pattern."""

    ANY_STRING = "*"
    ANY_CHAR = "?"


@dataclass(frozen=True)
class MatchAll:
    """``*:*``: every document."""


@dataclass(frozen=True)
class Term:
    """A term or a quoted phrase. ``field`` None means the default field."""

    field: str | None
    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Wildcard:
    """A term with unescaped ``*``/``?``.

    ``parts`` alternates literal strings and ``Wild`` markers, so an escaped
    ``\\*`` stays a literal star.
    """

    field: str | None
    parts: tuple[str | Wild, ...]

    @property
    def prefix(self) -> str | None:
        """The literal prefix when the pattern is ``literal*``, else None."""
        if (
            len(self.parts) == 2
            and isinstance(self.parts[0], str)
            and self.parts[1] is Wild.ANY_STRING
        ):
            return self.parts[0]
        return None

    @property
    def literal_text(self) -> str:
        """The literal characters only, wildcards dropped."""
        return "".join(p for p in self.parts if isinstance(p, str))


@dataclass(frozen=True)
class Exists:
    """``field:*`` or ``field:[* TO *]``: the field has a value."""

    field: str | None


@dataclass(frozen=True)
class Range:
    """``field:[lower TO upper]``; a None bound is open (``*``)."""

    field: str | None
    lower: str | None
    upper: str | None
    include_lower: bool = True
    include_upper: bool = True


@dataclass(frozen=True)
class Clause:
    occur: Occur
    node: Node


@dataclass(frozen=True)
class BooleanQuery:
    """A group of clauses with Lucene's semantics (see module docstring)."""

    clauses: tuple[Clause, ...]

    @property
    def must(self) -> list[Node]:
        return [c.node for c in self.clauses if c.occur is Occur.MUST]

    @property
    def should(self) -> list[Node]:
        return [c.node for c in self.clauses if c.occur is Occur.SHOULD]

    @property
    def must_not(self) -> list[Node]:
        return [c.node for c in self.clauses if c.occur is Occur.MUST_NOT]


Node = MatchAll | Term | Wildcard | Exists | Range | BooleanQuery


# --------------------------------------------------------------------------
# Field names
# --------------------------------------------------------------------------

# Solr field names in CKAN: letters, digits, "_" and "-" (extras keys keep
# KEY_CHARS), plus "." for dotted plugin fields. Nothing that needs quoting.
_FIELD_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_MAGIC_FIELDS = {"_query_", "_val_"}


def is_valid_field_name(name: str) -> bool:
    """True when ``name`` is a plain field name we accept in queries."""
    return bool(_FIELD_NAME_RE.match(name)) and name not in _MAGIC_FIELDS


def _check_field_name(name: str) -> str:
    if name == "":
        raise SearchQueryError("Invalid query: empty field name before ':'")
    if name in _MAGIC_FIELDS:
        raise SearchQueryError("Unsupported query syntax: magic field %r is not supported" % name)
    if not _FIELD_NAME_RE.match(name):
        raise SearchQueryError("Unsupported query syntax: invalid field name %r" % name)
    return name


# --------------------------------------------------------------------------
# Lucene parser
# --------------------------------------------------------------------------

# Characters that end a bare term (Lucene's non-term characters, less the
# ones we accept inside terms: "+", "-", "!", "/", "&", "|").
_TERM_STOP = set(' \t\r\n\u3000()[]{}^"~:')
# After one of these, an AND/OR/NOT keyword is a whole word.
_KEYWORD_BOUNDARY = set(' \t\r\n\u3000()"[]{}^~:')
_WHITESPACE = set(" \t\r\n\u3000")

_BOOST_RE = re.compile(r"\^=?\d+(?:\.\d+)?|\^=?\.\d+")

_Char = tuple[str, bool]  # (character, was escaped)


#: Deepest nesting of groups the parser accepts from any caller (the search
#: options limit what requests may send well below it: search/guard.py).
MAX_GROUP_DEPTH = 64


class _Modifier(enum.Enum):
    NONE = ""
    REQUIRED = "+"
    PROHIBITED = "-"


@dataclass
class _ParsedClause:
    modifier: _Modifier
    node: Node
    joined_by_and: bool  # an explicit AND stands before this clause
    followed_by_and: bool = False


class _LuceneParser:
    """Scannerless recursive-descent parser over the query string."""

    def __init__(self, text: str, default_operator: str) -> None:
        self.text = text
        self.pos = 0
        self.default_and = default_operator == "AND"

    # -- low level helpers --------------------------------------------------

    def error(self, message: str) -> SearchQueryError:
        return SearchQueryError(
            "Invalid query %r at position %d: %s" % (self.text, self.pos, message)
        )

    def unsupported(self, what: str) -> SearchQueryError:
        return SearchQueryError("Unsupported query syntax in %r: %s" % (self.text, what))

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_whitespace(self) -> None:
        while not self.at_end() and self.text[self.pos] in _WHITESPACE:
            self.pos += 1

    def at_keyword(self, *words: str) -> str | None:
        for word in words:
            if self.text.startswith(word, self.pos):
                after = self.peek(len(word))
                symbolic = not word.isalpha()
                if symbolic or after == "" or after in _KEYWORD_BOUNDARY:
                    return word
        return None

    def read_escape(self) -> str:
        """Read the character after a backslash (already consumed)."""
        if self.at_end():
            raise self.error("dangling backslash at end of query")
        char = self.text[self.pos]
        if char == "u" and re.match(r"[0-9a-fA-F]{4}", self.text[self.pos + 1 : self.pos + 5]):
            self.pos += 5
            return chr(int(self.text[self.pos - 4 : self.pos], 16))
        self.pos += 1
        return char

    # -- grammar ---------------------------------------------------------

    def parse(self) -> Node:
        self.skip_whitespace()
        if self.at_end():
            raise SearchQueryError("Invalid query: empty query")
        node = self.parse_disjunction(default_field=None, depth=0)
        self.skip_whitespace()
        if not self.at_end():
            # Only an unmatched ")" stops the top-level loop early.
            raise self.error("unbalanced parentheses: unexpected ')'")
        return node

    def parse_disjunction(self, default_field: str | None, depth: int) -> Node:
        """query := segment ((OR | '||') segment)*"""
        segments: list[list[_ParsedClause]] = [[]]
        pending_and = False
        while True:
            self.skip_whitespace()
            if self.at_end():
                break
            if self.peek() == ")":
                if depth == 0:
                    raise self.error("unbalanced parentheses: unexpected ')'")
                break
            keyword = self.at_keyword("AND", "&&", "OR", "||")
            if keyword:
                if not segments[-1] or pending_and:
                    raise self.error("operator %s without a left operand" % keyword)
                self.pos += len(keyword)
                if keyword in ("AND", "&&"):
                    pending_and = True
                    segments[-1][-1].followed_by_and = True
                else:
                    segments.append([])
                continue
            clause = self.parse_clause(default_field, depth, pending_and)
            segments[-1].append(clause)
            pending_and = False
        if pending_and or not segments[-1]:
            if segments == [[]]:
                raise self.error("empty group")
            raise self.error("operator without a right operand")
        groups = [self.build_segment(segment) for segment in segments]
        if len(groups) == 1:
            return groups[0]
        return BooleanQuery(tuple(Clause(Occur.SHOULD, g) for g in groups))

    def build_segment(self, segment: list[_ParsedClause]) -> Node:
        clauses = []
        for parsed in segment:
            if parsed.modifier is _Modifier.PROHIBITED:
                occur = Occur.MUST_NOT
            elif (
                parsed.modifier is _Modifier.REQUIRED
                or self.default_and
                or parsed.joined_by_and
                or parsed.followed_by_and
            ):
                occur = Occur.MUST
            else:
                occur = Occur.SHOULD
            clauses.append(Clause(occur, parsed.node))
        return _simplify(BooleanQuery(tuple(clauses)))

    def parse_clause(
        self, default_field: str | None, depth: int, joined_by_and: bool
    ) -> _ParsedClause:
        modifier = _Modifier.NONE
        char = self.peek()
        if char in "+-":
            modifier = _Modifier.REQUIRED if char == "+" else _Modifier.PROHIBITED
            self.pos += 1
        elif self.at_keyword("NOT"):
            modifier = _Modifier.PROHIBITED
            self.pos += 3
        elif char == "!":
            modifier = _Modifier.PROHIBITED
            self.pos += 1
        if modifier is not _Modifier.NONE:
            self.skip_whitespace()
            if self.at_end() or self.peek() == ")":
                raise self.error("operator without an operand")
            if self.peek() in "+-!" or self.at_keyword("NOT", "AND", "OR", "&&", "||"):
                raise self.error("two operators in a row")
        node = self.parse_atom(default_field, depth)
        self.skip_boost()
        return _ParsedClause(modifier, node, joined_by_and)

    def skip_boost(self) -> None:
        if self.peek() == "^":
            match = _BOOST_RE.match(self.text, self.pos)
            if not match:
                raise self.error("'^' must be followed by a number (boost)")
            self.pos = match.end()
        if self.peek() == "~":
            raise self.unsupported("fuzzy and proximity searches ('~') are not supported")

    def parse_atom(self, default_field: str | None, depth: int) -> Node:
        char = self.peek()
        if char == "(":
            return self.parse_group(default_field, depth)
        if char == '"':
            return Term(default_field, self.read_quoted(), phrase=True)
        if char == "{" and self.peek(1) == "!":
            raise self.unsupported("local parameters '{!...}' are not supported")
        if char in "[{":
            return self.parse_range(default_field)
        if char == "/":
            raise self.unsupported("regular expressions '/.../' are not supported")
        if char in ")]}:^~":
            if char == ":":
                raise self.error("empty field name before ':'")
            raise self.error("unexpected %r" % char)
        chars = self.read_term(value_mode=False)
        after_term = self.pos
        self.skip_whitespace()  # Lucene allows "field : value"
        if self.peek() != ":":
            self.pos = after_term
        else:
            self.pos += 1
            name = "".join(c for c, _ in chars)
            if name == "*" and chars == [("*", False)]:
                self.skip_whitespace()
                if self.peek() == "*" and (self.peek(1) == "" or self.peek(1) in _TERM_STOP):
                    self.pos += 1
                    return MatchAll()
                raise self.unsupported("field name wildcards ('*:') other than '*:*'")
            if any(escaped for _, escaped in chars):
                raise self.unsupported("escaped characters in field name %r" % name)
            field = _check_field_name(name)
            return self.parse_field_value(field, depth)
        return self.term_node(default_field, chars)

    def parse_group(self, default_field: str | None, depth: int) -> Node:
        if depth >= MAX_GROUP_DEPTH:  # whoever calls: no RecursionError
            raise self.unsupported("parentheses nested more than %d deep" % MAX_GROUP_DEPTH)
        self.pos += 1  # "("
        node = self.parse_disjunction(default_field, depth + 1)
        if self.peek() != ")":
            raise self.error("unbalanced parentheses: missing ')'")
        self.pos += 1
        return node

    def parse_field_value(self, field: str, depth: int) -> Node:
        self.skip_whitespace()
        char = self.peek()
        if char == "":
            raise self.error("missing value after %r" % (field + ":"))
        if char == "(":
            return self.parse_group(field, depth)
        if char == '"':
            return Term(field, self.read_quoted(), phrase=True)
        if char == "{" and self.peek(1) == "!":
            raise self.unsupported("local parameters '{!...}' are not supported")
        if char in "[{":
            return self.parse_range(field)
        if char == "/":
            raise self.unsupported("regular expressions '/.../' are not supported")
        if char in ")]}^~":
            raise self.error("missing value after %r" % (field + ":"))
        chars = self.read_term(value_mode=True)
        return self.term_node(field, chars)

    def read_term(self, value_mode: bool) -> list[_Char]:
        """Read a bare term as (char, escaped) pairs.

        In value mode (after ``field:``) a ``:`` is part of the value, and a
        leading ``-``/``+`` too.
        """
        chars: list[_Char] = []
        while not self.at_end():
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 1
                chars.append((self.read_escape(), True))
                continue
            if char in _TERM_STOP and not (value_mode and char == ":"):
                break
            chars.append((char, False))
            self.pos += 1
        if not chars:
            raise self.error("expected a term")
        return chars

    def term_node(self, field: str | None, chars: list[_Char]) -> Node:
        if chars == [("*", False)]:
            return MatchAll() if field is None else Exists(field)
        if not any(not escaped and c in "*?" for c, escaped in chars):
            return Term(field, "".join(c for c, _ in chars))
        parts: list[str | Wild] = []
        literal = ""
        for char, escaped in chars:
            if not escaped and char in "*?":
                if literal:
                    parts.append(literal)
                    literal = ""
                marker = Wild.ANY_STRING if char == "*" else Wild.ANY_CHAR
                # "a**b" is the same pattern as "a*b".
                if not (marker is Wild.ANY_STRING and parts and parts[-1] is marker):
                    parts.append(marker)
            else:
                literal += char
        if literal:
            parts.append(literal)
        return Wildcard(field, tuple(parts))

    def read_quoted(self) -> str:
        start = self.pos
        self.pos += 1  # opening quote
        out = []
        while True:
            if self.at_end():
                self.pos = start
                raise self.error("unbalanced quotes: missing closing '\"'")
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                out.append(self.read_escape())
            elif char == '"':
                break
            else:
                out.append(char)
        if self.peek() == "~":
            raise self.unsupported("proximity searches ('\"...\"~N') are not supported")
        return "".join(out)

    def parse_range(self, field: str | None) -> Node:
        include_lower = self.peek() == "["
        self.pos += 1
        self.skip_whitespace()
        lower = self.read_range_bound()
        self.skip_whitespace()
        if not self.at_keyword("TO"):
            raise self.error("range must be written '[lower TO upper]'")
        self.pos += 2
        self.skip_whitespace()
        upper = self.read_range_bound()
        self.skip_whitespace()
        closing = self.peek()
        if closing not in ("]", "}"):
            raise self.error("unterminated range: missing ']' or '}'")
        self.pos += 1
        if lower is None and upper is None:
            return Exists(field)
        return Range(field, lower, upper, include_lower, closing == "]")

    def read_range_bound(self) -> str | None:
        if self.peek() == '"':
            return self.read_quoted()
        out = []
        any_escaped = False
        while not self.at_end():
            char = self.text[self.pos]
            if char in _WHITESPACE or char in "]}":
                break
            self.pos += 1
            if char == "\\":
                out.append(self.read_escape())
                any_escaped = True
            else:
                out.append(char)
        value = "".join(out)
        if value == "":
            raise self.error("missing range bound")
        if value == "*" and not any_escaped:
            return None
        return value


def _simplify(node: Node) -> Node:
    """Unwrap groups of one positive clause: ``(a)`` is just ``a``."""
    if isinstance(node, BooleanQuery) and len(node.clauses) == 1:
        only = node.clauses[0]
        if only.occur is not Occur.MUST_NOT:
            return only.node
    return node


def parse_lucene(q: str, default_operator: str = "AND") -> Node:
    """Parse Solr standard (lucene) query syntax into a query tree.

    ``default_operator`` is Solr's ``q.op``: "AND" or "OR". Raises
    ``SearchQueryError`` for unsupported or invalid syntax, and for an empty
    query.
    """
    if not isinstance(q, str):
        raise SearchQueryError("Invalid query: expected a string, got %r" % (q,))
    operator = (default_operator or "AND").upper()
    if operator not in ("AND", "OR"):
        raise SearchQueryError("Invalid q.op %r: expected AND or OR" % default_operator)
    return _LuceneParser(q, operator).parse()


# --------------------------------------------------------------------------
# Dismax parser
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DismaxClause:
    """One dismax clause: a term, a phrase, or a prefix (``riv*``)."""

    occur: Occur
    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class DismaxQuery:
    """Parsed dismax input. ``explicit_or`` relaxes mm to 1 (see module doc)."""

    clauses: tuple[DismaxClause, ...]
    explicit_or: bool = False

    @property
    def optional(self) -> list[DismaxClause]:
        return [c for c in self.clauses if c.occur is Occur.SHOULD]


def parse_dismax(q: str) -> DismaxQuery:
    """Split dismax free text into clauses for ``min_should_match``.

    Never raises for user text: dismax treats special characters literally.
    An unbalanced quote makes the rest of the text ordinary terms.
    """
    return _dismax_query(_dismax_tokens(q or ""))


@dataclass(frozen=True)
class _DismaxToken:
    """A word or a quoted phrase of dismax input, before operators apply."""

    modifier: str  # "+", "-" or ""
    text: str
    phrase: bool
    trailing_wild: bool  # the word ends in an unescaped "*"


# Standalone words that are operators in dismax input (see module doc).
_DISMAX_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
_DISMAX_MODIFIERS = {"+": Occur.MUST, "-": Occur.MUST_NOT}


def _dismax_tokens(text: str) -> list[_DismaxToken]:
    tokens: list[_DismaxToken] = []
    pos = 0
    length = len(text)
    while pos < length:
        while pos < length and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= length:
            break
        modifier = ""
        if text[pos] in "+-" and pos + 1 < length and text[pos + 1] not in _WHITESPACE:
            modifier = text[pos]
            pos += 1
        if text[pos] == '"' and text.find('"', pos + 1) != -1:
            end = text.find('"', pos + 1)
            tokens.append(_DismaxToken(modifier, text[pos + 1 : end], True, False))
            pos = end + 1
            continue
        start = pos
        word, trailing_wild, pos = _dismax_word(text, pos)
        if word == "" and pos == start:
            pos += 1
            continue
        tokens.append(_DismaxToken(modifier, word, False, trailing_wild))
    return tokens


def _dismax_word(text: str, pos: int) -> tuple[str, bool, int]:
    """The word starting at ``pos``, unescaped; whether it ends in an
    unescaped ``*``; and the position after it."""
    chars = []
    trailing_wild = False
    length = len(text)
    while pos < length and text[pos] not in _WHITESPACE:
        char = text[pos]
        if char == "\\" and pos + 1 < length:
            chars.append(text[pos + 1])
            trailing_wild = False
            pos += 2
            continue
        if char == '"':
            # An unbalanced quote is literal and dropped by analysis.
            pos += 1
            continue
        chars.append(char)
        trailing_wild = char == "*"
        pos += 1
    return "".join(chars), trailing_wild, pos


def _dismax_query(tokens: list[_DismaxToken]) -> DismaxQuery:
    """Apply the standalone operators (``AND``, ``OR``, ``NOT``) to the
    clauses around them."""
    clauses: list[DismaxClause] = []
    explicit_or = False
    force_next: Occur | None = None
    for token in tokens:
        operator = None if token.phrase or token.modifier else _DISMAX_OPERATORS.get(token.text)
        if operator == "AND":
            if clauses and clauses[-1].occur is Occur.SHOULD:
                clauses[-1] = replace(clauses[-1], occur=Occur.MUST)
            force_next = force_next or Occur.MUST
        elif operator == "OR":
            explicit_or = True
        elif operator == "NOT":
            force_next = Occur.MUST_NOT
        else:
            occur = _DISMAX_MODIFIERS.get(token.modifier) or force_next or Occur.SHOULD
            force_next = None
            clause = _dismax_clause(token, occur)
            if clause is not None:
                clauses.append(clause)
    return DismaxQuery(tuple(clauses), explicit_or)


def _dismax_clause(token: _DismaxToken, occur: Occur) -> DismaxClause | None:
    """The clause of a word or phrase (a prefix for ``riv*``); None when
    nothing is left to search."""
    word, prefix = token.text, False
    if token.trailing_wild and not token.phrase:
        stripped = word.rstrip("*")
        prefix = stripped != ""
        word = stripped if prefix else word
    if not word.strip():
        return None
    return DismaxClause(occur, word, token.phrase, prefix)


# --------------------------------------------------------------------------
# Minimum should match
# --------------------------------------------------------------------------

_MM_INT_RE = re.compile(r"^-?\d+$")


def _mm_int(text: str, spec: str) -> int:
    if not _MM_INT_RE.match(text):
        raise SearchQueryError("Invalid 'mm' spec %r: expecting an integer" % spec)
    return int(text)


def _mm_simple(spec_part: str, n: int, spec: str) -> int:
    if spec_part.endswith("%"):
        percent = _mm_int(spec_part[:-1], spec)
        product = n * percent
        # Solr tests the sign before Java's (int) truncates toward zero.
        truncated = abs(product) // 100
        return n - truncated if product < 0 else truncated
    calc = _mm_int(spec_part, spec)
    return n + calc if calc < 0 else calc


def min_should_match(spec: str | None, n: int) -> int:
    """How many of ``n`` optional clauses must match under Solr's ``mm``.

    Grammar: ``3``, ``-2``, ``75%``, ``-25%``, and conditional chains like
    ``2<-1 5<80%`` (up to 2 clauses: all; up to 5: all but one; more: 80%).
    ``None`` or blank means 100% (Solr's dismax default with q.op=AND).
    The result is clamped to ``0..n``.
    """
    if n <= 0:
        return 0
    if spec is None or not str(spec).strip():
        return n
    text = re.sub(r"\s*<\s*", "<", str(spec).strip())
    if "<" in text:
        result = n
        for condition in text.split():
            parts = condition.split("<")
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise SearchQueryError(
                    "Invalid 'mm' spec %r: expecting values before and after '<'" % spec
                )
            upper_bound = _mm_int(parts[0], spec)
            if n <= upper_bound:
                break
            result = _mm_simple(parts[1], n, spec)
    else:
        if len(text.split()) != 1:
            raise SearchQueryError("Invalid 'mm' spec %r" % spec)
        result = _mm_simple(text, n, spec)
    return max(0, min(n, result))


# --------------------------------------------------------------------------
# Solr date math
# --------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?"
)
_MATH_RE = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
_UNITS = {
    "YEAR": "year",
    "YEARS": "year",
    "MONTH": "month",
    "MONTHS": "month",
    "DAY": "day",
    "DAYS": "day",
    "DATE": "day",
    "HOUR": "hour",
    "HOURS": "hour",
    "MINUTE": "minute",
    "MINUTES": "minute",
    "SECOND": "second",
    "SECONDS": "second",
    "MILLI": "milli",
    "MILLIS": "milli",
    "MILLISECOND": "milli",
    "MILLISECONDS": "milli",
}


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _round_down(moment: datetime, unit: str) -> datetime:
    if unit == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "minute":
        return moment.replace(second=0, microsecond=0)
    if unit == "second":
        return moment.replace(microsecond=0)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "year":
        return _add_months(moment, 12 * amount)
    if unit == "month":
        return _add_months(moment, amount)
    seconds = {"day": 86400, "hour": 3600, "minute": 60, "second": 1}.get(unit)
    if seconds is not None:
        return moment + timedelta(seconds=seconds * amount)
    return moment + timedelta(milliseconds=amount)


def parse_date_math(value: str, now: datetime | None = None) -> datetime:
    """Resolve a Solr date or date-math expression to an aware UTC datetime.

    Accepts ``NOW``, ISO dates (``2024-01-01``, ``2024-01-01T00:00:00Z``,
    with fractions or offsets) and any of them followed by math such as
    ``-1DAY``, ``+2MONTHS``, ``/DAY``. Raises ``SearchQueryError`` otherwise.
    """
    text = (value or "").strip()
    now = now or datetime.now(timezone.utc)
    if text.upper().startswith("NOW"):
        moment, rest = now.astimezone(timezone.utc), text[3:]
    else:
        moment, rest = _parse_iso_date(text, value)
    return _apply_date_math(moment, rest, value)


def _parse_iso_date(text: str, value: str) -> tuple[datetime, str]:
    """The ISO date ``text`` starts with, in UTC, and the text after it."""
    match = _DATE_RE.match(text)
    if not match:
        raise SearchQueryError("Invalid date %r" % value)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=timezone.utc,
        )
    except ValueError:
        raise SearchQueryError("Invalid date %r" % value) from None
    if zone and zone != "Z":
        moment = moment - _utc_offset(zone)
    return moment, text[match.end() :]


def _utc_offset(zone: str) -> timedelta:
    """``+02:00``, ``-0530``... as a timedelta."""
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def _apply_date_math(moment: datetime, rest: str, value: str) -> datetime:
    """Apply the date math ``rest`` (``-1DAY/DAY``...) to ``moment``."""
    position = 0
    upper_rest = rest.upper()
    while position < len(upper_rest):
        match = _MATH_RE.match(upper_rest, position)
        if not match:
            raise SearchQueryError("Invalid date math %r in %r" % (rest[position:], value))
        moment = _apply_date_operation(moment, match, value)
        position = match.end()
    return moment


def _apply_date_operation(moment: datetime, match: re.Match[str], value: str) -> datetime:
    """One ``+2MONTHS`` shift or ``/DAY`` rounding."""
    sign, amount, unit, round_unit = match.groups()
    unit_name = _UNITS.get(unit or round_unit)
    if unit_name is None:
        raise SearchQueryError("Invalid date math unit %r in %r" % (unit or round_unit, value))
    try:
        if round_unit:
            return _round_down(moment, unit_name)
        return _shift(moment, int(amount) * (1 if sign == "+" else -1), unit_name)
    except (OverflowError, ValueError):
        raise SearchQueryError("Date out of range in %r" % value) from None
