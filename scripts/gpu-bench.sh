#!/usr/bin/env bash
# scripts/gpu-bench.sh [pack|run|device OUTDIR] [-- BENCH ARGS]
# Packs what a bare, offline GPU machine (no Node, no network; glibc and an NVIDIA Vulkan driver) needs
# to run `npm run bench:encoder:gpu`, into .gpu-bench/gpu-bench.tar.xz (<= 60 MiB, git-ignored):
#   - this machine's Node binary;
#   - the benchmark bundled into one file by esbuild (the project's own src/ code in it);
#   - dawn.node (the npm package webgpu), onnxruntime-web's builds and .wasm files, onnxruntime-node
#     with its CPU library (the reference), unpacked as node_modules beside it;
#   - Debian's Vulkan loader (libvulkan1) and the GL dispatch libraries NVIDIA's Vulkan driver loads
#     (libglvnd0, libegl1, libglx0, libgl1), unpacked with dpkg -x from `apt-get download`.
# On the GPU machine, in the folder that holds the archive, one command unpacks and runs it:
#   (tar -xJf gpu-bench.tar.xz || python3 -c "import tarfile; tarfile.open('gpu-bench.tar.xz').extractall()") && gpu-bench/run.sh
# `scripts/gpu-bench.sh device OUTDIR` is what a lent GPU machine runs (the repository travels there with
# .gpu-bench/gpu-bench.tar.xz carried): it unpacks the archive and runs the benchmark's passes in about
# 7 minutes, each pass in a new process (so each pays a new session's slow first run); in OUTDIR one log,
# bench.log, and each pass's JSON (6 files: a lent machine sends back at most 8):
#   1. the native WebGPU EP and onnxruntime-node's CPU, tiles rule,1024,2048,5041,8192,16384;
#   2. the native EP as the app runs it: self-checked against the CPU, with the fallback;
#   3. JSEP (onnxruntime-web's default build), tiles rule,8192: the wrong-latents case, and the rule's cure;
#   4. the native EP on the float16 variant, the rule's tile;
#   5. the native EP again in a new process: the cold start with the driver's pipeline cache filled.
# `scripts/gpu-bench.sh run [-- ARGS]` does the same here from the packed archive, in a clean folder
# with a PATH that holds no Node: the rehearsal that it is self-contained. ARGS go to the benchmark
# (default: 0.25 degree, every backend, tiles rule,1024,2048,8192), e.g. -- --resolution 1 --backends native,node-cpu.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.gpu-bench"
archive="$out/gpu-bench.tar.xz"
limit_mib=60

