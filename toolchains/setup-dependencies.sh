#!/usr/bin/env bash
# Installs the Debian 12 packages monoquant needs, only those that are missing.
#   toolchains/setup-dependencies.sh            build + run (compiler, CMake, xsimd, cpuinfo, simdjson,
#                                               CLI11)
#   toolchains/setup-dependencies.sh --tests    + GoogleTest, Google Benchmark, qemu-user (x86 fallbacks)
#   toolchains/setup-dependencies.sh --arm      + the aarch64 cross toolchain and arm64 libraries
# Exits 0 when everything asked for is present. Uses sudo when not root.
set -euo pipefail

want_tests=0
want_arm=0
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=1 ;;
    --arm) want_arm=1 ;;
    *) echo "usage: $0 [--tests] [--arm]" >&2; exit 2 ;;
  esac
done

packages=(g++ cmake ninja-build pkg-config libxsimd-dev xtl-dev libcpuinfo-dev libsimdjson-dev
          libcli11-dev)
if [ "$want_tests" = 1 ]; then
  # python3-numpy: a test reads quantized files with Python's json and numpy, as any safetensors
  # reader would.
  packages+=(libgtest-dev libbenchmark-dev qemu-user binutils abigail-tools clang-format
             python3-minimal python3-numpy)
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing() {
  local out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

updated=0
install() {
  local need
  need=$(missing "$@")
  [ -z "$need" ] && return 0
  echo "setup: installing $need"
  if [ "$updated" = 0 ]; then
    as_root apt-get update -qq
    updated=1
  fi
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
}

install "${packages[@]}"

if [ "$want_arm" = 1 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "setup: adding the arm64 architecture"
    as_root dpkg --add-architecture arm64
    updated=0
  fi
  # not libcpuinfo-dev:arm64 (it conflicts with the amd64 one): aarch64 detection uses getauxval.
  # not libsimdjson-dev:arm64 either (it would remove the amd64 one): the cross build takes the
  # header from libsimdjson-dev and the library from libsimdjson14:arm64.
  install g++-aarch64-linux-gnu qemu-user libgtest-dev:arm64 libbenchmark-dev:arm64 \
    libxsimd-dev:arm64 libsimdjson14:arm64
fi
echo "setup: all packages present"
