"""Command line: `python3 -m ctml_codegen convert MODEL --name NAME [options]`."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from .api import TARGETS, convert
from .errors import ConversionError

PICKLE_WARNING = ("Loading a pickle (.pkl/.joblib) runs code stored in the file: only load files you trust. "
                  "Pickles are refused unless --allow-pickle is given. XGBoost .json/.ubj and LightGBM .txt/.json models load without running code.")


def load_model(path: Path, allow_pickle: bool):
    if not path.exists():
        raise ConversionError(f"model file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".txt" or (suffix == ".json" and _is_lightgbm_json(path)):
        return str(path)   # a LightGBM model (Booster.save_model text or dump_model JSON): frontends/lightgbm.py reads it
    if suffix in (".json", ".ubj"):
        return _load_xgboost(path)
    if suffix in (".pkl", ".pickle", ".joblib"):
        if not allow_pickle:
            raise ConversionError(f"{path} is a pickle; loading it runs code from the file. "
                                  "Pass --allow-pickle if you trust it.")
        import pickle
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except Exception as e:
            raise ConversionError(f"{path} is not a readable pickle: {e}") from e
    if suffix == ".tflite":
        return path
    if suffix == ".onnx":
        from .frontends.onnx_nn import load
        return load(path)
    raise ConversionError(f"unknown model file type {suffix!r}; use .pkl/.joblib (scikit-learn, with --allow-pickle), "
                          ".json/.ubj (XGBoost), .txt/.json (LightGBM), .onnx or .tflite (a network)")


def _load_xgboost(path: Path):
    """XGBoost's loader crashes (SIGSEGV) on some truncated .ubj files and reports missing fields
    as its own internals ("map::at", "basic_string::_M_replace_aux"): a child process tries the
    file first, and any failure becomes one message about the file."""
    import subprocess
    bad = f"{path} is not a valid XGBoost model file"
    if path.suffix.lower() == ".json":
        import json
        try:
            doc = json.loads(path.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ConversionError(f"{bad}: not complete JSON ({e.msg} at byte {getattr(e, 'pos', '?')}; truncated?)") from e
        if not isinstance(doc, dict) or not isinstance(doc.get("learner"), dict) or "version" not in doc:
            raise ConversionError(f"{bad}: no 'learner' and 'version' (save it with Booster.save_model or XGBClassifier.save_model)")
    probe = "import sys, xgboost; xgboost.Booster().load_model(sys.argv[1])"
    r = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True)
    if r.returncode < 0:
        raise ConversionError(f"{bad}: XGBoost's loader crashed on it (signal {-r.returncode}); the file is truncated or corrupt")
    if r.returncode != 0:
        errs = [l for l in r.stderr.splitlines() if "XGBoostError:" in l]
        native = re.sub(r"^\[[0-9:]+\] \S+: ", "", errs[-1].split("XGBoostError:", 1)[1].strip()) if errs else ""
        if not native or any(k in native for k in ("map::at", "basic_string", "std::", "vector::", "Invalid cast", "Check failed")):
            raise ConversionError(f"{bad}: fields XGBoost needs are missing, damaged or cut off (a truncated or edited file)")
        raise ConversionError(f"{bad}: {native[:200]}")
    import xgboost as xgb
    booster = xgb.Booster()
    booster.load_model(str(path))
    return booster


CPP_KEYWORDS = frozenset("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline
int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch template this
thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while xor
xor_eq main""".split())


def check_name(name: str) -> None:
    """The model's C++ name: a lower-case identifier that is no keyword and reserved by no rule."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ConversionError(f"--name {name!r} must be a lower-case C++ identifier (letters a-z, digits, _; not starting with a digit)")
    if name in CPP_KEYWORDS:
        raise ConversionError(f"--name {name!r} is a C++ keyword; pick another name, e.g. {name}_model")
    if name.startswith("__") or "__" in name or re.match(r"_[A-Z]", name):
        raise ConversionError(f"--name {name!r} contains a double underscore, which C++ reserves; pick another name")


def _is_lightgbm_json(path: Path) -> bool:
    """A LightGBM dump_model JSON (it has tree_info), not an XGBoost model."""
    import json
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(doc, dict) and "tree_info" in doc


KINDS = ("model kinds: scikit-learn trees and forests (DecisionTree, RandomForest, ExtraTrees, GradientBoosting, "
         "IsolationForest), linear models, SVC/SVR, k-NN, GaussianNB, MLPClassifier/MLPRegressor and Pipelines with "
         "a scaler (.pkl/.joblib, with --allow-pickle); XGBoost (.json/.ubj); LightGBM (.txt/.json); ONNX networks "
         "(.onnx, int8 with --sample); TFLite int8 networks (.tflite).")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit 2 (argparse prints the usage first)."""
    def error(self, message):
        self.exit(2, f"ctml codegen: error: {message} (see --help)\n")


