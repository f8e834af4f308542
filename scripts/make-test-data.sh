#!/usr/bin/env bash
# Regenerates test-data/ (everything in it is made by zenome itself or by this script).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
z=target/release/zenome
rm -rf test-data/sim-60k
$z simulate -o test-data/sim-60k --seed 7 --genome-size 60000 --depth 12 --duplicates 0.03
rm -f test-data/sim-60k/*.tmp.*

# Bad inputs, one problem each (see tests/bad_input.rs).
b=test-data/bad
rm -rf "$b" && mkdir -p "$b"
printf '@r1\nACGTACGTAC\n+\nIIIIIIIII\n' > "$b/qual_length.fq"
printf '@r1\nACGTACGTAC\nIIIIIIIIII\n@r2\nACGT\n+\nIIII\n' > "$b/missing_plus.fq"
printf '@r1\nACGTACGTAC\n+\nIIIIIIIIII\n@r2\nACGTACGTAC\n+\nIIIIIIIIII\n' > "$b/two_reads.fq"
printf '@r1\nACGTACGTAC\n+\nIIIIIIIIII\n@rX\nACGTACGTAC\n+\nIIIIIIIIII\n' > "$b/other_names.fq"
printf '@r1\nACGTACGTAC\n+\nIIIIIIIIII\n' > "$b/one_read.fq"
: > "$b/empty.fq"
head -c 300 test-data/sim-60k/reads_1.fq.gz > "$b/truncated.fq.gz"
python3 - test-data/sim-60k/reads_1.fq.gz "$b/corrupt.fq.gz" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read()[:4000])
for i in range(12, 40):
    data[i] ^= 0xFF
open(sys.argv[2], "wb").write(data)
PY
python3 - "$b/long_read.fq" <<'PY'
import sys
n = 1500
open(sys.argv[1], "w").write("@long\n" + "ACGT" * (n // 4) + "\n+\n" + "I" * n + "\n")
PY
printf '>a\nACGTACGTACGTACGTACGTACGT\n>a\nACGTACGTACGTACGT\n' > "$b/duplicate_contigs.fa"
printf '>a\n>b\n' > "$b/no_sequence.fa"
# Inputs of the golden-output tests (tests/golden.rs): the first 150 pairs of sim-60k, plain.
# The expected outputs beside them are written by `ZENOME_UPDATE_GOLDEN=1 cargo test --test golden`.
mkdir -p test-data/golden
for m in 1 2; do
  gzip -dc "test-data/sim-60k/reads_$m.fq.gz" | head -n 600 > "test-data/golden/reads_$m.fq"
done
echo "test-data regenerated"
