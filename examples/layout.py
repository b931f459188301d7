"""Where a generated header lives. models/ holds the example models a user reads (EXAMPLES); every
other generated file (test vectors, held-out sets, learning streams, the models only the tests use)
is a conformance fixture and lives in tests/fixtures/. A generator writes into one folder and
settle() moves each file to its home; with an explicit --out (a test regenerating into a temporary
folder) everything stays in that one folder."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
FIXTURES = ROOT / "tests" / "fixtures"

# One model per family a newcomer looks for, and the ones the quick start builds.
EXAMPLES = ("breast_cancer_dt", "breast_cancer_rf", "digits_rf", "iris_logit", "iris_svc", "iris_gnb",
            "digits_mlp", "digits_cnn")


def home(filename: str) -> Path:
    """The folder a generated file belongs in: models/ for an example model, tests/fixtures/ otherwise."""
    return MODELS if Path(filename).stem in EXAMPLES else FIXTURES


def generate(out, write) -> None:
    """Calls write(folder): into `out` when given, else into a temporary folder whose files are then
    moved to their homes (each replaced whole, so a failed run leaves the tree as it was)."""
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
        write(Path(out))
        return
    with tempfile.TemporaryDirectory(prefix="ctml-gen-") as tmp:
        write(Path(tmp))
        for f in sorted(Path(tmp).iterdir()):
            dest = home(f.name)
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest / f.name)


def network_main(doc: str, networks: dict, describe) -> int:
    """The command line of a network generator: --out and --only over `networks` (name -> make(out)),
    printing describe(name, result) for each network written."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--out", default=None, help="one folder for every file (default: examples/layout.py)")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args()

    def write(out: Path) -> None:
        for name, make in networks.items():
            if not args.only or name in args.only:
                print(describe(name, make(str(out))))
    generate(args.out, write)
    return 0