def main(argv=None) -> int:
    """Every failure is one line on stderr and exit status 2, with nothing written (the families
    write all-or-nothing); an unexpected exception too, rather than a traceback."""
    try:
        return _main(argv)
    except (ConversionError, OSError, ValueError, KeyError, TypeError) as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        print(f"ctml codegen: error: {msg}", file=sys.stderr)
        return 2


def _main(argv=None) -> int:
    from . import __version__
    ap = _Parser(prog="python3 -m ctml_codegen",
                 description="Convert a trained model into a ctml C++20 header. " + KINDS, epilog=PICKLE_WARNING)
    ap.add_argument("--version", action="version", version=f"ctml codegen {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert", help="convert a model file", description=KINDS, epilog=PICKLE_WARNING)
    c.add_argument("model", type=Path, help="model file: .pkl/.joblib (scikit-learn), .json/.ubj (XGBoost), .onnx or .tflite (int8)")
    c.add_argument("--name", required=True, help="C++ name of the model (lower-case identifier)")
    c.add_argument("--out", type=Path, default=Path("models"), help="output directory (default: models)")
    c.add_argument("--allow-pickle", action="store_true", help="allow loading a pickle (runs code from the file)")
    c.add_argument("--feature-bits", type=int, choices=(0, 8, 16), default=None,
                   help="input type: 0 float, 8/16 integer codes (default: integer when --sample is integer-valued)")
    c.add_argument("--sample", type=Path, help=".npy or .npz (array X) of typical inputs, to choose the input codes")
    c.add_argument("--vectors", type=Path, help=".npz with X (and y) held-out data: also write <name>_vectors.hpp")
    c.add_argument("--target", choices=sorted(TARGETS), default="host", help="target whose budgets and code-size figures apply")
    c.add_argument("--layout", choices=("automatic", "unrolled", "table"), default="automatic",
                   help="trees, linear and kernel models: code unrolled into instructions, tables in flash read by a "
                        "loop, or automatic (default: unrolled while its flash fits the limit, else table)")
    c.add_argument("--flash-budget", type=int, help="bytes of flash the model may use")
    c.add_argument("--ram-budget", type=int, help="bytes of RAM the model may use")
    c.add_argument("--drop-last", action="store_true",
                   help="networks (MLPClassifier/MLPRegressor): convert the frozen part without the final layer, "
                        "a feature extractor for a tinyOL head (ctml::learn::tinyol)")
    c.add_argument("--float-network", action="store_true",
                   help="networks (MLP, ONNX): also write <name>_float.hpp, the network in float with the trained "
                        "weights (host, Cortex-M4F/M7), beside the int8 header")
    sm = c.add_mutually_exclusive_group()
    sm.add_argument("--softmax", dest="softmax", action="store_const", const=True, default=None,
                    help="networks: end a classifier in a softmax (probabilities(), predict_proba()) if it ends in logits")
    sm.add_argument("--no-softmax", dest="softmax", action="store_const", const=False,
                    help="networks: leave a final softmax out (predict needs only the logits; saves its table)")
    c.add_argument("--test-codes", type=int, metavar="N",
                   help=".tflite: also write <name>_vectors.hpp for N deterministic pseudo-random int8 inputs "
                        "(numpy seed 0) with the numpy reference's outputs")
    c.add_argument("--tflite-softmax", choices=("exact", "fast"), default="exact",
                   help=".tflite: a final SOFTMAX as TFLite computes it (exact, default) or with ctml's faster table")
    e = sub.add_parser("export-arduino", help="write an Arduino / PlatformIO library folder for a model",
                       epilog=PICKLE_WARNING)
    e.add_argument("model", type=Path, help="a header ctml codegen wrote (.hpp), or a model file as for convert")
    e.add_argument("--name", required=True, help="library name, also the prefix of its C functions (a C identifier)")
    e.add_argument("--mcu", action="append", help="atmega328p (Uno, Nano), cortex-m4f / nrf52840 (Nano 33 BLE), "
                   "cortex-m0plus / samd21 (Zero); repeat for several (default atmega328p)")
    e.add_argument("--out", type=Path, default=Path("."), help="folder in which <name>/ is written (default: .)")
    e.add_argument("--layout", choices=("automatic", "unrolled", "table"), default="automatic")
    e.add_argument("--flash-budget", type=int, help="bytes of flash the model may add (default: the board's, minus its core)")
    e.add_argument("--ram-budget", type=int, help="bytes of RAM the model may use (default: the board's, minus its core)")
    e.add_argument("--allow-pickle", action="store_true", help="allow loading a pickle (runs code from the file)")
    e.add_argument("--sample", type=Path, help="as for convert: typical inputs (.npy/.npz) to choose the input codes")
    e.add_argument("--feature-bits", type=int, choices=(0, 8, 16), default=None, help="as for convert")
    args = ap.parse_args(argv)
    if args.command == "export-arduino":
        return _export_arduino(args)
    try:
        check_name(args.name)
        if args.out.exists() and not args.out.is_dir():
            raise ConversionError(f"--out {args.out} is a file; it names the folder the header is written into")
        est = load_model(args.model, args.allow_pickle)
        sample = _array(args.sample, "X") if args.sample else None
        if args.model.suffix.lower() == ".tflite":
            return _convert_tflite(args)
        X_test = y_test = None
        if args.vectors:
            data = _npz(args.vectors)
            if "X" not in data:
                raise ConversionError(f"--vectors {args.vectors} needs an array X (and optionally y)")
            X_test, y_test = data["X"], (data["y"] if "y" in data else None)
        if args.model.suffix.lower() == ".onnx" or _is_network(est):
            return _convert_network(est, args, sample, X_test, y_test)
        for flag, given in (("--drop-last", args.drop_last), ("--softmax/--no-softmax", args.softmax is not None),
                            ("--float-network", args.float_network)):
            if given:
                raise ConversionError(f"{flag} applies to networks (.onnx, MLPClassifier/MLPRegressor) only")
        r = convert(est, args.name, args.out, X_sample=sample, feature_bits=args.feature_bits, target=args.target,
                    layout=args.layout, flash_budget=args.flash_budget, ram_budget=args.ram_budget,
                    X_test=X_test, y_test=y_test)
    except ConversionError as e:
        print(f"ctml codegen: error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {r.header} ({r.nodes} nodes, {r.layout} layout on {args.target}, "
          f"about {r.flash_estimate} B flash (code + constants), {r.ram_bytes} B RAM)")
    if r.reason:
        print(f"layout: {r.reason}")
    return 0


