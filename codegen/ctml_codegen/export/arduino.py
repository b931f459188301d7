"""An Arduino / PlatformIO library from a ctml model: the model compiled by ctml's own toolchain
(clang-16 for AVR, arm-none-eabi-gcc for Cortex-M) into one `.S` per MCU, which any board core's
assembler builds, behind a plain C/C++11 header (src/NAME.h) with the model's figures as macros.

Why `.S` and not a precompiled archive (library.properties `precompiled=true`, src/<mcu>/libNAME.a):
Debian's arduino-builder 1.3.25 (the `arduino` 1.8.19 package) ignores `precompiled` and links
nothing from it (tested: `undefined reference`), whereas every builder and PlatformIO assembles a
library's .S files. Each .S is wrapped in its MCU's preprocessor guard, so a board keeps its own."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..errors import ConversionError
from . import toolchain as tc

KINDS = {1: "float", 2: "int8_t", 3: "uint8_t", 4: "int16_t", 5: "uint16_t", 6: "int32_t", 7: "uint32_t"}
META_FIELDS = ("magic", "n_features", "input", "output", "proba_n", "proba", "decision_n", "decision",
               "stack", "model_flash")
MAGIC = 0x43544D4C


@dataclass(frozen=True)
class McuFigures:
    mcu: str
    flash_bytes: int        # what linking the library adds to a program (code, constants, runtime helpers)
    static_ram_bytes: int   # .data + .bss it adds
    stack_bytes: int        # the model's ram_bytes: scratch and call frames during one inference
    model_flash_bytes: int  # the model's flash_bytes: its constants alone


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    model: str
    figures: tuple
    undefined: dict         # per MCU, the runtime symbols the object takes from libgcc / libm / libc


def _model_name(header: Path) -> str:
    first = header.read_text().splitlines()[0] if header.exists() else ""
    m = re.match(r"// ctml model `([a-z_][a-z0-9_]*)`", first)
    if not m:
        raise ConversionError(f"{header} is not a header written by ctml codegen (its first line names the model)")
    return m.group(1)


def _probe_source(header: Path, model: str, layout: str) -> str:
    """A translation unit whose .ctml_meta section holds the model's interface and figures."""
    return f"""#include <array>
#include <cstdint>
#include <type_traits>
#include "{header.name}"
namespace {{
using namespace ctml_models;
using model = {model}_t<ctml::layout::{layout}>;
template <class T> constexpr std::int32_t kind() {{
  if constexpr (std::is_same_v<T, float>) return 1;
  else if constexpr (std::is_integral_v<T> && sizeof(T) == 1) return std::is_signed_v<T> ? 2 : 3;
  else if constexpr (std::is_integral_v<T> && sizeof(T) == 2) return std::is_signed_v<T> ? 4 : 5;
  else if constexpr (std::is_integral_v<T> && sizeof(T) == 4) return std::is_signed_v<T> ? 6 : 7;
  else return 0;
}}
template <class T> struct shape {{ static constexpr std::int32_t n = 0, k = kind<T>(); }};
template <class T, std::size_t N> struct shape<std::array<T, N>> {{ static constexpr std::int32_t n = N, k = kind<T>(); }};
template <class M> constexpr std::int32_t proba(bool n) {{
  if constexpr (requires(const typename M::input_type& x) {{ M::predict_proba(x); }})
    return n ? shape<decltype(M::predict_proba(std::declval<typename M::input_type>()))>::n
             : shape<decltype(M::predict_proba(std::declval<typename M::input_type>()))>::k;
  else return -1;
}}
template <class M> constexpr std::int32_t decision(bool n) {{
  if constexpr (requires(const typename M::input_type& x) {{ M::decision_function(x); }})
    return n ? shape<decltype(M::decision_function(std::declval<typename M::input_type>()))>::n
             : shape<decltype(M::decision_function(std::declval<typename M::input_type>()))>::k;
  else return -1;
}}
}}
[[gnu::used, gnu::section(".ctml_meta")]] extern const std::int32_t ctml_meta[] = {{
    {MAGIC}, model::n_features, kind<typename model::input_type::value_type>(), kind<typename model::output_type>(),
    proba<model>(true), proba<model>(false), decision<model>(true), decision<model>(false),
    static_cast<std::int32_t>(model::ram_bytes), static_cast<std::int32_t>(model::flash_bytes)}};
"""


def _labels_source(model: str, n: int) -> str:
    items = ", ".join(f"static_cast<std::int32_t>(ctml_models::{model}_info::class_labels[{i}])" for i in range(n))
    return f'[[gnu::used, gnu::section(".ctml_labels")]] extern const std::int32_t ctml_labels[] = {{{items}}};\n'


