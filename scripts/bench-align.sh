#!/usr/bin/env bash
# Alignment benchmark: zenome against bwa mem (+ samtools sort) and minimap2 -ax sr, all with
# 2 threads, on the same inputs, in one run:
#   - index build of the whole chr20 (time, peak memory) and zenome's index load time;
#   - simulated 2x150 reads, 30x over chr20:30,000,001-32,000,000 (zenome simulate), aligned to
#     the whole chr20: wall time, peak memory, reads/s, correct placements, wrong at MAPQ>=20;
#   - real NA12878 reads (../shared/data/na12878-chr20) against the whole chr20: mapped, properly
#     paired, same position as bwa (both MAPQ>=20), and bcftools mpileup|call recall in window.bed.
# Usage: scripts/bench-align.sh [WORKDIR]    (default target/bench-align; results.md written there)
# Needs: bwa minimap2 samtools bcftools (Debian packages), GNU time, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${ZENOME_DATA:-$root/../shared/data}
work=${1:-$root/target/bench-align}
t=2
. "$root/scripts/bench-common.sh"
need bench-align "apt-get install bwa minimap2 samtools bcftools time" bwa minimap2 samtools bcftools python3 /usr/bin/time
[ -d "$data/na12878-chr20" ] || { echo "bench-align: no $data/na12878-chr20" >&2; exit 1; }
setup

echo "== reference and indexes"
[ -s chr20.fa ] || zcat "$data/ref/chr20.fa.gz" > chr20.fa
samtools faidx chr20.fa
rm -f chr20.fa.zmi chr20.fa.amb chr20.fa.ann chr20.fa.bwt chr20.fa.pac chr20.fa.sa chr20.mmi
timeit index_zenome "$z" index -t $t chr20.fa
timeit index_bwa bwa index chr20.fa
timeit index_minimap2 minimap2 -t $t -x sr -d chr20.mmi chr20.fa

echo "== simulated reads"
[ -s sim/reads_1.fq.gz ] || "$z" simulate -o sim --reference chr20.fa --region chr20:30000001-32000000 --depth 30 --seed 11
s1=sim/reads_1.fq.gz s2=sim/reads_2.fq.gz
timeit sim_zenome "$z" align chr20.fa $s1 $s2 -o sim.zenome.bam -t $t -q --metrics sim.zenome.json
timeit sim_bwa bash -c "bwa mem -t $t chr20.fa $s1 $s2 2>/dev/null | samtools sort -@$t -o sim.bwa.bam - 2>/dev/null && samtools index sim.bwa.bam"
timeit sim_minimap2 bash -c "minimap2 -ax sr -t $t chr20.mmi $s1 $s2 2>/dev/null | samtools sort -@$t -o sim.minimap2.bam - 2>/dev/null && samtools index sim.minimap2.bam"
for x in zenome bwa minimap2; do "$z" placement sim.$x.bam > sim.$x.placement.json; done

echo "== CRAM of the simulated reads: zenome -o X.cram against samtools view -C of its BAM"
timeit cram_zenome "$z" align chr20.fa $s1 $s2 -o sim.zenome.cram -t $t -q
timeit cram_samtools samtools view -@$t -C -T chr20.fa -o sim.samtools.cram sim.zenome.bam
samtools view --no-PG sim.zenome.bam > sim.bam.sam
samtools view --no-PG -T chr20.fa sim.zenome.cram > sim.cram.sam
python3 - <<'PY' > cram.json
import json, os
b = open("sim.bam.sam").read().splitlines()
c = open("sim.cram.sam").read().splitlines()
same = sum(1 for x, y in zip(b, c) if x == y) if len(b) == len(c) else 0
print(json.dumps({"records": len(b), "equal": same,
                  "bam": os.path.getsize("sim.zenome.bam"),
                  "cram": os.path.getsize("sim.zenome.cram"),
                  "samtools_cram": os.path.getsize("sim.samtools.cram")}))
PY
rm -f sim.bam.sam sim.cram.sam

echo "== real reads (NA12878 chr20)"
r1=$data/na12878-chr20/reads_1.fq.gz r2=$data/na12878-chr20/reads_2.fq.gz
timeit real_zenome "$z" align chr20.fa $r1 $r2 -o real.zenome.bam -t $t -q
timeit real_bwa bash -c "bwa mem -t $t chr20.fa $r1 $r2 2>/dev/null | samtools sort -@$t -o real.bwa.bam - 2>/dev/null && samtools index real.bwa.bam"
timeit real_minimap2 bash -c "minimap2 -ax sr -t $t chr20.mmi $r1 $r2 2>/dev/null | samtools sort -@$t -o real.minimap2.bam - 2>/dev/null && samtools index real.minimap2.bam"
for x in zenome bwa minimap2; do
  samtools flagstat -O json real.$x.bam > real.$x.flagstat.json
  python3 "$root/scripts/concordance.py" real.$x.bam real.bwa.bam > real.$x.concordance.json
  bcftools mpileup -Ou -f chr20.fa -R "$data/na12878-chr20/window.bed" real.$x.bam 2>/dev/null | bcftools call -mv -Oz -o real.$x.vcf.gz 2>/dev/null
  python3 "$data/../tools/vcfcmp.py" chr20.fa "$data/na12878-chr20/truth.vcf.gz" real.$x.vcf.gz "$data/na12878-chr20/window.bed" > real.$x.vcfcmp.json
done
"$z" align chr20.fa "$data/na12878-chr20-broad/reads_unpaired.fq.gz" -o load.bam -t $t -q --metrics load.json

python3 "$root/scripts/bench_align_report.py" . | tee results.md
