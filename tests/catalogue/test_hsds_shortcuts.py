"""The first import's shortcuts give what the exact path gives, on hostile input.

Each fast test here is compared with the exact one it stands for (the single regular expression it
replaced, or the full check it lets the import skip), so a shortcut that drops a case fails.
"""

import json
import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from matcher.catalogue.errors import bad_characters
from matcher.catalogue.hsds_hygiene import INVISIBLE, _LINK_KEYS_TEXT, _RISKY_ESCAPE, may_hold_bad_links_or_names
from matcher.catalogue.hsds_parse import may_spell_bad_characters
from tests.fuzzing import examples

# The one pattern ``may_spell_bad_characters`` was before it became an escape pattern and two ``in`` tests.
_ONE_PATTERN = re.compile(r"\\[bf]|\\u(?:00[01]|007[fF]|[dD][89a-fA-F]|[fF]{4})|[\x7f\uffff]")
# The invisible-character scan ``may_hold_bad_links_or_names`` ran on every text, ASCII or not.
_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_ANYWHERE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")

# Characters that make up the escapes and characters the checks look for, and some that are neither.
_TRICKY = ("\\", "u", "U", "b", "f", "F", "d", "D", "e", "E", "0", "1", "7", "8", "9", "a", "c", "C", "6", "2",
           "\x7f", "\uffff", "\ufffe", "\x00", "\x1f", "\ud800", "\udfff", "\u200b", "\u202e", "\ufeff", "\u061c",
           "\u180e", "\u2069", "\u2070", "\u2013", "ø", "æ", "\"", "x", " ")
HOSTILE_TEXT = st.text(alphabet=st.sampled_from(_TRICKY), max_size=40) | st.text(max_size=40)


def _old_may_hold_bad_links_or_names(text: str) -> bool:
    return (("\\u" in text and _RISKY_ESCAPE.search(text) is not None) or _INVISIBLE_ANYWHERE.search(text) is not None
            or any(key in text for key in _LINK_KEYS_TEXT))


@settings(max_examples=examples(500))
@given(text=HOSTILE_TEXT)
@example(text="\x7f")
@example(text="\uffff")
@example(text="abc\\u001F")
@example(text="\\uDBFF")
@example(text="\\ufFfF")
@example(text="\\\\b")
@example(text="\\u007f")
@example(text="\\u0020\\u00f8\\u20ac")
@example(text="ø\uffff")
def test_the_bad_character_precheck_is_the_one_pattern_it_replaced(text):
    assert may_spell_bad_characters(text) is (_ONE_PATTERN.search(text) is not None)


@settings(max_examples=examples(500))
@given(value=HOSTILE_TEXT, ensure_ascii=st.booleans())
@example(value="a\x7fb", ensure_ascii=False)
@example(value="a\x7fb", ensure_ascii=True)
@example(value="\uffff", ensure_ascii=False)
@example(value="\ud83d", ensure_ascii=True)
@example(value="\x08\x0c", ensure_ascii=True)
def test_a_record_whose_text_passes_the_bad_character_precheck_holds_no_bad_character(value, ensure_ascii):
    text = json.dumps({"name": value, "description": "Et hold for børn"}, ensure_ascii=ensure_ascii)
    assume(not _SURROGATE.search(text))  # a file's text is UTF-8: a lone surrogate stands in it only as an escape
    if bad_characters(value) is not None:
        assert may_spell_bad_characters(text)


@settings(max_examples=examples(500))
@given(text=HOSTILE_TEXT)
@example(text="\u200b")
@example(text="abc\ufeff")
@example(text="ø\u2066")
@example(text="\\u200B")
@example(text='{"url": 1}')
@example(text="Et hold for b\\u00f8rn")
def test_the_link_and_name_precheck_is_the_scan_it_replaced(text):
    assert may_hold_bad_links_or_names(text) is _old_may_hold_bad_links_or_names(text)
