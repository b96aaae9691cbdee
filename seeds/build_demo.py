"""Write the demo data: kept so ``python seeds/build_demo.py [--out DIR]`` works; the generator is ``seeds.demo``."""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from seeds.demo.cli import main

    main()
