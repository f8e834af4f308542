#!/usr/bin/env bash
# The GPU check: everything that needs an NVIDIA GPU, in one command on a machine that has one
# and no Rust toolchain.
#
#   scripts/gpu-check.sh prepare   here (Rust, no GPU needed): builds the release binary and the
#                                  parity test binary, prebuilds the CUDA kernels with NVRTC for
#                                  sm_70, sm_80 and sm_90 (NVRTC from PyPI when none is installed),
#                                  and copies them with the NA12878 chr20 reads and reference into
#                                  gpu-carry/ (git-ignored; about 25 MB).
#   scripts/gpu-check.sh run [OUT] on the GPU machine, from the repository root with gpu-carry/:
#                                  1. nvidia-smi and the driver;
#                                  2. the parity suite on the GPU (`cuda_backend_matches_the_cpu_bit_for_bit`,
#                                     which fails, never skips, without a usable GPU);
#                                  3. zenome bench --device cuda and --device cpu (GCUPS, transfer
#                                     share, parity, the FMA canary on the device);
#                                  4. zenome run on NA12878 chr20 with --device cuda and --device cpu,
#                                     BAM records and VCF bodies compared byte for byte, stage times;
#                                  prints one summary table and writes it, with the logs and JSON,
#                                  to OUT (default $OUT, else gpu-check-out/).
# ZENOME_GPU_CHECK_DEVICE=emu runs the same steps with the emulated backend: a check of this
# script on a machine without a GPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
carry=$root/gpu-carry
mode=${1:-run}

prepare() {
  local data=${ZENOME_DATA:-$root/../shared/data}
  rm -rf "$carry" && mkdir -p "$carry/kernels" "$carry/data"
  (cd "$root" && cargo build --release --quiet && cargo test --release --no-run --quiet --test parity)
  local parity
  parity=$(ls -t "$root"/target/release/deps/parity-* | grep -v '\.d$' | head -1)
  strip -o "$carry/zenome" "$root/target/release/zenome"
  strip -o "$carry/parity" "$parity"
  if ! python3 -c "import ctypes; ctypes.CDLL('libnvrtc.so.12')" 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check nvidia-cuda-nvrtc-cu12
    local lib
    lib=$(python3 -c "import os, nvidia.cuda_nvrtc as m; print(os.path.join(list(m.__path__)[0], 'lib'))")
    export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  "$carry/zenome" kernels --arch sm_70 --arch sm_80 --arch sm_90 -o "$carry/kernels"
  cp "$data/na12878-chr20/reads_1.fq.gz" "$data/na12878-chr20/reads_2.fq.gz" "$carry/data/"
  cp "$data/ref/chr20.window.fa.gz" "$carry/data/ref.fa.gz"
  du -sh "$carry"
}

# Compares the records of two BAMs (after the header, which names the command line) and the
# bodies of two VCFs; prints "identical" or what differs.
compare() {
  python3 - "$@" <<'PY'
import gzip, struct, sys
def bam_records(p):
    d = gzip.open(p).read()
    l_text = struct.unpack_from('<i', d, 4)[0]
    at = 8 + l_text
    n_ref = struct.unpack_from('<i', d, at)[0]
    at += 4
    for _ in range(n_ref):
        l_name = struct.unpack_from('<i', d, at)[0]
        at += 8 + l_name
    return d[at:]
def vcf_body(p):
    return [l for l in gzip.open(p, 'rt') if not l.startswith('#')]
a_bam, b_bam, a_vcf, b_vcf = sys.argv[1:5]
bam = 'identical' if bam_records(a_bam) == bam_records(b_bam) else 'DIFFER'
va, vb = vcf_body(a_vcf), vcf_body(b_vcf)
vcf = 'identical' if va == vb else 'DIFFER (%d vs %d records)' % (len(va), len(vb))
print(bam, '|', vcf, '|', len(va))
PY
}

# A stage's seconds from a --metrics JSON file.
stage() {
  python3 -c "import json,sys; print('%.2f' % json.load(open(sys.argv[1]))['stages'].get(sys.argv[2], 0))" "$1" "$2"
}

