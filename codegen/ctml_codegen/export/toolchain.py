"""ctml's own compilers for the boards an Arduino library can target: compile a C++20 wrapper of a
model, turn the compiler's assembly into a `.S` that the board core's GNU assembler accepts (and
check that it assembles to the same bytes), and measure what linking it adds to a program."""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConversionError

ROOT = Path(__file__).resolve().parents[3]
INCLUDE = ROOT / "include"
CXX_FLAGS = ("-std=c++20", "-Os", "-DNDEBUG", "-ffunction-sections", "-fdata-sections", "-fno-exceptions",
             "-fno-rtti", "-fno-threadsafe-statics", "-fno-use-cxa-atexit")
# cmake/avr-clang.cmake: clang-16 compiles (avr-gcc cannot do C++20), the libstdc++ headers that
# need no C library come from Debian's libstdc++-arm-none-eabi-newlib.
STDCXX = Path("/usr/include/newlib/c++/12.2.1")
AVR_FLAGS = ("-isystem", "/usr/lib/avr/include", "-nostdinc++", "-isystem", str(STDCXX),
             "-isystem", str(STDCXX / "arm-none-eabi/thumb/v6-m/nofp"), "-fno-addrsig")


@dataclass(frozen=True)
class Mcu:
    name: str
    family: str            # "avr" (clang-16 + avr-gcc) or "arm" (arm-none-eabi-gcc)
    cpu_flags: tuple       # for the compiler and the link check
    guard: str             # preprocessor condition that selects this .S and header block
    boards: str            # who uses it
    architectures: tuple   # Arduino architectures (library.properties)
    platforms: tuple       # PlatformIO platforms
    flash: int             # the board's program flash (bytes)
    ram: int
    core_flash: int = 0    # what the board core's own Serial sketch takes (measured; 0 = unknown)
    core_ram: int = 0


# The Uno's 32,256 B is 32 KB minus the 0.5 KB optiboot. Its core figures are Debian's
# arduino-core-avr 1.8.7 building `Serial.begin(); Serial.println(1);` (1,532 B flash, 188 B RAM).
# The Nano 33 BLE's mbed core builds with -mfloat-abi=softfp -mfpu=fpv4-sp-d16 (ArduinoCore-mbed's
# boards.txt: build.float-abi=softfp for its nRF52840 boards); a core with the hard-float ABI gets
# the header's #error instead of a link against the wrong calling convention.
MCUS = {
    "atmega328p": Mcu("atmega328p", "avr", ("-mmcu=atmega328p",), "defined(__AVR_ATmega328P__)",
                      "Arduino Uno, Nano, Pro Mini (ATmega328P)", ("avr",), ("atmelavr",), 32256, 2048, 1532, 188),
    "cortex-m4f": Mcu("cortex-m4f", "arm", ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=softfp", "-mfpu=fpv4-sp-d16"),
                      "defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && !defined(__ARM_PCS_VFP)",
                      "Arduino Nano 33 BLE (nRF52840, mbed core, softfp)", ("mbed", "mbed_nano"), ("nordicnrf52",),
                      983040, 262144),
    "cortex-m0plus": Mcu("cortex-m0plus", "arm", ("-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"),
                         "defined(__ARM_ARCH_6M__)", "Arduino Zero, MKR (SAMD21)", ("samd",), ("atmelsam",),
                         262144 - 8192, 32768),
}
ALIASES = {"nrf52840": "cortex-m4f", "samd21": "cortex-m0plus"}


def mcu(name: str) -> Mcu:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in MCUS:
        raise ConversionError(f"unknown MCU {name!r}; supported: {', '.join(sorted(set(MCUS) | set(ALIASES)))}")
    return MCUS[key]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ConversionError(f"{name} is not installed (scripts/setup.sh installs ctml's toolchains)")
    return path


def _run(cmd: list, what: str) -> str:
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        first = next((ln for ln in p.stderr.splitlines() if "error" in ln), p.stderr.strip()[:300])
        raise ConversionError(f"{what} failed: {first}")
    return p.stdout


def compiler(m: Mcu) -> list:
    if m.family == "avr":
        return [_tool("clang++-16"), "--target=avr", *m.cpu_flags, *CXX_FLAGS, *AVR_FLAGS]
    return [_tool("arm-none-eabi-g++"), *m.cpu_flags, *CXX_FLAGS]


def binutil(m: Mcu, tool: str) -> str:
    return _tool(("avr-" if m.family == "avr" else "arm-none-eabi-") + tool)


