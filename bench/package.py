"""`python -m bench.package` (`make package-check`): `sam build` the stack as Lambda gets it,
zip each function and the layer, and hold them to the deployment budgets.

Budgets: each zip ≤ 25 MB (ours: a deploy should stay quick and a layer lean; Lambda's own
limit is 50 MB zipped per upload and 250 MB unzipped for a function plus its layers), and the
layer holds no boto3/botocore (the runtime has them), no test suites, and compiled bytecode.
Writes .data/package.json. Exit code 0 when every budget is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
ZIPPED_BUDGET_MB = 25.0
UNZIPPED_LIMIT_MB = 250.0  # Lambda: a function and all its layers, unzipped
NOT_BUNDLED = ("boto3", "botocore", "s3transfer")
EPOCH = (1980, 1, 1, 0, 0, 0)  # zip timestamps fixed, so equal inputs give equal bytes


@dataclass(frozen=True, slots=True)
class Artifact:
    name: str
    files: int
    unzipped_mb: float
    zipped_mb: float
    sha256: str
    problems: list[str]


def deterministic_zip(directory: Path) -> bytes:
    """The directory as a zip with sorted entries and fixed timestamps and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def layer_problems(site: Path) -> list[str]:
    """What must not be in (or must be in) the layer's python/ directory."""
    problems = [f"{name} is bundled" for name in NOT_BUNDLED if (site / name).exists()]
    problems += [f"test suite {p.relative_to(site)}" for p in site.rglob("tests") if p.is_dir()]
    sources = list((site / "shop").rglob("*.py"))
    compiled = {p.name.split(".")[0] for p in (site / "shop").rglob("*.cpython-312.pyc")}
    missing = sorted({p.stem for p in sources} - compiled)
    if not sources:
        problems.append("the shop package is missing")
    elif missing:
        problems.append(f"{len(missing)} shop modules without .pyc, e.g. {missing[0]}")
    return problems


def measure(build_dir: Path) -> list[Artifact]:
    artifacts = []
    for directory in sorted(p for p in build_dir.iterdir() if p.is_dir()):
        files = [p for p in directory.rglob("*") if p.is_file()]
        data = deterministic_zip(directory)
        problems = layer_problems(directory / "python") if (directory / "python").is_dir() else []
        zipped = len(data) / MB
        if zipped > ZIPPED_BUDGET_MB:
            problems.append(f"{zipped:.1f} MB zipped, over {ZIPPED_BUDGET_MB:.0f} MB")
        artifacts.append(
            Artifact(
                name=directory.name,
                files=len(files),
                unzipped_mb=round(sum(p.stat().st_size for p in files) / MB, 2),
                zipped_mb=round(zipped, 2),
                sha256=hashlib.sha256(data).hexdigest(),
                problems=problems,
            )
        )
    return artifacts


def sam_build(build_dir: Path, python: str) -> None:
    """`sam build` from the repository root (samconfig.toml names the template)."""
    sam = ROOT / ".venv-tools" / "bin" / "sam"
    env = os.environ | {
        "SAM_CLI_TELEMETRY": "0",
        "FACET_PYTHON": python,  # layers/shared/Makefile compiles with it
        # SAM's python builder looks for python3.12 on PATH for the functions.
        "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    shutil.rmtree(build_dir, ignore_errors=True)
    subprocess.run(
        [str(sam), "build", "--no-cached", "--build-dir", str(build_dir)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def report(artifacts: list[Artifact]) -> str:
    lines = [
        f"{'artifact':<28} {'files':>6} {'unzipped MB':>12} {'zipped MB':>10}  verdict",
        f"{'-' * 28} {'-' * 6} {'-' * 12} {'-' * 10}  -------",
    ]
    for a in artifacts:
        verdict = "PASS" if not a.problems else "FAIL: " + "; ".join(a.problems)
        sizes = f"{a.files:>6} {a.unzipped_mb:>12.2f} {a.zipped_mb:>10.2f}"
        lines.append(f"{a.name:<28} {sizes}  {verdict}")
    lines.append(
        f"largest function + layer, unzipped: {unzipped_total(artifacts):.1f} MB"
        f" (Lambda's limit {UNZIPPED_LIMIT_MB:.0f})"
    )
    return "\n".join(lines)


def unzipped_total(artifacts: list[Artifact]) -> float:
    """What Lambda unpacks for the largest function: it and the (one, shared) layer."""
    layers = [a for a in artifacts if a.name.endswith("Layer")]
    functions = [a for a in artifacts if not a.name.endswith("Layer")]
    return sum(a.unzipped_mb for a in layers) + max((a.unzipped_mb for a in functions), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.package", description=__doc__)
    parser.add_argument("--python", default=sys.executable, help="a Python 3.12 for the build")
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".data" / "sam-build")
    parser.add_argument("--no-build", action="store_true", help="measure an existing build")
    args = parser.parse_args(argv)
    if not args.no_build:
        sam_build(args.build_dir, args.python)
    artifacts = measure(args.build_dir)
    sys.stdout.write(report(artifacts) + "\n")
    out = ROOT / ".data" / "package.json"
    out.write_text(json.dumps([asdict(a) for a in artifacts], indent=2) + "\n")
    sys.stdout.write(f"JSON: {out}\n")
    over = unzipped_total(artifacts) > UNZIPPED_LIMIT_MB
    return 1 if over or any(a.problems for a in artifacts) else 0


if __name__ == "__main__":
    sys.exit(main())