def _export_arduino(args) -> int:
    """A model file is converted into a temporary folder first (for the boards' target and
    budget), then the header is exported."""
    import tempfile
    from .export.arduino import export_arduino
    from .export.toolchain import mcu
    mcus = args.mcu or ["atmega328p"]
    try:
        boards = [mcu(m) for m in mcus]
        with tempfile.TemporaryDirectory(prefix="ctml-export-") as tmp:
            header = args.model
            if args.model.suffix.lower() not in (".hpp", ".h"):
                header = _convert_for_boards(args, boards, Path(tmp))
            r = export_arduino(header, args.name, args.out, mcus, layout=args.layout,
                               flash_budget=args.flash_budget, ram_budget=args.ram_budget)
    except ConversionError as e:
        print(f"ctml codegen: error: {e}", file=sys.stderr)
        return 2
    sizes = ", ".join(f"{f.mcu} {f.flash_bytes} B flash, {f.static_ram_bytes} + {f.stack_bytes} B RAM" for f in r.figures)
    print(f"wrote {r.folder} (model {r.model}: {sizes})")
    return 0


def _convert_for_boards(args, boards, work: Path) -> Path:
    est = load_model(args.model, args.allow_pickle)
    sample = _array(args.sample, "X") if args.sample else None
    target = "avr" if any(b.family == "avr" for b in boards) else "cortex-m"
    cname = args.name.lower() if re.fullmatch(r"[a-z_][a-z0-9_]*", args.name.lower()) else "model"
    if args.model.suffix.lower() == ".onnx" or _is_network(est):
        from .families.network import convert_network
        if sample is None:
            raise ConversionError("a network needs --sample: a .npy/.npz of typical inputs to calibrate its int8 activations")
        return Path(convert_network(est, cname, work, X_sample=sample, target=target).header)
    budget = args.flash_budget if args.flash_budget is not None else min(b.flash - b.core_flash for b in boards)
    return Path(convert(est, cname, work, X_sample=sample, feature_bits=args.feature_bits, target=target,
                        layout=args.layout, flash_budget=budget).header)