def compile_object(m: Mcu, source: Path, includes: list, out: Path) -> None:
    _run([*compiler(m), *[f"-I{d}" for d in (INCLUDE, *includes)], "-c", str(source), "-o", str(out)],
         f"compiling the model for {m.name}")


def compiles(m: Mcu, source: Path, includes: list) -> bool:
    """Whether `source` compiles; a static_assert (a member the model declares but does not have,
    such as predict_proba of an SVC trained without probabilities) gives False, other errors raise."""
    p = subprocess.run([*compiler(m), *[f"-I{d}" for d in (INCLUDE, *includes)], "-fsyntax-only", str(source)],
                       capture_output=True, text=True)
    if p.returncode == 0:
        return True
    if "static assertion failed" in p.stderr or "static_assert failed" in p.stderr:
        return False
    first = next((ln for ln in p.stderr.splitlines() if "error" in ln), p.stderr.strip()[:300])
    raise ConversionError(f"compiling the model for {m.name} failed: {first}")


def compile_asm(m: Mcu, source: Path, includes: list) -> str:
    return _run([*compiler(m), *[f"-I{d}" for d in (INCLUDE, *includes)], "-S", "-o", "-", str(source)],
                f"compiling the model to assembly for {m.name}")


def read_meta(m: Mcu, obj: Path, section: str = ".ctml_meta") -> list:
    """The int32 values a probe object holds in `section` (little-endian on every target here)."""
    raw = obj.with_suffix(".meta")
    _run([binutil(m, "objcopy"), "-O", "binary", f"--only-section={section}", str(obj), str(raw)], "reading the probe")
    data = raw.read_bytes()
    return list(struct.unpack(f"<{len(data) // 4}i", data))


def gnu_assembly(m: Mcu, asm: str) -> str:
    """The compiler's assembly, made acceptable to the board core's GNU assembler run through the
    C preprocessor (the Arduino builders assemble .S with `-x assembler-with-cpp`) and wrapped in
    this MCU's guard, so every board compiles every .S and keeps only its own.

    clang's AVR output needs three changes for binutils 2.26 (avr-gcc 5.4): `unique,N` section
    suffixes (binutils >= 2.35) are dropped where a COMDAT group already makes the section distinct
    and otherwise become part of the name (`.progmem.data.ctmlN` still matches the linker script's
    `.progmem*`, so constants stay in flash); the `.linker-options` section is dropped; comments
    are removed because the preprocessor would read an apostrophe in one as a character literal."""
    comment = ";" if m.family == "avr" else "@"
    out = []
    for line in asm.splitlines():
        s = line.rstrip()
        if ".linker-options" in s or s.lstrip().startswith((".addrsig", ".ident")):
            continue
        u = re.match(r"(\s*\.section\s+)([^,\s]+)(,.*?),unique,(\d+)$", s)
        if u:
            s = u.group(1) + u.group(2) + ("" if ",comdat" in u.group(3) else f".ctml{u.group(4)}") + u.group(3)
        if '"' not in s and comment in s:
            s = s[:s.index(comment)].rstrip()
        if s.lstrip().startswith("#"):
            raise ConversionError(f"the {m.name} assembly has a line the preprocessor would take as a directive: {s!r}")
        if s:
            out.append(s)
    return f"#if {m.guard}\n" + "\n".join(out) + "\n#endif\n"


def assemble_like_arduino(m: Mcu, S: Path, out: Path) -> None:
    """As the board core's platform.txt does (recipe.S.o.pattern): gcc -x assembler-with-cpp."""
    gcc = _tool("avr-gcc" if m.family == "avr" else "arm-none-eabi-gcc")
    _run([gcc, "-c", "-x", "assembler-with-cpp", *(f for f in m.cpu_flags if not f.startswith("-mfloat-abi=hard")),
          "-DARDUINO=10819", str(S), "-o", str(out)], f"assembling the exported .S for {m.name}")


