"""Run the generators in their fixed order and write ``demo_catalogue.json`` and ``mentors.csv``."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import seeds.demo
from seeds.demo.associations import Associations
from seeds.demo.common import SEEDS
from seeds.demo.jobs import Jobs
from seeds.demo.mentors import MENTOR_HEADER, Mentors
from seeds.demo.sports import Sports


class Builder(Sports, Associations, Jobs, Mentors):
    """The whole demo catalogue; the order of ``build`` fixes the random draws, so keep it."""

    def build(self) -> list[dict]:
        """Build every service in the fixed order; return them."""
        self.sports()
        self.associations()
        self.youth_clubs()
        self.culture_houses()
        self.employers()
        self.mentor_programmes()
        return self.services


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=seeds.demo.__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=SEEDS, help="output folder (default: seeds/)")
    args = ap.parse_args(argv)
    b = Builder()
    services = b.build()
    for s in services:
        s.pop("_district", None)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "demo_catalogue.json").write_text(json.dumps(services, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(MENTOR_HEADER)
    w.writerows(b.mentors())
    (out / "mentors.csv").write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(services)} services from {len({s['organization']['id'] for s in services})} organisations, "
          f"{len(buf.getvalue().splitlines()) - 1} mentors -> {out}")