pack() {
  local stage="$out/stage/gpu-bench"
  rm -rf "$out/stage" && mkdir -p "$stage/app/node_modules" "$stage/lib" "$out/debs"
  echo "bundling bench/encoder-gpu.ts"
  npx esbuild bench/encoder-gpu.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
    --external:webgpu --external:onnxruntime-node --external:onnxruntime-web --external:onnxruntime-common \
    --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" \
    --outfile="$stage/app/bench.mjs"

  local modules="$root/node_modules"
  copy() { mkdir -p "$stage/app/node_modules/$(dirname "$1")" && cp -r "$modules/$1" "$stage/app/node_modules/$1"; }
  copy webgpu/package.json && copy webgpu/index.js && copy webgpu/dist/linux-x64/dawn.node
  copy onnxruntime-common
  copy onnxruntime-node/package.json && copy onnxruntime-node/dist && copy onnxruntime-node/bin/napi-v6/linux/x64
  copy onnxruntime-web/package.json
  for file in ort.node.min.mjs ort.webgpu.bundle.min.mjs ort.all.bundle.min.mjs \
    ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm ort-wasm-simd-threaded.jsep.mjs ort-wasm-simd-threaded.jsep.wasm \
    ort-wasm-simd-threaded.asyncify.mjs ort-wasm-simd-threaded.asyncify.wasm; do
    copy "onnxruntime-web/dist/$file"
  done

  echo "fetching Debian's libvulkan1 and GL dispatch libraries"
  (cd "$out/debs" && apt-get download libvulkan1 libglvnd0 libegl1 libglx0 libgl1 >/dev/null)
  for deb in "$out"/debs/*.deb; do dpkg -x "$deb" "$out/stage/unpacked"; done
  cp -P "$out"/stage/unpacked/usr/lib/x86_64-linux-gnu/*.so* "$stage/lib/"

  cp "$(command -v node)" "$stage/node"
  cat > "$stage/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the encoder benchmark on WebGPU (Dawn, Vulkan) with the Node, libraries and code beside it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The Vulkan loader looks for the driver's manifest in the usual places (NVIDIA's: /usr/share/vulkan/icd.d).
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
cd "$here/app"
echo "node $("$here/node" --version) on $(uname -srm); $(nproc) cores"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null || echo "no Vulkan driver manifest in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d"
exec "$here/node" bench.mjs "$@"
RUN
  chmod +x "$stage/run.sh" "$stage/node"

  echo "compressing"
  tar -C "$out/stage" -cf - gpu-bench | xz -9e -T2 > "$archive"
  rm -rf "$out/stage"
  local size
  size=$(stat -c %s "$archive")
  echo "$archive: $((size / 1048576)) MiB ($size bytes)"
  if [ "$size" -gt $((limit_mib * 1048576)) ]; then
    echo "over the ${limit_mib} MiB a GPU machine's carried tree allows" >&2
    exit 1
  fi
}

rehearse() {
  [ -f "$archive" ] || pack
  local clean tool
  clean=$(mktemp -d)
  cp "$archive" "$clean/"
  # A PATH of a few tools and no node (Debian's /bin is /usr/bin, which holds node).
  mkdir "$clean/tools"
  for tool in bash tar xz dirname uname nproc ls cat; do ln -s "$(command -v "$tool")" "$clean/tools/$tool"; done
  echo "rehearsal in $clean with PATH=$clean/tools (no node)"
  (cd "$clean" && env -i HOME="$clean" PATH="$clean/tools" bash -c \
    'if command -v node; then echo "node is on this PATH: not a clean rehearsal" >&2; exit 1; fi; tar -xJf gpu-bench.tar.xz && gpu-bench/run.sh "$@"' rehearse "$@")
  rm -rf "$clean"
}

device() {
  local logs=${1:?usage: scripts/gpu-bench.sh device OUTDIR}
  mkdir -p "$logs"
  local work
  work=$(mktemp -d)
  # tar's -J needs xz, which a bare machine may lack; Python's lzma reads it too.
  (cd "$work" && { tar -xJf "$archive" 2>/dev/null || python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall()" "$archive"; })
  # Where the image keeps NVIDIA's Vulkan manifest outside the loader's usual folders.
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ ! -e /usr/share/vulkan/icd.d/nvidia_icd.json ] && [ ! -e /etc/vulkan/icd.d/nvidia_icd.json ] && [ -e "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
  pass() {
    local name=$1 seconds=$2
    shift 2
    echo "== $name: $* ($(date -u +%T))" | tee -a "$logs/bench.log"
    timeout "$seconds" "$work/gpu-bench/run.sh" --json "$logs/$name.json" "$@" 2>&1 | tee -a "$logs/bench.log" || echo "== $name ended with status $?"
  }
  pass native 200 --backends native,node-cpu --tiles rule,1024,2048,5041,8192,16384
  pass guarded 80 --backends native-guarded
  pass jsep 100 --backends jsep --tiles rule,8192
  pass float16 80 --backends native-float16 --tiles rule
  pass native-again 60 --backends native --tiles rule --repeat 1
  rm -rf "$work"
}

command=${1:-pack}
shift || true
[ "${1:-}" = "--" ] && shift
case "$command" in
  pack) pack ;;
  run) rehearse "$@" ;;
  device) device "$@" ;;
  *) echo "usage: scripts/gpu-bench.sh [pack|run|device OUTDIR] [-- BENCH ARGS]" >&2; exit 2 ;;
esac