run() {
  local out=${2:-${OUT:-$root/gpu-check-out}}
  mkdir -p "$out"
  [ -x "$carry/zenome" ] || { echo "gpu-check: no $carry/zenome; run 'scripts/gpu-check.sh prepare' where Rust is" >&2; exit 1; }
  export ZENOME_KERNEL_CACHE=$carry/kernels
  local z=$carry/zenome work dev=${ZENOME_GPU_CHECK_DEVICE:-cuda} test=cuda_backend_matches_the_cpu_bit_for_bit
  [ "$dev" = emu ] && test=emu_backend_matches_the_cpu_bit_for_bit
  work=$(mktemp -d)
  {
    echo "== card"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
    echo "== parity suite on the GPU"
    "$carry/parity" --include-ignored --exact "$test" --test-threads 1 && echo "parity: pass" || echo "parity: FAIL"
    echo "== bench"
    "$z" bench --device "$dev" --json "$out/bench-cuda.json"
    "$z" bench --device cpu --json "$out/bench-cpu.json"
    echo "== run on NA12878 chr20"
    cp "$carry/data/ref.fa.gz" "$work/ref.fa.gz"
    "$z" index "$work/ref.fa.gz"
    "$z" run "$work/ref.fa.gz" "$carry/data/reads_1.fq.gz" "$carry/data/reads_2.fq.gz" \
      -o "$work/cuda" --device "$dev" -q --metrics "$out/run-cuda.json"
    "$z" run "$work/ref.fa.gz" "$carry/data/reads_1.fq.gz" "$carry/data/reads_2.fq.gz" \
      -o "$work/cpu" --device cpu -q --metrics "$out/run-cpu.json"
  } 2>&1 | tee "$out/gpu-check.log"
  local cmp
  cmp=$(compare "$work/cuda.bam" "$work/cpu.bam" "$work/cuda.vcf.gz" "$work/cpu.vcf.gz")
  python3 - "$out" "$cmp" <<'PY' | tee "$out/gpu-check.md"
import json, sys
out, cmp = sys.argv[1], sys.argv[2]
log = open(out + '/gpu-check.log').read()
b = {d: json.load(open('%s/bench-%s.json' % (out, d))) for d in ('cuda', 'cpu')}
r = {d: json.load(open('%s/run-%s.json' % (out, d))) for d in ('cuda', 'cpu')}
def k(d, name):
    return next(x for x in b[d]['kernels'] if x['kernel'] == name and not x['backend'].startswith('cpu-oracle'))
print('| check | result |')
print('|---|---|')
print('| device | %s |' % b['cuda']['device'])
print('| parity suite on the GPU | %s |' % ('pass' if 'parity: pass' in log else 'FAIL'))
print('| FMA canary on the device | %s |' % ('exact' if b['cuda'].get('no_fma_contraction') else 'FUSED'))
for name in ('extend', 'pair_hmm'):
    g, c = k('cuda', name), k('cpu', name)
    print('| %s: GCUPS cuda / cpu (%d threads) | %.1f / %.2f (x%.1f); transfer %.0f%%; %s |' % (
        name, b['cpu']['threads'], g['gcups'], c['gcups'], g['gcups'] / max(c['gcups'], 1e-9),
        100 * (g['transfer_share'] or 0), g['parity']))
bam, vcf, n = [x.strip() for x in cmp.split('|')]
print('| NA12878 run: BAM records cuda vs cpu | %s |' % bam)
print('| NA12878 run: VCF body cuda vs cpu (%s records) | %s |' % (n, vcf))
for st, label in (('map', 'align: seed and extend'), ('call_call', 'call: assembly and pair-HMM')):
    g, c = r['cuda']['stages'].get(st, 0), r['cpu']['stages'].get(st, 0)
    print('| %s stage s, cuda / cpu | %.2f / %.2f (x%.1f) |' % (label, g, c, c / max(g, 1e-9)))
print('| wall s, cuda / cpu | %.1f / %.1f |' % (r['cuda']['seconds'], r['cpu']['seconds']))
print('| device memory peak | %.0f MB |' % (r['cuda']['counts'].get('device_peak_bytes', 0) / 1e6))
PY
  rm -rf "$work"
}

case "$mode" in
  prepare) prepare ;;
  run) run "$@" ;;
  *) echo "usage: scripts/gpu-check.sh prepare | run [OUT]" >&2; exit 1 ;;
esac
