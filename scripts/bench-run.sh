#!/usr/bin/env bash
# Whole-run benchmark (issue 8's bars), in one run with 2 threads on the same inputs:
#   - FASTQ to sorted BAM and VCF: `zenome run` against `bwa mem | samtools sort`, `samtools
#     index`, then `bcftools mpileup | bcftools call -mv`, on simulated 2x150 reads, 30x over
#     chr20:30,000,001-32,000,000, aligned to the whole chr20 (both indexes built beforehand):
#     wall time, CPU use (user + system over wall x cores), peak memory, SNP/indel F1 (zenome eval
#     against the simulated truth, confident regions);
#   - memory bound: `zenome run --sort-mem 128` on those reads and on 4x as many (120x);
#   - lanes: the same reads split over two lanes of one library (`--fastq-list`): duplicates
#     against the one-lane run.
# Usage: scripts/bench-run.sh [WORKDIR]    (default target/bench-run; results.md written there)
# Needs: bwa samtools bcftools (Debian packages), GNU time, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${ZENOME_DATA:-$root/../shared/data}
work=${1:-$root/target/bench-run}
t=2
. "$root/scripts/bench-common.sh"
need bench-run "apt-get install bwa samtools bcftools time" bwa samtools bcftools python3 /usr/bin/time
[ -s "$data/ref/chr20.fa.gz" ] || { echo "bench-run: no $data/ref/chr20.fa.gz" >&2; exit 1; }
setup
rm -f cpu.tsv

# timecpu NAME COMMAND...: like timeit, and appends "NAME<TAB>wall user sys peak_KB" to cpu.tsv.
timecpu() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "cpu.$name" "$@"
  printf '%s\t%s\n' "$name" "$(cat "cpu.$name")" >> cpu.tsv
}

echo "== reference and indexes (not timed)"
[ -s chr20.fa ] || zcat "$data/ref/chr20.fa.gz" > chr20.fa
[ -s chr20.fa.fai ] || samtools faidx chr20.fa
[ -s chr20.fa.zmi ] || "$z" index -t $t chr20.fa
[ -s chr20.fa.bwt ] || bwa index chr20.fa 2>/dev/null

echo "== simulated reads"
[ -s sim/reads_1.fq.gz ] || "$z" simulate -o sim --reference chr20.fa --region chr20:30000001-32000000 --depth 30 --seed 11
[ -s sim4/reads_1.fq.gz ] || "$z" simulate -o sim4 --reference chr20.fa --region chr20:30000001-32000000 --depth 120 --seed 11
s1=sim/reads_1.fq.gz s2=sim/reads_2.fq.gz

echo "== FASTQ to BAM and VCF (three rounds, alternating; the report takes medians)"
for round in 1 2 3; do
  rm -f zen.* peers.*
  timecpu run_zenome_$round "$z" run chr20.fa $s1 $s2 -o zen -t $t -q --metrics zen.json
  timecpu run_peers_$round bash -c "bwa mem -t $t chr20.fa $s1 $s2 2>/dev/null | samtools sort -@$t -o peers.bam - 2>/dev/null \
    && samtools index peers.bam && bcftools mpileup -Ou -f chr20.fa peers.bam 2>/dev/null \
    | bcftools call -mv -Oz -o peers.vcf.gz 2>/dev/null && bcftools index -t peers.vcf.gz"
done
for x in zen peers; do
  q=0; [ $x = zen ] || q=20
  "$z" eval --ref chr20.fa --truth sim/truth.vcf.gz --query $x.vcf.gz -L sim/confident.bed --min-qual $q --json > $x.eval.json
done
samtools view -c -f 0x400 zen.bam > zen.dups

echo "== memory with --sort-mem 128"
timecpu mem1x "$z" run chr20.fa $s1 $s2 -o mem1x -t $t -q --sort-mem 128
timecpu mem4x "$z" run chr20.fa sim4/reads_1.fq.gz sim4/reads_2.fq.gz -o mem4x -t $t -q --sort-mem 128

echo "== one library over two lanes"
mkdir -p lanes
for k in 0 1; do
  for r in 1 2; do
    [ -s lanes/l${k}_$r.fq.gz ] || zcat sim/reads_$r.fq.gz | awk -v k=$k 'int((NR-1)/4)%2==k' | gzip -1 > lanes/l${k}_$r.fq.gz
  done
done
printf 'RGID,RGSM,RGLB,Lane,Read1File,Read2File\nFC.1,SIM,lib,1,l0_1.fq.gz,l0_2.fq.gz\nFC.2,SIM,lib,2,l1_1.fq.gz,l1_2.fq.gz\n' > lanes/fastq_list.csv
timecpu lanes "$z" run chr20.fa --fastq-list lanes/fastq_list.csv -o lanes/two -t $t -q
samtools view -c -f 0x400 lanes/two.bam > lanes.dups

python3 "$root/scripts/bench_run_report.py" . $t | tee results.md
