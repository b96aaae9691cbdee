"""The ranking core must stay free of web and database frameworks."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_pulls_in_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matcher.matching, matcher.matching.ranker, matcher.matching.learning;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_data_is_shipped_inside_the_package():
    from matcher.matching.geo import DATA_DIR

    assert "shared" not in str(DATA_DIR)
    for name in ("dk_postnumre_centroids.csv", "postnr_to_bydel.csv", "kk_bydele_centroids.csv",
                 "kk_bydele_2023.geojson", "CREDITS.md"):
        assert (DATA_DIR / name).is_file(), name