def _listing(m: Mcu, obj: Path) -> list:
    """Code with relocations and the bytes of every allocated section, as (kind, section, text)
    blocks in a canonical order: assemblers may lay the same sections out in a different order,
    and the .group sections hold section indices."""
    od = binutil(m, "objdump")
    heads = _run([od, "-h", str(obj)], "objdump").splitlines()
    names = sorted({heads[i].split()[1] for i in range(len(heads) - 1)
                    if re.match(r"\s*\d+ ", heads[i]) and "ALLOC" in heads[i + 1]})
    text = _run([od, "-d", "-r", str(obj)], "objdump").splitlines()[3:]
    if names:
        text += _run([od, "-s", "-r", *[f"-j{n}" for n in names], str(obj)], "objdump").splitlines()[3:]
    blocks, cur = [], None
    for ln in text:
        h = re.match(r"(Disassembly of section|Contents of section|RELOCATION RECORDS FOR) \[?([^\]:]+)\]?:$", ln)
        if h:
            cur = [h.group(1), h.group(2), []]
            blocks.append(cur)
        elif cur is not None and ln.strip():
            cur[2].append(ln)
    return sorted((k, n, "\n".join(b)) for k, n, b in blocks if n != ".group")


def check_same_code(m: Mcu, compiled: Path, assembled: Path) -> None:
    if _listing(m, compiled) != _listing(m, assembled):
        raise ConversionError(f"the exported .S for {m.name} does not assemble to the compiler's own object "
                              "(a directive the board's assembler reads differently); please report this model")


def undefined_symbols(m: Mcu, obj: Path) -> list:
    return sorted({ln.split()[-1] for ln in _run([binutil(m, "nm"), "-u", str(obj)], "nm").splitlines() if ln.strip()})


def check_runtime(m: Mcu, symbols: list) -> None:
    """The board links only the C library, libm and libgcc: nothing from the C++ runtime."""
    cxx = [s for s in symbols if s.startswith(("_Z", "__cxa", "__gxx", "__aeabi_unwind", "_Unwind"))]
    if cxx:
        raise ConversionError(f"the model for {m.name} needs the C++ runtime ({', '.join(cxx[:4])}), which the board "
                              "core does not link; please report this model")


def _sizes(m: Mcu, elf: Path) -> tuple[int, int]:
    """(flash, static RAM) of a linked program: code, constants and .data's initial values; .data + .bss."""
    sec = {}
    for ln in _run([binutil(m, "size"), "-A", str(elf)], "size").splitlines()[2:]:
        f = ln.split()
        if len(f) >= 2 and f[1].isdigit():
            sec[f[0]] = int(f[1])
    data = sec.get(".data", 0)
    ram = data + sec.get(".bss", 0)
    flash = sum(v for k, v in sec.items() if k in (".text", ".rodata", ".ARM.exidx", ".init", ".fini")) + data
    return flash, ram


def link_cost(m: Mcu, obj: Path, entries: list, work: Path) -> tuple[int, int]:
    """What the model adds to a program that calls every entry point: flash and static RAM, runtime
    helpers (libgcc, libm) included. Also proves that the board's libraries resolve every symbol."""
    n = len(entries)
    decls = "".join(f"extern void {e}(void);\n" for e in entries)
    model_c = f"{decls}void (*volatile keep[])(void) = {{{', '.join(entries)}}};\nint main(void) {{ return keep[0] == 0; }}\n"
    base_c = (f"static void none(void) {{}}\nvoid (*volatile keep[])(void) = {{{', '.join(['none'] * n)}}};\n"
              "int main(void) { return keep[0] == 0; }\n")
    if m.family == "avr":
        link = [_tool("avr-gcc"), *m.cpu_flags, "-Os", "-Wl,--gc-sections"]
        libs = ["-lm"]
    else:
        link = [_tool("arm-none-eabi-gcc"), *m.cpu_flags, "-Os", "-Wl,--gc-sections", "--specs=nano.specs",
                "--specs=nosys.specs"]
        libs = ["-lm"]
    sizes = []
    for tag, src, objs in (("base", base_c, []), ("model", model_c, [str(obj)])):
        c = work / f"link_{m.name}_{tag}.c"
        c.write_text(src)
        elf = work / f"link_{m.name}_{tag}.elf"
        p = subprocess.run([*link, str(c), *objs, *libs, "-o", str(elf)], capture_output=True, text=True)
        if p.returncode != 0:
            missing = sorted(set(re.findall(r"undefined reference to `([^']+)'", p.stderr)))
            if missing:
                raise ConversionError(f"the model for {m.name} calls {', '.join(missing)}, which the board's C library "
                                      "and libgcc lack; please report this model")
            raise ConversionError(f"linking the model for {m.name} failed: {p.stderr.strip().splitlines()[-1]}")
        sizes.append(_sizes(m, elf))
    return sizes[1][0] - sizes[0][0], sizes[1][1] - sizes[0][1]
