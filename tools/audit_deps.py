"""`make audit-deps`: pip-audit over requirements.txt, and a clear word when it could not look.

1. pip resolves requirements.txt (the package registry) into exact versions of every package it
   installs, transitive ones included: var/audit/resolved.txt.
2. pip-audit looks each one up in every vulnerability service it knows: PyPI's JSON API (per
   version) and OSV (api.osv.dev). A package counts as audited when at least one service
   answered for it.
3. Exit 0: every package audited, no known vulnerability. Exit 1: known vulnerabilities (listed).
   Exit 2: some or all packages could NOT be audited (the services were unreachable) — never a
   silent pass. pip-audit itself exits 0 when PyPI answers "not found" for every package, which
   is what the registry mirror of these machines does; hence this wrapper.

Reports: var/audit/pip-audit-<service>.json.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "audit"
SERVICES = ("pypi", "osv")
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve() -> dict[str, str]:
    report = OUT / "resolved.json"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed", "--disable-pip-version-check",
         "--report", str(report), "-r", str(ROOT / "requirements.txt")],
        capture_output=True, text=True,
    )
    if result.returncode != 0:  # the registry is needed to resolve: without it nothing is audited
        print(result.stderr[-2000:], file=sys.stderr)
        print("NOT AUDITED: pip could not resolve requirements.txt (is the package registry reachable?)")
        raise SystemExit(2)
    packages = {canonical(item["metadata"]["name"]): item["metadata"]["version"]
                for item in json.loads(report.read_text())["install"]}
    (OUT / "resolved.txt").write_text("".join(f"{name}=={version}\n" for name, version in sorted(packages.items())))
    return packages


def audit(service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON for the resolved packages from one service, or None and why not."""
    output = OUT / f"pip-audit-{service}.json"
    output.unlink(missing_ok=True)
    result = subprocess.run(
        [str(PIP_AUDIT), "-r", str(OUT / "resolved.txt"), "--no-deps", "--disable-pip", "-s", service, "-f", "json",
         "-o", str(output), "--progress-spinner", "off", "--timeout", "20"],
        capture_output=True, text=True,
    )
    if not output.exists():
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        return None, lines[-1][:300] if lines else f"pip-audit exited {result.returncode}"
    return json.loads(output.read_text()), ""


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    packages = resolve()
    print(f"pip-audit: {len(packages)} packages resolved from requirements.txt (var/audit/resolved.txt)")
    audited, vulnerable = set(), {}
    for service in SERVICES:
        report, error = audit(service)
        if report is None:
            print(f"  {service}: UNREACHABLE — {error}")
            continue
        answered = [d for d in report["dependencies"] if "skip_reason" not in d]
        skipped = [d for d in report["dependencies"] if "skip_reason" in d]
        print(f"  {service}: answered for {len(answered)} of {len(packages)} packages"
              + (f"; no answer for {len(skipped)} (e.g. {skipped[0]['skip_reason']})" if skipped else ""))
        for dependency in answered:
            audited.add(canonical(dependency["name"]))
            for vuln in dependency.get("vulns", []):
                key = (canonical(dependency["name"]), dependency["version"])
                vulnerable.setdefault(key, {})[vuln["id"]] = vuln.get("fix_versions", [])

    if vulnerable:
        print(f"\nKNOWN VULNERABILITIES in {len(vulnerable)} packages:")
        for (name, version), vulns in sorted(vulnerable.items()):
            for vuln_id, fixes in sorted(vulns.items()):
                print(f"  {name}=={version}  {vuln_id}  fixed in: {', '.join(fixes) or 'no fix yet'}")
        return 1
    missing = sorted(set(packages) - audited)
    if missing:
        print(f"\nNOT AUDITED: {len(missing)} of {len(packages)} packages could not be checked against any vulnerability "
              f"service ({', '.join(SERVICES)}). This is not a pass. Unchecked: {', '.join(missing[:12])}"
              + (" …" if len(missing) > 12 else ""))
        return 2
    print(f"\nAll {len(packages)} packages audited: no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
