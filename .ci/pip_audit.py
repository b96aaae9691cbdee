"""Run pip-audit on the installed environment; fail on any known vulnerability.

pip-audit asks PyPI's JSON API (``/pypi/<name>/<version>/json``) for each installed release. Where
that service cannot be reached — this workplace's network only mirrors package downloads, so every
package comes back "not found" — nothing can be audited: say so loudly, and fail only when
``MATCHER_AUDIT_STRICT=1`` (set it where the service is reachable, e.g. a release pipeline).
Accepted findings go in ``IGNORED`` with the reason; there are none.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 - runs pip-audit from this virtualenv with fixed arguments
import sys
from pathlib import Path

IGNORED: dict[str, str] = {}  # vulnerability id → why it does not apply


def main() -> int:
    command = [str(Path(sys.executable).with_name("pip-audit")), "--format", "json", "--progress-spinner", "off",
               "--skip-editable", "--desc", "on"]
    command += [arg for vuln in IGNORED for arg in ("--ignore-vuln", vuln)]
    done = subprocess.run(command, capture_output=True, text=True)  # nosec B603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed (exit {done.returncode}):\n{done.stderr}", file=sys.stderr)
        return 1
    deps = report["dependencies"]
    audited = [d for d in deps if "skip_reason" not in d]
    found = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
    for name, version, vuln in found:
        print(f"{name} {version}: {vuln['id']} (fixed in {', '.join(vuln.get('fix_versions', [])) or '-'})"
              f" {vuln.get('description', '')[:200]}")
    print(f"pip-audit: {len(audited)} of {len(deps)} installed packages audited, {len(found)} known vulnerabilities")
    if found:
        return 1
    if not audited:
        print("pip-audit: WARNING no vulnerability service reachable; nothing could be audited "
              f"({deps[0]['skip_reason'] if deps else 'no packages'})", file=sys.stderr)
        return 1 if os.environ.get("MATCHER_AUDIT_STRICT") == "1" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
