"""Error codes and their texts: English msgids here, Danish in ``translations/da/LC_MESSAGES/messages.po``.

Every :class:`matcher.catalogue.errors.RecordError` carries one of the codes of :data:`ERRORS` and its
parameters. ``render(code, params)`` gives the Danish sentence fragment from the gettext catalogue
(``msgctxt`` the code, ``msgid`` the English text) —
without a Flask request, so operations, importers and the worker render the same text as the screens;
``render(code, params, "en")`` gives the English one the CLI prints. Adding an error: add the code and
its English text to ``matcher/error_texts.py``, an entry with ``msgctxt`` the code and its Danish
``msgstr`` to the ``da`` catalogue, raise ``RecordError(record,
field, "the.code", param=...)``; ``tests/test_messages.py`` fails until all three agree.
"""

from __future__ import annotations

from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any, NamedTuple

from matcher.error_texts import ERRORS

TRANSLATIONS = Path(__file__).resolve().parent / "translations"

__all__ = ["ERRORS", "TRANSLATIONS", "Problem", "compile_catalogues", "is_code", "record_label", "render", "translations"]


class Problem(NamedTuple):
    """Why one value is refused, before it is known in which record: an error code and its parameters.

    A parameter may itself be a Problem ("schedule 2: %(problem)s"); it is rendered in the same language.
    """

    code: str
    params: dict[str, Any]


def compile_catalogues(force: bool = False) -> list[Path]:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older; return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written


@lru_cache(maxsize=8)
def translations(lang: str = "da") -> NullTranslations:
    """Return the gettext catalogue of ``lang`` (compiled from its ``.po`` when missing or older)."""
    from babel.support import Translations

    try:
        compile_catalogues()
    except OSError:  # a read-only install: the catalogues were compiled when it was built
        pass
    return Translations.load(str(TRANSLATIONS), [lang])


def is_code(text: str) -> bool:
    """Return whether ``text`` is a known error code."""
    return text in ERRORS


def render(code: str, params: dict[str, Any] | None = None, lang: str = "da") -> str:
    """Return the text of error ``code`` with ``params`` in ``lang`` (``da`` or ``en``)."""
    msgid = ERRORS[code]
    text = msgid if lang == "en" else translations(lang).pgettext(code, msgid)
    if not params:
        return text.replace("%%", "%")
    return text % {k: render(v.code, v.params, lang) if isinstance(v, Problem) else v for k, v in params.items()}


#: Record kinds the importers name in English (``line 3``, ``service[2]``) and their Danish names.
_RECORD_KINDS = {"line": "linje", "file": "filen", "header": "kolonneoverskrifterne", "document": "dokumentet",
                 "service": "tilbud nr."}


def record_label(record: str, lang: str = "da") -> str:
    """Return an import's record name (``line 3 id=x``, ``service[2] id=y``) in ``lang``."""
    if lang == "en" or not record:
        return record
    head, _, rest = record.partition(" ")
    kind, bracket, index = head.partition("[")
    if bracket and index.endswith("]") and kind in _RECORD_KINDS:
        head = f"{_RECORD_KINDS[kind]} {index[:-1]}"
    elif kind in _RECORD_KINDS and not bracket:
        head = _RECORD_KINDS[kind]
    return f"{head} {rest}" if rest else head
