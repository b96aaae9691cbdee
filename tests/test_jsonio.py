"""Strict JSON: standard documents read as json does; NaN, Infinity, huge numbers and deep nesting refused."""

import json
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from matcher.jsonio import MAX_DEPTH, JSONInputError, loads
from tests.fuzzing import examples

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=10), st.text(alphabet='[]{}"\\ a', max_size=8))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)), max_leaves=30)


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("text,path", [
    ('{"a": NaN}', ("a",)), ('[1, Infinity]', (1,)), ('{"x": [{"y": -Infinity}]}', ("x", 0, "y")),
    ('{"contents": [{"capacities": [{"available": Infinity}]}]}', ("contents", 0, "capacities", 0, "available")),
])
def test_nan_and_infinity_are_refused_naming_the_path(text, path):
    with pytest.raises(JSONInputError) as err:
        loads(text)
    assert err.value.problem == "constant"
    assert err.value.path == path
    assert text.split(":")[-1].strip("[]} ,").split(",")[-1].strip() in err.value.message


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "9" * 5000])
def test_numbers_that_are_not_finite_or_too_long_are_refused(literal):
    with pytest.raises(JSONInputError) as err:
        loads('{"n": [0, ' + literal + "]}")
    assert err.value.problem == "number" and err.value.path == ("n", 1)


def test_nesting_up_to_the_limit_is_read_and_one_more_is_refused():
    assert loads(nested(MAX_DEPTH - 1, "[]")) == json.loads(nested(MAX_DEPTH - 1, "[]"))
    with pytest.raises(JSONInputError) as err:
        loads(nested(MAX_DEPTH, "{}"))
    assert err.value.problem == "depth" and err.value.path == (0,) * MAX_DEPTH
    assert err.value.column == MAX_DEPTH + 1


@pytest.mark.parametrize("text", [nested(20_000), "[" * 20_000, '{"a":' * 20_000, "[{" * 10_000,
                                  '{"d": "x", "e": ' + nested(5000) + "}"])
def test_deep_documents_are_refused_without_recursion(text):
    with pytest.raises(JSONInputError) as err:
        loads(text)
    assert err.value.problem == "depth"


def test_depth_error_names_keys_on_the_way():
    with pytest.raises(JSONInputError) as err:
        loads('[{"id": "a"}, {"id": "b", "description": ' + nested(100) + "}]")
    assert err.value.path[:2] == (1, "description")
    assert err.value.field.startswith("[1].description[0][0]") and err.value.field.endswith("…")


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"a": "[" * 500, "b": "\\\"[[[", "c": ["]" * 300]})
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize("text,problem", [("", "syntax"), ("{not json", "syntax"), ('{"a": 1', "syntax"),
                                          ("[1,]", "syntax"), (b"\xff\xfe\xfa", "encoding"), (b"\xc3(", "encoding"),
                                          ('"\\ud800 [[[' + "[" * 100, "syntax")])
def test_malformed_documents_are_one_typed_error(text, problem):
    with pytest.raises(JSONInputError) as err:
        loads(text)
    assert err.value.problem == problem


def test_syntax_errors_give_line_and_column():
    with pytest.raises(JSONInputError) as err:
        loads('{\n  "a": 1,\n  "b": }')
    assert (err.value.line, err.value.column) == (3, 8)


def test_bytes_in_any_json_encoding_are_read():
    doc = {"navn": "Ærø Ø Å", "n": [1, 2.5]}
    for encoding in ("utf-8", "utf-16", "utf-32", "utf-8-sig"):
        assert loads(json.dumps(doc, ensure_ascii=False).encode(encoding)) == doc


@settings(max_examples=examples(300), deadline=None)
@given(doc=DOCUMENTS)
def test_standard_documents_read_exactly_as_json_does(doc):
    text = json.dumps(doc)
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


@settings(max_examples=examples(300), deadline=None)
@given(text=st.text(alphabet='[]{}",:0123456789.eE+-aNInfityrulsx\\ \n', max_size=80))
@example(text="[" * 20_000)
@example(text='{"a": NaN}')
@example(text="[1e999]")
def test_any_text_is_read_or_refused_with_the_typed_error(text):
    try:
        value = loads(text)
    except JSONInputError as exc:
        assert exc.problem in {"syntax", "constant", "number", "depth"}
        return
    assert value == json.loads(text)
    assert all(not isinstance(v, float) or math.isfinite(v) for v in _leaves(value))


def _leaves(value):
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        else:
            yield v


@settings(max_examples=examples(300), deadline=None)
@given(doc=DOCUMENTS, extra=st.integers(min_value=0, max_value=70))
@example(doc=["\\", "[[", '"[', "]\\\"", ""], extra=64)
def test_depth_is_counted_outside_strings_only(doc, extra):
    """Strings full of brackets, quotes and backslashes never change the depth that is counted."""
    text = "[" * extra + json.dumps(doc) + "]" * extra
    depth = extra + _depth(doc)
    if depth <= MAX_DEPTH:
        assert loads(text) == json.loads(text)
    else:
        with pytest.raises(JSONInputError) as err:
            loads(text)
        assert err.value.problem == "depth"


def _depth(value) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            deepest = max(deepest, d + 1)
            stack.extend((child, d + 1) for child in (v.values() if isinstance(v, dict) else v))
    return deepest
