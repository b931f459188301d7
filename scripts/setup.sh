#!/usr/bin/env bash
# Installs every Debian package ctml needs, only those missing; idempotent; run as root
# (or through sudo) on Debian 12. Both README commands call it first.
set -euo pipefail

packages=(
  # host build and tests
  cmake ninja-build g++ clang-14 catch2 libbenchmark-dev libboost-dev
  # libFuzzer and the sanitizer runtimes for clang-14 (the fuzz preset)
  libclang-rt-14-dev libfuzzer-14-dev
  # AVR: clang-16 compiles C++20 for AVR; avr-gcc links against avr-libc; simavr runs it
  clang-16 lld-16 gcc-avr binutils-avr avr-libc simavr libsimavr-dev libelf-dev pkg-config
  # Arduino: the exported library built as a sketch author builds it (tests/arduino; the Debian IDE,
  # its command-line builder and the AVR core)
  arduino arduino-builder arduino-core-avr
  # Cortex-M
  gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
  qemu-system-arm
  # RISC-V rv32imc: gcc 12 and picolibc (the C++ headers come from libstdc++-arm-none-eabi-newlib),
  # qemu-system-riscv32 from qemu-system-misc
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
  # codegen and the reference frameworks (Debian's /usr/bin/python3 only)
  # (PyTorch and ONNX join this list with the neural-network frontends that need them.)
  python3 python3-numpy python3-sklearn python3-xgboost python3-matplotlib python3-pytest
  # the PyTorch network frontend (codegen/ctml_codegen/frontends/torch_nn.py)
  python3-torch
  # the ONNX network frontend (codegen/ctml_codegen/frontends/onnx_nn.py)
  python3-onnx
  # the TFLite tests' flatbuffer writer (tests/codegen/tflite_builder.py; the frontend reads .tflite
  # files without it)
  python3-flatbuffers
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