def _probe(m: tc.Mcu, header: Path, model: str, layout: str, n_labels: int, work: Path) -> dict:
    src = work / f"probe_{m.name}.cpp"
    text = _probe_source(header, model, layout)
    if n_labels:
        text += _labels_source(model, n_labels)
    src.write_text(text)
    obj = src.with_suffix(".o")
    tc.compile_object(m, src, [header.parent], obj)
    values = tc.read_meta(m, obj)
    if len(values) != len(META_FIELDS) or values[0] != MAGIC:
        raise ConversionError(f"{header.name} did not give the model's figures for {m.name}")
    meta = dict(zip(META_FIELDS, values))
    meta["labels"] = tc.read_meta(m, obj, ".ctml_labels") if n_labels else []
    for key in ("input", "output"):
        if meta[key] not in KINDS:
            raise ConversionError(f"{model}'s {key} type has no C equivalent; the export supports float and 8-32 bit integers")
    return meta


def _has(m: tc.Mcu, header: Path, model: str, layout: str, fn: str, work: Path) -> bool:
    """Whether the model really offers `fn` (some declare it and static_assert when it is absent)."""
    src = work / f"has_{fn}.cpp"
    src.write_text(f'#include "{header.name}"\nusing model = ctml_models::{model}_t<ctml::layout::{layout}>;\n'
                   f"auto use(const model::input_type& x) {{ return model::{fn}(x); }}\n")
    return tc.compiles(m, src, [header.parent])


def _api(name: str, meta: dict, has_quantize: bool) -> list:
    """(C declaration, C++20 definition) of each entry point."""
    n, tin, tout = meta["n_features"], KINDS[meta["input"]], KINDS[meta["output"]]
    codes = meta["input"] != 1
    inputs = []  # (suffix, C parameter type, C++ expression giving the model's input)
    if codes:
        inputs.append(("_codes", tin, "*reinterpret_cast<const model::input_type*>(x)"))
        if has_quantize:
            inputs.append(("", "float", "info::quantize(*reinterpret_cast<const std::array<float, n>*>(x))"))
    else:
        inputs.append(("", "float", "*reinterpret_cast<const model::input_type*>(x)"))
    out = []
    for sfx, ptype, arg in inputs:
        out.append((f"{tout} {name}_predict{sfx}(const {ptype} x[{n}])",
                    f"return model::predict({arg});"))
        for what, fn in (("proba", "predict_proba"), ("decision", "decision_function")):
            k = meta[f"{what}_n"]
            if k < 0 or meta[what] not in KINDS:
                continue
            t = KINDS[meta[what]]
            if k == 0:
                out.append((f"{t} {name}_{fn}{sfx}(const {ptype} x[{n}])", f"return model::{fn}({arg});"))
            else:
                out.append((f"void {name}_{fn}{sfx}(const {ptype} x[{n}], {t} out[{k}])",
                            f"const auto y = model::{fn}({arg});\n  for (std::size_t i = 0; i < {k}; ++i) out[i] = y[i];"))
    return out


def _wrapper(header: Path, model: str, layout: str, api: list, n: int) -> str:
    defs = []
    for decl, body in api:
        cxx = re.sub(r"(\w+) x\[\d+\]", r"const \1* x", decl.replace("const ", ""))
        cxx = re.sub(r"(\w+) out\[\d+\]", r"\1* out", cxx)
        defs.append(f'extern "C" {cxx} noexcept {{\n  {body}\n}}\n')
    return (f'// The exported entry points of `{model}`, compiled by ctml\'s toolchain. Generated; do not edit.\n'
            f'#include <array>\n#include <cstdint>\n#include "{header.name}"\n'
            f'namespace {{\nusing model = ctml_models::{model}_t<ctml::layout::{layout}>;\n'
            f'namespace info = ctml_models::{model}_info;\nconstexpr std::size_t n = {n};\n'
            f'static_assert(sizeof(typename model::input_type) == n * sizeof(typename model::input_type::value_type));\n}}\n'
            + "\n".join(defs))