def _is_network(est) -> bool:
    return type(est).__module__.startswith("sklearn") and type(est).__name__ in ("MLPClassifier", "MLPRegressor")


def _convert_network(est, args, sample, X_test, y_test) -> int:
    """Networks (ONNX graphs, scikit-learn MLPs) go through nn_api.convert_network (int8, TFLite's
    scheme). --sample (calibration inputs, NCHW or (n, features) as the graph takes them) is required."""
    from .families.network import convert_network
    if sample is None:
        raise ConversionError("a network needs --sample: a .npy/.npz of typical inputs to calibrate its int8 activations")
    r = convert_network(est, args.name, args.out, X_sample=sample, target=args.target, ram_budget=args.ram_budget,
                        X_test=X_test, y_test=y_test, drop_last=args.drop_last, softmax=args.softmax,
                        float_path=args.float_network)
    what = "frozen part (final layer dropped)" if args.drop_last else "network"
    what += ", softmax" if r.qnet.has_softmax else ""
    print(f"wrote {r.header} (int8 {what}, {r.arena_bytes} B activations, {r.flash_bytes} B weights, {r.macs} MACs)")
    if args.float_network:
        print(f"wrote {Path(r.header).with_name(args.name + '_float.hpp')} (the same network in float)")
    return 0


def _convert_tflite(args) -> int:
    """A TFLite int8 model: its own quantization, so no --sample; --vectors may hold X (floats, NHWC) or codes (int8)."""
    from .families.network import convert_tflite
    for flag, given in (("--sample", args.sample), ("--drop-last", args.drop_last), ("--softmax/--no-softmax", args.softmax
                                                                                     is not None),
                        ("--float-network", args.float_network)):
        if given:
            raise ConversionError(f"{flag} does not apply to a .tflite model (it carries its own quantization)")
    X_test = codes = None
    if args.test_codes is not None and args.vectors:
        raise ConversionError("give --vectors or --test-codes, not both")
    if args.test_codes is not None:
        if args.test_codes < 1:
            raise ConversionError("--test-codes needs at least 1 input")
        from .frontends.tflite import input_shape
        codes = np.random.default_rng(0).integers(-128, 128, size=(args.test_codes,) + input_shape(args.model))
    if args.vectors:
        data = np.load(args.vectors, allow_pickle=False)
        X_test = data["X"] if "X" in data else None
        codes = data["codes"] if "codes" in data else None
        if X_test is None and codes is None:
            raise ConversionError(f"{args.vectors} needs an array X (floats, NHWC) or codes (int8)")
    r = convert_tflite(args.model, args.name, args.out, target=args.target, ram_budget=args.ram_budget, X_test=X_test,
                       X_test_codes=codes, softmax=args.tflite_softmax)
    print(f"wrote {r.header} (int8 network from TFLite, {r.arena_bytes} B activations, {r.flash_bytes} B weights, "
          f"{r.macs} MACs)")
    return 0


def _npz(path: Path):
    try:
        data = np.load(path, allow_pickle=False)
    except Exception as e:
        raise ConversionError(f"cannot read {path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from e
    if not hasattr(data, "files"):
        raise ConversionError(f"{path} is a .npy array; --vectors needs a .npz with X (and y)")
    return data


def _array(path: Path, key: str):
    try:
        data = np.load(path, allow_pickle=False)
    except Exception as e:
        raise ConversionError(f"cannot read {path}: {e}") from e
    return data[key] if hasattr(data, "files") else data
