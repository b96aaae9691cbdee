"""Translations with Flask-Babel: gettext catalogues in ``matcher/translations/<lang>/LC_MESSAGES``.

The ``.po`` files are the source (in git); the ``.mo`` files are compiled from them by
``python -m matcher.i18n`` (run by ``make install``/``make test``/``make run``) and, should one be
missing or older than its ``.po`` when the app starts, by :func:`compile_catalogues` then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matcher.languages import LANGUAGE_NAMES
from matcher.messages import TRANSLATIONS, compile_catalogues

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["LANGUAGES", "TRANSLATIONS", "compile_catalogues", "init_app", "pick_language"]

#: The languages of the family handout: code → (name in the language itself, Danish name, direction).
LANGUAGES = {code: (own, LANGUAGE_NAMES[code], direction) for code, own, direction in (
    ("da", "Dansk", "ltr"), ("en", "English", "ltr"), ("ar", "العربية", "rtl"), ("so", "Soomaali", "ltr"),
    ("tr", "Türkçe", "ltr"), ("ur", "اردو", "rtl"), ("uk", "Українська", "ltr"), ("pl", "Polski", "ltr"))}


def init_app(app: Flask) -> None:
    """Set up Flask-Babel (Danish by default) on the compiled catalogues."""
    from flask_babel import Babel

    try:
        compile_catalogues()
    except OSError:  # a read-only install: the catalogues were compiled when it was built
        pass
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "da")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=lambda: "da")


def pick_language(languages: list[str] | None, wanted: str | None = None) -> str:
    """Return ``wanted`` when supported, else the first supported of the child's languages other than Danish."""
    if wanted in LANGUAGES:
        return wanted
    for code in languages or []:
        if code in LANGUAGES and code != "da":
            return code
    return "da"


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(TRANSLATIONS.parent.parent)}")
    for mo in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo"):
        mo.touch()  # newer than the venv stamp too, so make sees them as current