def _c_header(name: str, model: str, source: str, api: list, meta: dict, figures: list, mcus: list) -> str:
    up = name.upper()
    lines = [f"// {name}: the ctml model `{model}` as an Arduino library. Generated by ctml codegen; do not edit.",
             f"// {source}",
             "// Plain C / C++11: the model itself was compiled by ctml's toolchain (src/*.S, one per MCU).",
             "#pragma once", "#include <stdint.h>", "",
             f"#define {up}_N_FEATURES {meta['n_features']}"]
    if meta["labels"]:
        lines += [f"#define {up}_N_CLASSES {len(meta['labels'])}",
                  f"// {name}_predict returns a class index; its label is {up}_CLASS_LABELS[index].",
                  f"#define {up}_CLASS_LABELS {{{', '.join(str(v) for v in meta['labels'])}}}"]
    if meta["input"] != 1:
        lines += [f"// {name}_predict_codes takes the model's integer input codes ({KINDS[meta['input']]});"
                  f" {name}_predict quantizes float features to them first."]
    lines += ["", "// Figures per MCU, in bytes: FLASH is what linking the model adds to a sketch that calls every function",
              "// below (code, constants, the runtime helpers they call; the linker drops the ones a sketch does not",
              "// call); STATIC_RAM is its .data + .bss; STACK the most it uses during one inference.",
              f"// A budget check: static_assert({up}_FLASH_BYTES <= 8192, \"the model needs more flash than planned\");"]
    for i, (m, f) in enumerate(zip(mcus, figures)):
        lines += [f"#{'if' if i == 0 else 'elif'} {m.guard}  // {m.name}: {m.boards}",
                  f"#define {up}_MCU \"{m.name}\"",
                  f"#define {up}_FLASH_BYTES {f.flash_bytes}u",
                  f"#define {up}_STATIC_RAM_BYTES {f.static_ram_bytes}u",
                  f"#define {up}_STACK_BYTES {f.stack_bytes}u",
                  f"#define {up}_RAM_BYTES {f.static_ram_bytes + f.stack_bytes}u",
                  f"#define {up}_MODEL_CONSTANT_BYTES {f.model_flash_bytes}u"]
    lines += ["#else",
              f"#error \"{name} was exported for {', '.join(m.name for m in mcus)} only: re-export it with "
              f"python3 -m ctml_codegen export-arduino ... --mcu <this board's MCU>\"",
              "#endif", "", "#ifdef __cplusplus", 'extern "C" {', "#endif"]
    lines += [f"{decl};" for decl, _ in api]
    lines += ["#ifdef __cplusplus", "}", "#endif", ""]
    return "\n".join(lines)


def _example(name: str, meta: dict, entries: list) -> str:
    """A sketch that reads one sample per line from Serial and prints the answer. It uses the float
    entry point when there is one, else the integer codes (a model whose header has no quantizer)."""
    up = name.upper()
    floats = f"{name}_predict" in entries
    ctype, read, fn = ("float", "Serial.parseFloat()", f"{name}_predict") if floats else \
        (KINDS[meta["input"]], f"({KINDS[meta['input']]})Serial.parseInt()", f"{name}_predict_codes")
    classes = bool(meta["labels"])
    show = (f"  static const long labels[{up}_N_CLASSES] = {up}_CLASS_LABELS;\n  Serial.println(labels[{fn}(x)]);\n"
            if classes else f"  Serial.println({fn}(x));\n")
    what = "numbers" if floats else "integer input codes"
    return f"""// {name}: reads {up}_N_FEATURES {what} from Serial (separated by spaces, commas or newlines)
// and prints the model's answer{' (the class label)' if classes else ''}. Generated by ctml codegen.
#include <{name}.h>

static {ctype} x[{up}_N_FEATURES];

void setup() {{
  Serial.begin(115200);
  Serial.setTimeout(60000);
}}

void loop() {{
  for (int i = 0; i < {up}_N_FEATURES; ++i) x[i] = {read};
{show}}}
"""


def _properties(name: str, model: str, mcus: list, version: str) -> tuple[str, str]:
    archs = sorted({a for m in mcus for a in m.architectures})
    plats = sorted({p for m in mcus for p in m.platforms})
    sentence = f"The ctml model {model}, compiled for {', '.join(m.name for m in mcus)}."
    props = "\n".join([f"name={name}", f"version={version}", "author=ctml codegen", "maintainer=ctml codegen",
                       f"sentence={sentence}",
                       "paragraph=Inference compiled by ctml's C++20 toolchain; this library needs no C++20 compiler.",
                       "category=Data Processing", "url=https://example.invalid/ctml", f"architectures={','.join(archs)}",
                       f"includes={name}.h", ""])
    import json
    js = json.dumps({"name": name, "version": version, "description": sentence, "keywords": ["ctml", "machine learning"],
                     "frameworks": ["arduino"], "platforms": plats, "build": {"srcDir": "src"}}, indent=2) + "\n"
    return props, js


