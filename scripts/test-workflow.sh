#!/usr/bin/env bash
# The Snakemake workflow on real data equals one `zenome run`: installs snakemake from PyPI in a
# virtual environment, runs workflow/Snakefile on ../shared/data/na12878-chr20 with 4 read chunks
# and 4 calling parts, runs `zenome run` on the same reads, and compares BAM records (bytes),
# the VCF body and the duplicate metrics rows. Fails (never skips) without the data.
#   usage: scripts/test-workflow.sh [ZENOME_BINARY]   (default: target/release/zenome)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
zenome=$(realpath "${1:-target/release/zenome}")
data=$(realpath -m ../shared/data)
reads=$data/na12878-chr20
ref=$data/ref/chr20.window.fa.gz
for f in "$reads/reads_1.fq.gz" "$reads/reads_2.fq.gz" "$ref"; do
  [ -f "$f" ] || { echo "test-workflow: $f is missing (../shared/data)" >&2; exit 1; }
done
[ -x "$zenome" ] || { echo "test-workflow: no binary at $zenome (cargo build --release)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check snakemake
"$work/venv/bin/snakemake" --version

bin=$work/bin
mkdir -p "$bin"
ln -s "$zenome" "$bin/zenome"
PATH=$bin:$PATH "$work/venv/bin/snakemake" -s "$root/workflow/Snakefile" --cores 2 --quiet rules \
  --directory "$work/out" \
  --config ref="$ref" r1="$reads/reads_1.fq.gz" r2="$reads/reads_2.fq.gz" sample=NA12878 chunks=4 shards=4

mkdir -p "$work/one"
"$zenome" run "$ref" "$reads/reads_1.fq.gz" "$reads/reads_2.fq.gz" -o "$work/one/NA12878" -q

python3 - "$work/out/results" "$work/one" <<'PY'
import gzip, struct, sys
scattered, one = sys.argv[1], sys.argv[2]

def bam_records(path):
    data = gzip.open(path).read()
    assert data[:4] == b"BAM\x01", path
    l_text = struct.unpack_from("<I", data, 4)[0]
    at = 8 + l_text
    n_ref = struct.unpack_from("<I", data, at)[0]
    at += 4
    for _ in range(n_ref):
        l_name = struct.unpack_from("<I", data, at)[0]
        at += 4 + l_name + 4
    return data[at:]

def vcf_body(path):
    return [l for l in gzip.open(path, "rt") if not l.startswith("#")]

def dup_rows(path):
    return [l for l in open(path) if not l.startswith("#")]

a, b = bam_records(f"{scattered}/NA12878.bam"), bam_records(f"{one}/NA12878.bam")
assert a == b, f"BAM records differ ({len(a)} and {len(b)} bytes)"
va, vb = vcf_body(f"{scattered}/NA12878.vcf.gz"), vcf_body(f"{one}/NA12878.vcf.gz")
assert va == vb, f"VCF bodies differ ({len(va)} and {len(vb)} records)"
assert dup_rows(f"{scattered}/NA12878.dup_metrics.txt") == dup_rows(f"{one}/NA12878.dup_metrics.txt"), "duplicate metrics differ"
print(f"test-workflow: the workflow equals zenome run: {len(a)} bytes of BAM records, {len(va)} VCF records")
PY
