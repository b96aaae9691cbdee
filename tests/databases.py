"""Template databases: migrated (and filled) once per test session and worker, copied for each test.

A test that asks for a database gets a private copy — a file copy on SQLite, ``CREATE DATABASE … TEMPLATE``
on PostgreSQL — of the template that already holds what its fixtures would load. Which template a test gets
follows from the fixtures it uses: a test that uses ``reference`` gets a copy that holds the districts and
the interest taxonomy, a test that uses ``example_catalogue`` one that also holds the Danish-profile example
catalogue and the example mentors. Each template is built once, the way the fixture would have loaded it,
so every test still sees exactly the rows it saw before, committed, on a database of its own.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from matcher.db import make_engine
from matcher.migrate import upgrade


@dataclass(frozen=True)
class Template:
    """A named database content: built from ``parent`` (None: freshly migrated) by ``fill(session)``."""

    name: str
    parent: str | None
    fill: Callable[[Session], None] | None


#: Templates by the fixture that asks for them, least specific first; the last one a test uses wins.
TEMPLATES: dict[str, Template] = {"migrated": Template("migrated", None, None)}


def register(fixture: str, parent: str, fill: Callable[[Session], None]) -> None:
    """Register the template that tests using ``fixture`` get: ``parent``'s rows plus what ``fill`` adds."""
    TEMPLATES[fixture] = Template(fixture, parent, fill)


def template_for(fixturenames: list[str] | tuple[str, ...]) -> str:
    """Return the most specific registered template among a test's fixtures."""
    chosen = "migrated"
    for name in TEMPLATES:
        if name in fixturenames:
            chosen = name
    return chosen


class TemplateDatabases:
    """The session's templates of one kind of database; builds each on first use and hands out copies."""

    def __init__(self, kind: str, folder: Path, pg_server=None) -> None:
        self.kind = kind
        self.folder = folder
        self.pg = pg_server
        self.built: dict[str, str] = {}  # template name -> SQLite path or PostgreSQL database name

    def _fill(self, url: str, template: Template) -> None:
        from matcher.runtime import Runtime

        engine = make_engine(url)
        try:
            with Runtime.from_env({"MATCHER_ENV": "testing"}).sessions(engine)() as session:
                template.fill(session)
                session.commit()
        finally:
            engine.dispose()

    def _build(self, name: str) -> str:
        template = TEMPLATES[name]
        if template.parent is None:
            if self.kind == "sqlite":
                path = self.folder / "template-migrated.db"
                upgrade(f"sqlite:///{path}")
                return str(path)
            url = self.pg.create_database("tpl_migrated")
            upgrade(url)
            make_engine(url).dispose()
            return "tpl_migrated"
        parent = self.source(template.parent)
        if self.kind == "sqlite":
            path = self.folder / f"template-{name}.db"
            shutil.copyfile(parent, path)
            self._fill(f"sqlite:///{path}", template)
            return str(path)
        database = f"tpl_{name}"
        self._fill(self.pg.create_database(database, template=parent), template)
        return database

    def source(self, name: str) -> str:
        """Return the template ``name`` (SQLite path or PostgreSQL database), building it on first use."""
        if name not in self.built:
            self.built[name] = self._build(name)
        return self.built[name]

    def copy(self, name: str, tmp_path: Path) -> str:
        """Return the URL of a new private copy of template ``name``."""
        source = self.source(name)
        if self.kind == "sqlite":
            path = tmp_path / "test.db"
            shutil.copyfile(source, path)
            return f"sqlite:///{path}"
        return self.pg.create_database("t_" + uuid.uuid4().hex[:12], template=source)

    def drop(self, url: str) -> None:
        """Remove a copy handed out by ``copy`` (PostgreSQL only: SQLite copies live in the test's tmp_path)."""
        if self.kind == "postgresql":
            self.pg.drop_database(url.rsplit("/", 1)[1])