def export_arduino(header, name: str, out_dir=".", mcus: Sequence[str] = ("atmega328p",), *, layout: str = "automatic",
                   flash_budget: Optional[int] = None, ram_budget: Optional[int] = None,
                   version: str = "1.0.0") -> ExportResult:
    """Writes <out_dir>/<name>/ (library.properties, library.json, src/<name>.h, src/<name>_<mcu>.S,
    examples/<name>/<name>.ino), or nothing. `header` is a model header ctml codegen wrote
    (`convert(...).header`; the CLI converts a model file first). Budgets default to the board's
    flash and RAM minus what its core's Serial sketch takes."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ConversionError(f"library name {name!r} must be a C identifier (letters, digits, _)")
    if layout not in ("automatic", "unrolled", "table"):
        raise ConversionError("layout must be automatic, unrolled or table")
    boards = []
    for s in mcus or ("atmega328p",):
        m = tc.mcu(s)
        if m not in boards:
            boards.append(m)
    dest = Path(out_dir) / name
    if dest.exists():
        raise ConversionError(f"{dest} already exists; remove it or choose another --out/--name")
    near = Path(out_dir).resolve()
    while not near.exists():  # the temporary folder must be on the same file system for the rename
        near = near.parent
    with tempfile.TemporaryDirectory(prefix=".ctml-export-", dir=str(near)) as tmp:
        work = Path(tmp) / "work"
        lib = Path(tmp) / name
        work.mkdir()
        header = Path(header)
        if header.suffix.lower() not in (".hpp", ".h"):
            raise ConversionError(f"{header}: pass the header ctml codegen wrote (.hpp); convert the model first")
        if not header.exists():
            raise ConversionError(f"model header {header} does not exist")
        header = header.resolve()
        model_name = _model_name(header)
        text = header.read_text()
        lab = re.search(rf"namespace {model_name}_info \{{\ninline constexpr std::array<long, (\d+)> class_labels", text)
        n_labels = int(lab.group(1)) if lab else 0
        has_quantize = re.search(rf"{model_name}_info[\s\S]*quantize\(const std::array<float", text) is not None
        metas = [_probe(m, header, model_name, layout, n_labels, work) for m in boards]
        for m, meta in zip(boards[1:], metas[1:]):
            for key in ("n_features", "input", "output", "proba_n", "proba", "decision_n", "decision", "labels"):
                if meta[key] != metas[0][key]:
                    raise ConversionError(f"{model_name}'s interface differs between {boards[0].name} and {m.name} "
                                          f"({key}); export them as separate libraries")
        for what, fn in (("proba", "predict_proba"), ("decision", "decision_function")):
            if metas[0][f"{what}_n"] >= 0 and not _has(boards[0], header, model_name, layout, fn, work):
                for meta in metas:
                    meta[f"{what}_n"] = -1
        api = _api(name, metas[0], has_quantize)
        entries = [re.match(r"\w+ (\w+)\(", d).group(1) for d, _ in api]
        wrapper = work / f"{name}.cpp"
        wrapper.write_text(_wrapper(header, model_name, layout, api, metas[0]["n_features"]))
        (lib / "src").mkdir(parents=True)
        figures, undefined = [], {}
        for m, meta in zip(boards, metas):
            obj = work / f"{m.name}.o"
            tc.compile_object(m, wrapper, [header.parent], obj)
            syms = tc.undefined_symbols(m, obj)
            tc.check_runtime(m, syms)
            undefined[m.name] = syms
            S = lib / "src" / f"{name}_{m.name.replace('-', '_')}.S"
            S.write_text(tc.gnu_assembly(m, tc.compile_asm(m, wrapper, [header.parent])))
            tc.assemble_like_arduino(m, S, work / f"{m.name}_S.o")
            tc.check_same_code(m, obj, work / f"{m.name}_S.o")
            flash, static = tc.link_cost(m, obj, entries, work)
            f = McuFigures(m.name, flash, static, meta["stack"], meta["model_flash"])
            _check_budget(name, m, f, flash_budget, ram_budget)
            figures.append(f)
        source = next((ln[3:] for ln in text.splitlines()[1:3] if ln.startswith("// Source:")), "")
        (lib / "src" / f"{name}.h").write_text(_c_header(name, model_name, source, api, metas[0], figures, boards))
        props, js = _properties(name, model_name, boards, version)
        (lib / "library.properties").write_text(props)
        (lib / "library.json").write_text(js)
        (lib / "examples" / name).mkdir(parents=True)
        (lib / "examples" / name / f"{name}.ino").write_text(_example(name, metas[0], entries))
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        if dest.exists():
            raise ConversionError(f"{dest} already exists; remove it or choose another --out/--name")
        for p in lib.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(lib, 0o755)
        os.rename(lib, dest)
    return ExportResult(dest, model_name, tuple(figures), undefined)


def _check_budget(name: str, m: tc.Mcu, f: McuFigures, flash_budget, ram_budget) -> None:
    flash = flash_budget if flash_budget is not None else m.flash - m.core_flash
    ram = ram_budget if ram_budget is not None else m.ram - m.core_ram
    if f.flash_bytes > flash:
        raise ConversionError(f"{name} needs {f.flash_bytes} B of flash on {m.name} but the budget is {flash} B "
                              f"({m.boards}); use a smaller model, the table layout, or --flash-budget")
    if f.static_ram_bytes + f.stack_bytes > ram:
        raise ConversionError(f"{name} needs {f.static_ram_bytes + f.stack_bytes} B of RAM on {m.name} but the budget "
                              f"is {ram} B; use a smaller model or --ram-budget")
