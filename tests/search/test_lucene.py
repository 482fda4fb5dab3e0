"""Parser tests for ckanext.territoires.search.lucene (no database)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from ckan.lib.search.common import SearchError, SearchQueryError

from ckanext.territoires.search.lucene import (
    BooleanQuery,
    Clause,
    DismaxClause,
    Exists,
    MatchAll,
    Occur,
    Range,
    Term,
    Wild,
    Wildcard,
    min_should_match,
    parse_date_math,
    parse_dismax,
    parse_lucene,
)

MUST, SHOULD, MUST_NOT = Occur.MUST, Occur.SHOULD, Occur.MUST_NOT


def group(*clauses: tuple[Occur, object]) -> BooleanQuery:
    return BooleanQuery(tuple(Clause(occur, node) for occur, node in clauses))


def t(text: str, field: str | None = None, phrase: bool = False) -> Term:
    return Term(field, text, phrase)


class TestTerms:
    def test_match_all(self):
        assert parse_lucene("*:*") == MatchAll()
        assert parse_lucene("  *:*  ") == MatchAll()
        assert parse_lucene("*") == MatchAll()

    def test_bare_term_and_phrase_use_default_field(self):
        assert parse_lucene("velo") == t("velo")
        assert parse_lucene('"saint etienne"') == t("saint etienne", phrase=True)

    def test_fielded_term_and_phrase(self):
        assert parse_lucene("tags:economy") == t("economy", "tags")
        assert parse_lucene('name:"my-dataset"') == t("my-dataset", "name", True)
        assert parse_lucene("title: velo") == t("velo", "title")
        assert parse_lucene("title : velo") == t("velo", "title")
        assert parse_lucene("_query_store : true") == t("true", "_query_store")

    def test_hyphen_and_plus_inside_terms(self):
        assert parse_lucene("saint-etienne") == t("saint-etienne")
        assert parse_lucene("c++") == t("c++")

    def test_escapes(self):
        assert parse_lucene(r"a\:b") == t("a:b")
        assert parse_lucene(r"name:a\ b") == t("a b", "name")
        assert parse_lucene(r'"say \"hi\""') == t('say "hi"', phrase=True)
        assert parse_lucene(r"x:\u00e9t\u00E9") == t("été", "x")
        assert parse_lucene(r"tags:a\*") == t("a*", "tags")

    def test_value_may_contain_colon_and_leading_minus(self):
        assert parse_lucene("metadata_modified:2024-01-01T00:00:00Z") == t(
            "2024-01-01T00:00:00Z", "metadata_modified"
        )
        assert parse_lucene("num:-5") == t("-5", "num")

    def test_slash_inside_term_is_literal(self):
        assert parse_lucene("a/b") == t("a/b")

    def test_boosts_are_ignored(self):
        assert parse_lucene("title:velo^2") == t("velo", "title")
        assert parse_lucene('"a b"^0.5') == t("a b", phrase=True)
        assert parse_lucene("(a OR b)^3") == group((SHOULD, t("a")), (SHOULD, t("b")))


class TestWildcardsRangesExists:
    def test_prefix(self):
        node = parse_lucene("riv*")
        assert node == Wildcard(None, ("riv", Wild.ANY_STRING))
        assert node.prefix == "riv"

    def test_infix_and_single_char(self):
        node = parse_lucene("title:ri?er*s")
        assert node == Wildcard("title", ("ri", Wild.ANY_CHAR, "er", Wild.ANY_STRING, "s"))
        assert node.prefix is None
        assert parse_lucene("name:*stuff").parts == (Wild.ANY_STRING, "stuff")

    def test_exists(self):
        assert parse_lucene("extras_theme:*") == Exists("extras_theme")
        assert parse_lucene("organization:[* TO *]") == Exists("organization")

    def test_ranges(self):
        assert parse_lucene("num_resources:[1 TO 5]") == Range(
            "num_resources", "1", "5", True, True
        )
        assert parse_lucene("n:{1 TO 5}") == Range("n", "1", "5", False, False)
        assert parse_lucene("n:[1 TO 5}") == Range("n", "1", "5", True, False)
        assert parse_lucene("n:{* TO 5]") == Range("n", None, "5", False, True)
        assert parse_lucene("n:[1 TO *]") == Range("n", "1", None, True, True)

    def test_date_math_ranges(self):
        assert parse_lucene("metadata_modified:[2024-01-01T00:00:00Z TO NOW]") == Range(
            "metadata_modified", "2024-01-01T00:00:00Z", "NOW"
        )
        assert parse_lucene("metadata_created:[NOW/DAY-7DAYS TO NOW/DAY+1DAY]") == Range(
            "metadata_created", "NOW/DAY-7DAYS", "NOW/DAY+1DAY"
        )

    def test_quoted_range_bounds(self):
        assert parse_lucene('title_string:["A b" TO "C"]') == Range("title_string", "A b", "C")


class TestBooleanLogic:
    def test_implicit_operator_and(self):
        assert parse_lucene("a b") == group((MUST, t("a")), (MUST, t("b")))

    def test_implicit_operator_or(self):
        assert parse_lucene("a b", "OR") == group((SHOULD, t("a")), (SHOULD, t("b")))
        assert parse_lucene("a b", "or") == group((SHOULD, t("a")), (SHOULD, t("b")))

    def test_or_mode_plus_and_explicit_and(self):
        assert parse_lucene("+a b", "OR") == group((MUST, t("a")), (SHOULD, t("b")))
        assert parse_lucene("a b AND c", "OR") == group(
            (SHOULD, t("a")), (MUST, t("b")), (MUST, t("c"))
        )

    def test_precedence_and_over_or(self):
        assert parse_lucene("a AND b OR c") == group(
            (SHOULD, group((MUST, t("a")), (MUST, t("b")))), (SHOULD, t("c"))
        )
        assert parse_lucene("a OR b AND c") == group(
            (SHOULD, t("a")), (SHOULD, group((MUST, t("b")), (MUST, t("c"))))
        )

    def test_symbolic_operators(self):
        assert parse_lucene("a && b || !c") == group(
            (SHOULD, group((MUST, t("a")), (MUST, t("b")))),
            (SHOULD, group((MUST_NOT, t("c")))),
        )

    def test_prefix_operators(self):
        assert parse_lucene("+a -b c") == group((MUST, t("a")), (MUST_NOT, t("b")), (MUST, t("c")))
        assert parse_lucene("a NOT b") == group((MUST, t("a")), (MUST_NOT, t("b")))
        assert parse_lucene("a AND NOT b") == group((MUST, t("a")), (MUST_NOT, t("b")))

    def test_pure_negative_group(self):
        assert parse_lucene("-tags:x") == group((MUST_NOT, t("x", "tags")))
        assert parse_lucene("NOT tags:x") == group((MUST_NOT, t("x", "tags")))

    def test_or_not(self):
        assert parse_lucene("a OR NOT b") == group(
            (SHOULD, t("a")), (SHOULD, group((MUST_NOT, t("b"))))
        )

    def test_field_group(self):
        assert parse_lucene("state:(active OR draft)") == group(
            (SHOULD, t("active", "state")), (SHOULD, t("draft", "state"))
        )
        assert parse_lucene("title:(velo name:x)") == group(
            (MUST, t("velo", "title")), (MUST, t("x", "name"))
        )

    def test_nested_parentheses(self):
        assert parse_lucene("((a))") == t("a")
        assert parse_lucene("(a OR (b AND -c))") == group(
            (SHOULD, t("a")), (SHOULD, group((MUST, t("b")), (MUST_NOT, t("c"))))
        )

    def test_keywords_are_whole_words_only(self):
        assert parse_lucene("ANDROID ORANGE") == group((MUST, t("ANDROID")), (MUST, t("ORANGE")))
        assert parse_lucene("and or") == group((MUST, t("and")), (MUST, t("or")))


class TestCkanQueries:
    """The exact strings CKAN and ckanext-harvest send."""

    def test_delete_package(self):
        q = '+entity_type:package AND +(id:"abc" OR name:"abc") AND +site_id:"default"'
        assert parse_lucene(q) == group(
            (MUST, t("package", "entity_type")),
            (MUST, group((SHOULD, t("abc", "id", True)), (SHOULD, t("abc", "name", True)))),
            (MUST, t("default", "site_id", True)),
        )

    def test_harvest_source_clear(self):
        q = ' +harvest_source_id:"src" +site_id:"default" '
        expected = group(
            (MUST, t("src", "harvest_source_id", True)), (MUST, t("default", "site_id", True))
        )
        assert parse_lucene(q) == expected
        assert parse_lucene(q, "OR") == expected

    def test_package_search_filters(self):
        assert parse_lucene("+capacity:public  +state:(active OR draft)") == group(
            (MUST, t("public", "capacity")),
            (MUST, group((SHOULD, t("active", "state")), (SHOULD, t("draft", "state")))),
        )
        assert parse_lucene('+permission_labels:("public" OR "member-1")') == group(
            (SHOULD, t("public", "permission_labels", True)),
            (SHOULD, t("member-1", "permission_labels", True)),
        )

    def test_autocomplete(self):
        q = 'name_ngram:"war" OR title_ngram:"war" OR name:"war" OR title:"war"'
        assert parse_lucene(q) == group(
            *((SHOULD, t("war", f, True)) for f in ("name_ngram", "title_ngram", "name", "title"))
        )

    def test_get_index(self):
        assert parse_lucene('name:"x" OR id:"x"') == group(
            (SHOULD, t("x", "name", True)), (SHOULD, t("x", "id", True))
        )


class TestErrors:
    @pytest.mark.parametrize(
        "q, words",
        [
            ("{!func}x", "local parameters"),
            ("{!lucene q.op=OR}a", "local parameters"),
            ("title:{!x}", "local parameters"),
            ("_query_:x", "magic field"),
            ("_val_:x", "magic field"),
            ("/ab+c/", "regular expressions"),
            ("title:/ab/", "regular expressions"),
            ("velo~", "fuzzy"),
            ("velo~2", "fuzzy"),
            ('"a b"~3', "proximity"),
            ("(a OR b", "unbalanced parentheses"),
            ("a OR b)", "unbalanced parentheses"),
            ('title:"abc', "unbalanced quotes"),
            (":x", "empty field name"),
            ("()", "empty group"),
            ("a AND", "right operand"),
            ("OR a", "left operand"),
            ("a AND OR b", "left operand"),
            ("title:", "missing value"),
            ("- -a", "two operators"),
            ("NOT NOT a", "two operators"),
            ("x:[1 TO 2", "unterminated range"),
            ("x:[1 2]", "TO"),
            ("a^b", "boost"),
            ("*:x", "field name wildcards"),
            ("bad*field:x", "invalid field name"),
            ("", "empty query"),
            ("   ", "empty query"),
            ("a\\", "dangling backslash"),
        ],
    )
    def test_unsupported_or_invalid(self, q, words):
        with pytest.raises(SearchQueryError) as error:
            parse_lucene(q)
        assert words in str(error.value)

    def test_is_a_ckan_search_error(self):
        with pytest.raises(SearchError):
            parse_lucene("a~")

    def test_bad_default_operator(self):
        with pytest.raises(SearchQueryError):
            parse_lucene("a", "XOR")


class TestDismax:
    def test_terms_phrases_and_modifiers(self):
        parsed = parse_dismax('le vélo +lyon -paris "saint etienne"')
        assert parsed.clauses == (
            DismaxClause(SHOULD, "le"),
            DismaxClause(SHOULD, "vélo"),
            DismaxClause(MUST, "lyon"),
            DismaxClause(MUST_NOT, "paris"),
            DismaxClause(SHOULD, "saint etienne", phrase=True),
        )
        assert not parsed.explicit_or

    def test_special_characters_are_literal(self):
        parsed = parse_dismax("c++ (test) a-b [x] {!y}")
        assert [c.text for c in parsed.clauses] == ["c++", "(test)", "a-b", "[x]", "{!y}"]
        assert all(c.occur is SHOULD for c in parsed.clauses)

    def test_prefix(self):
        parsed = parse_dismax(r"riv* a\* *")
        assert parsed.clauses[0] == DismaxClause(SHOULD, "riv", prefix=True)
        assert parsed.clauses[1] == DismaxClause(SHOULD, "a*")
        assert parsed.clauses[2] == DismaxClause(SHOULD, "*")

    def test_operators(self):
        parsed = parse_dismax("a AND b NOT c OR d")
        assert [(c.occur, c.text) for c in parsed.clauses] == [
            (MUST, "a"),
            (MUST, "b"),
            (MUST_NOT, "c"),
            (SHOULD, "d"),
        ]
        assert parsed.explicit_or

    def test_unbalanced_quote_and_lone_signs(self):
        parsed = parse_dismax('"open quote - +')
        assert [c.text for c in parsed.clauses] == ["open", "quote", "-", "+"]

    def test_blank(self):
        assert parse_dismax("   ").clauses == ()
        assert parse_dismax("").clauses == ()


class TestMinShouldMatch:
    def test_ckan_default(self):
        spec = "2<-1 5<80%"
        assert [min_should_match(spec, n) for n in range(9)] == [0, 1, 2, 2, 3, 4, 4, 5, 6]

    def test_simple_forms(self):
        assert [min_should_match("3", n) for n in range(5)] == [0, 1, 2, 3, 3]
        assert [min_should_match("-2", n) for n in range(5)] == [0, 0, 0, 1, 2]
        assert [min_should_match("75%", n) for n in range(6)] == [0, 0, 1, 2, 3, 3]
        assert [min_should_match("-25%", n) for n in range(9)] == [0, 1, 2, 3, 3, 4, 5, 6, 6]
        assert [min_should_match("100%", n) for n in range(4)] == [0, 1, 2, 3]
        assert [min_should_match("0%", n) for n in range(4)] == [0, 0, 0, 0]

    def test_conditionals_with_spaces(self):
        assert min_should_match("3 < 90%", 2) == 2
        assert min_should_match("3 < 90%", 10) == 9
        assert min_should_match("2<-25% 9<-3", 10) == 7
        assert min_should_match("2<-25% 9<-3", 5) == 4

    def test_default_is_all(self):
        assert min_should_match(None, 4) == 4
        assert min_should_match("  ", 4) == 4

    @pytest.mark.parametrize("spec", ["abc", "2<", "<3", "1 2", "5%%", "2<x"])
    def test_invalid(self, spec):
        with pytest.raises(SearchQueryError):
            min_should_match(spec, 4)


class TestDateMath:
    NOW = datetime(2024, 3, 15, 13, 45, 30, 123456, tzinfo=timezone.utc)

    @pytest.mark.parametrize(
        "value, expected",
        [
            ("NOW", datetime(2024, 3, 15, 13, 45, 30, 123456, tzinfo=timezone.utc)),
            ("NOW-1DAY", datetime(2024, 3, 14, 13, 45, 30, 123456, tzinfo=timezone.utc)),
            ("NOW/DAY", datetime(2024, 3, 15, tzinfo=timezone.utc)),
            ("NOW/DAY+1MONTH", datetime(2024, 4, 15, tzinfo=timezone.utc)),
            ("NOW/MONTH-1YEAR", datetime(2023, 3, 1, tzinfo=timezone.utc)),
            ("NOW+2HOURS/HOUR", datetime(2024, 3, 15, 15, tzinfo=timezone.utc)),
            ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=timezone.utc)),
            (
                "2024-01-01T00:00:00.500Z",
                datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=timezone.utc),
            ),
            ("2024-01-31T00:00:00Z+1MONTH", datetime(2024, 2, 29, tzinfo=timezone.utc)),
            ("2024-01-01T02:00:00+02:00", datetime(2024, 1, 1, tzinfo=timezone.utc)),
            ("2024-01-01", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ],
    )
    def test_values(self, value, expected):
        assert parse_date_math(value, now=self.NOW) == expected

    @pytest.mark.parametrize(
        "value", ["yesterday", "NOW-1FORTNIGHT", "2024-13-01T00:00:00Z", "NOW+", "2024"]
    )
    def test_invalid(self, value):
        with pytest.raises(SearchQueryError):
            parse_date_math(value, now=self.NOW)
