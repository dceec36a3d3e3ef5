"""Generate Python (and typed stubs) from protos/ into gen/, or check gen/ is fresh.

`python -m tools.protogen gen` rewrites gen/; `python -m tools.protogen check` exits 1
when gen/ differs from what the protos produce (a test runs it, so stale code fails CI).
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
PROTOS = ROOT / "protos"
GEN = ROOT / "gen"


def _proto_files() -> list[str]:
    return sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))


def generate(out: Path) -> None:
    """Run protoc (bundled with grpcio-tools) with the mypy-protobuf plugins into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    include = str(Path(protoc.__file__).parent / "_proto")
    # The mypy plugins are console scripts beside this interpreter; name them
    # explicitly so the venv need not be on PATH.
    bindir = Path(sys.executable).parent
    args = [
        "protoc",
        f"--plugin=protoc-gen-mypy={bindir / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={bindir / 'protoc-gen-mypy_grpc'}",
        f"-I{PROTOS}",
        f"-I{include}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *_proto_files(),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # Regular packages (not namespace ones) so setuptools and mypy find them.
    for directory in [
        out / "syncstore",
        *(p for p in (out / "syncstore").rglob("*") if p.is_dir()),
    ]:
        (directory / "__init__.py").touch()
    (out / "syncstore" / "py.typed").touch()


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    found = [f"only in one: {n}" for n in cmp.left_only + cmp.right_only if n != "__pycache__"]
    found += [f"differs: {n}" for n in cmp.diff_files]
    for sub in cmp.common_dirs:
        if sub != "__pycache__":
            found += [f"{sub}/{d}" for d in _differences(a / sub, b / sub)]
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "gen"
    if command == "gen":
        shutil.rmtree(GEN / "syncstore", ignore_errors=True)
        generate(GEN)
        return 0
    if command == "check":
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            diffs = _differences(Path(tmp) / "syncstore", GEN / "syncstore")
        if diffs:
            print("gen/ is stale; run `make gen`:", *diffs, sep="\n  ")
            return 1
        print("gen/ is up to date")
        return 0
    print(f"usage: {argv[0]} gen|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
