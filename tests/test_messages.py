"""The error catalogue: every code raised has an English msgid and a Danish text, and the .po files compile."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import matcher
from matcher.catalogue.errors import ImportFailed, Invalid, RecordError, bad_characters, json_record_error
from matcher.error_texts import ERRORS
from matcher.i18n import TRANSLATIONS
from matcher.jsonio import JSONInputError, loads
from matcher.messages import Problem, record_label, render

PACKAGE = Path(matcher.__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: Codes computed from a JSONInputError's problem (f"json.{exc.problem}"); each problem needs its code.
FAMILIES = ("json.", "body.")
JSON_PROBLEMS = ("syntax", "encoding", "constant", "number", "depth")
#: Calls whose code is their n-th positional argument.
CODE_ARGUMENT = {"RecordError": 2, "Invalid": 0, "DocumentError": 0, "KeyReused": 0, "fail": 1, "Problem": 0,
                 "ProfileError": 1}


def _danish() -> dict[str, str]:
    """Return the Danish error texts by code (the entries whose ``msgctxt`` is a code)."""
    with (TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="da")
    return {m.context: (m.id, m.string) for m in catalog if m.id and m.context}


def _keywords(node: ast.Call) -> set[str] | None:
    """Return the keyword names of a call, or None when it passes ``**params`` (not checkable here)."""
    if any(k.arg is None for k in node.keywords):
        return None
    return {k.arg for k in node.keywords}


def _raise_sites() -> list[tuple[str, int, str, str | None, set[str] | None]]:
    """Return (file, line, callee, literal code or None, keyword names) of every call that names an error code."""
    sites = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in CODE_ARGUMENT or len(node.args) <= CODE_ARGUMENT[name]:
                continue
            arg = node.args[CODE_ARGUMENT[name]]
            literal = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            if isinstance(arg, ast.JoinedStr):  # an f-string is a free text, never a code ...
                head = arg.values[0]
                family = isinstance(head, ast.Constant) and str(head.value) in FAMILIES
                literal = None if family else ast.unparse(arg)  # ... but f"json.{problem}" (checked below)
            if isinstance(arg, ast.IfExp):  # "a.code" if x else "b.code"
                for branch in (arg.body, arg.orelse):
                    if isinstance(branch, ast.Constant):
                        sites.append((str(path.relative_to(PACKAGE)), node.lineno, name, branch.value,
                                      _keywords(node)))
                continue
            sites.append((str(path.relative_to(PACKAGE)), node.lineno, name, literal,
                          _keywords(node)))
    return sites


def test_every_code_raised_in_the_package_is_in_the_catalogue_with_its_parameters():
    sites = _raise_sites()
    assert len(sites) > 150  # the scan finds the raise sites (it is not looking at the wrong calls)
    unknown = [(f, line, code) for f, line, _, code, _ in sites if code is not None and code not in ERRORS]
    assert unknown == [], "error codes missing from matcher/error_texts.py (or free text not yet a code)"
    missing_params = [(f, line, code, sorted(set(PLACEHOLDER.findall(ERRORS[code])) - keywords))
                      for f, line, callee, code, keywords in sites
                      if code is not None and callee != "Problem" and keywords is not None
                      and set(PLACEHOLDER.findall(ERRORS[code])) - keywords]
    assert missing_params == []  # each raise passes every parameter its text uses


def test_every_json_problem_has_its_codes():
    assert [f"{family}{p}" for family in FAMILIES for p in JSON_PROBLEMS if f"{family}{p}" not in ERRORS] == []


def test_every_code_has_a_danish_text_with_the_same_parameters():
    danish = _danish()
    untranslated = [code for code, msgid in ERRORS.items() if danish.get(code, ("", ""))[1] == ""]
    assert untranslated == []
    outdated = [code for code, msgid in ERRORS.items() if danish[code][0] != msgid]
    assert outdated == []  # the English text changed: check the Danish and copy the new msgid
    extra = [(code, name) for code, msgid in ERRORS.items()
             for name in set(PLACEHOLDER.findall(danish[code][1])) - set(PLACEHOLDER.findall(msgid))]
    assert extra == []  # a Danish text may leave a detail out, never use one the English lacks
    assert set(danish) <= set(ERRORS)  # no Danish text left behind for a code that is gone


def test_every_code_renders_in_both_languages_with_its_parameters():
    for code, msgid in ERRORS.items():
        params = {name: f"<{name}>" for name in PLACEHOLDER.findall(msgid)}
        assert render(code, params, "en") == msgid % params
        danish = render(code, params)
        assert danish and "%(" not in danish, code


@pytest.mark.parametrize("po", sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")), ids=lambda p: p.parent.parent.name)
def test_the_po_files_compile_without_format_errors(po):
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []
    out = io.BytesIO()
    write_mo(out, catalog)
    assert out.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def test_message_is_danish_and_str_is_english():
    error = RecordError("barn", "birth_year", "child.birth_year", first=1990, last=2026)
    assert (error.code, error.field, error.params) == ("child.birth_year", "birth_year", {"first": 1990, "last": 2026})
    assert error.message == "skal være et årstal mellem 1990 og 2026"
    assert str(error) == "barn: birth_year: must be a year between 1990 and 2026"
    moved = error.at("række 3")
    assert (moved.record, moved.code, moved.message) == ("række 3", error.code, error.message)


def test_a_free_text_is_kept_for_code_not_yet_migrated():
    error = RecordError("x", "y", "en fri tekst")
    assert (error.code, error.message, str(error)) == ("", "en fri tekst", "x: y: en fri tekst")


def test_nested_problems_render_in_the_same_language():
    error = RecordError.of("r", "schedules", Problem("schedule.item", {"index": 2, "problem": Problem("offer.time", {})}))
    assert error.message == "mødetid 2: skal være et klokkeslæt som 16:30"
    assert error.text("en") == "meeting time 2: must be a time such as 16:30"
    invalid = Invalid("between", low=1, high=5)
    assert str(invalid) == "must be between 1 and 5" and invalid.problem == Problem("between", {"low": 1, "high": 5})


def test_json_errors_carry_their_position_in_both_languages():
    with pytest.raises(JSONInputError) as caught:
        loads(b'[{"a": 1,}]')
    error = json_record_error(caught.value, "service")
    assert error.code == "json.at" and error.params["problem"].code == "json.syntax"
    assert error.message.startswith("er ikke gyldig JSON (") and "(linje 1, kolonne 10)" in error.message
    assert str(error).endswith("(line 1, column 10)")


def test_bad_characters_are_a_problem_with_a_code():
    assert bad_characters("ok") is None
    assert bad_characters("a\x01") == Problem("text.control", {"char": "U+0001"})
    assert render(*bad_characters("a\x01")) == "indeholder et kontroltegn (U+0001)"


def test_import_records_are_named_in_danish_for_the_screens():
    assert [record_label(r) for r in ("line 3 id=m-1", "service[2] id=x", "file", "header", "term[1]")] == [
        "linje 3 id=m-1", "tilbud nr. 2 id=x", "filen", "kolonneoverskrifterne", "term[1]"]
    assert record_label("line 3 id=m-1", "en") == "line 3 id=m-1"


def test_import_failed_lists_the_errors_in_the_language_asked_for():
    errors = [RecordError("række 2", "birth_year", "child.birth_year", first=1990, last=2026)]
    assert "række 2: birth_year: skal være et årstal" in str(ImportFailed(errors, "x.csv", lang="da"))
    assert "række 2: birth_year: must be a year" in str(ImportFailed(errors, "x.csv"))
