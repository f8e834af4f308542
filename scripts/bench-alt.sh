#!/usr/bin/env bash
# ALT-aware mapping (issue 10): a 1 Mb slice of chr20 (30,000,001-31,000,000) as the primary
# assembly, plus an ALT contig copying 20 kb of it (slice 400,001-420,000) with a SNP every 500
# bases. 30x 2x150 reads simulated over slice 390,001-430,000 are aligned three ways: without
# the ALT contig, with it but no REF.alt (bwa's convention unknown), and with REF.alt. Counted:
# reads from the copied stretch placed right on the primary contig with MAPQ >= 20 (the bar:
# with REF.alt at least 98% of those without the ALT contig).
# Usage: scripts/bench-alt.sh [WORKDIR]   (default target/bench-alt; results.md written there)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${ZENOME_DATA:-$root/../shared/data}
work=${1:-$root/target/bench-alt}
. "$root/scripts/bench-common.sh"
need bench-alt "apt-get install samtools" samtools python3
setup

[ -s chr20.fa.fai ] || { zcat "$data/ref/chr20.fa.gz" > chr20.fa; samtools faidx chr20.fa; }
samtools faidx chr20.fa chr20:30000001-31000000 | sed 's/^>.*/>chr20s/' > base.fa
python3 - <<'PY'
seq = ''.join(l.strip() for l in open('base.fa') if not l.startswith('>'))
alt = list(seq[400000:420000])
for i in range(250, len(alt), 500):
    alt[i] = {'A': 'C', 'C': 'G', 'G': 'T', 'T': 'A'}.get(alt[i].upper(), 'A')
fa = lambda n, s: '>' + n + '\n' + '\n'.join(s[i:i + 60] for i in range(0, len(s), 60)) + '\n'
open('plain.fa', 'w').write(fa('chr20s', seq))
open('noalt.fa', 'w').write(fa('chr20s', seq) + fa('chr20s_alt1', ''.join(alt)))
open('withalt.fa', 'w').write(fa('chr20s', seq) + fa('chr20s_alt1', ''.join(alt)))
open('withalt.fa.alt', 'w').write('chr20s_alt1\t0\tchr20s\t400001\t60\t20000M\t*\t0\t0\t*\t*\n')
PY
[ -s sim/reads_1.fq.gz ] || "$z" simulate -o sim --reference plain.fa --region chr20s:390001-430000 --depth 30 --seed 9 2>/dev/null
for r in plain noalt withalt; do
  "$z" index $r.fa 2>/dev/null
  timeit align_$r "$z" align $r.fa sim/reads_1.fq.gz sim/reads_2.fq.gz -o $r.bam -q -t 2
done
python3 - <<'PY' > results.md
import subprocess
def score(bam):
    out = subprocess.run(['samtools', 'view', '-F', '0x900', bam], capture_output=True, text=True).stdout
    n = good = on_alt = 0
    for l in out.splitlines():
        f = l.split('\t')
        flag, contig, pos, mapq = int(f[1]), f[2], int(f[3]), int(f[4])
        parts = f[0].split(':')
        opos = int(parts[2] if flag & 0x40 else parts[4])
        if not (400000 <= opos < 420000 - 150):
            continue
        n += 1
        on_alt += contig == 'chr20s_alt1'
        good += contig == 'chr20s' and abs(pos - opos) <= 20 and mapq >= 20
    return n, good, on_alt
print('| reference | reads from the copied 20 kb | right, MAPQ >= 20 | share of the no-ALT figure | placed on the ALT contig |')
print('|---|---|---|---|---|')
base = score('plain.bam')[1]
for name, bam in (('no ALT contig', 'plain.bam'), ('ALT contig, no REF.alt', 'noalt.bam'), ('ALT contig with REF.alt', 'withalt.bam')):
    n, good, on_alt = score(bam)
    print(f'| {name} | {n} | {good} | {good / max(1, base):.3f} | {on_alt} |')
PY
cat results.md
