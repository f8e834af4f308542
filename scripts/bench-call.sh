#!/usr/bin/env bash
# Calling benchmark: zenome call against bcftools mpileup|call and freebayes on the same BAMs
# (bwa mem, then samtools fixmate -m, sort, markdup: only the callers differ), scored with
# zenome eval (peers at QUAL>=20, zenome's PASS records), in one run:
#   - real NA12878 reads (../shared/data/na12878-chr20) over window.bed and confident.bed;
#   - simulated 2x150 over chr20:30,000,001-32,000,000 at 30x and 12x, with 5% PCR duplicates
#     and 40 strand-specific recurrent-error hotspots;
#   - a plain simulated 12x (no duplicates or hotspots) over chr20:40,000,001-42,000,000, the
#     set of issue 9's 12x bar;
#   - a simulated 30x over chr20:30-32 Mb whose reads gain or lose a base in homopolymers
#     (zenome simulate --slippage 2e-4), scored also under each --pcr-indel-model.
# Usage: scripts/bench-call.sh [WORKDIR]   (default target/bench-call; results.md written there)
# Needs: bwa samtools bcftools freebayes tabix (Debian packages), GNU time, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${ZENOME_DATA:-$root/../shared/data}
work=${1:-$root/target/bench-call}
t=2
. "$root/scripts/bench-common.sh"
need bench-call "apt-get install bwa samtools bcftools freebayes tabix time" bwa samtools bcftools freebayes bgzip python3 /usr/bin/time
setup

[ -s chr20.fa ] || zcat "$data/ref/chr20.fa.gz" > chr20.fa
[ -s chr20.fa.fai ] || samtools faidx chr20.fa
[ -s chr20.fa.bwt ] || bwa index chr20.fa 2>/dev/null
[ -s chr20.fa.zmi ] || "$z" index chr20.fa 2>/dev/null   # zenome reads the sequence from it, as the peers use .fai

bam() { # name r1 r2
  [ -s "$1.bam.bai" ] && return
  bwa mem -t $t -R "@RG\tID:$1\tSM:$1" chr20.fa "$2" "$3" 2>/dev/null | samtools fixmate -m - - | samtools sort -@$t - 2>/dev/null \
    | samtools markdup - "$1.bam" 2>/dev/null
  samtools index "$1.bam"
}

echo "== inputs"
bam real "$data/na12878-chr20/reads_1.fq.gz" "$data/na12878-chr20/reads_2.fq.gz"
for depth in 30 12; do
  [ -s sim$depth/reads_1.fq.gz ] || "$z" simulate -o sim$depth --reference chr20.fa --region chr20:30000001-32000000 \
    --depth $depth --duplicates 0.05 --strand-errors 40 --seed $((100 + depth))
  bam sim$depth sim$depth/reads_1.fq.gz sim$depth/reads_2.fq.gz
done
[ -s plain12/reads_1.fq.gz ] || "$z" simulate -o plain12 --reference chr20.fa --region chr20:40000001-42000000 \
  --depth 12 --seed 7
bam plain12 plain12/reads_1.fq.gz plain12/reads_2.fq.gz
[ -s slip30/reads_1.fq.gz ] || "$z" simulate -o slip30 --reference chr20.fa --region chr20:30000001-32000000 \
  --depth 30 --seed 230 --slippage 2e-4
bam slip30 slip30/reads_1.fq.gz slip30/reads_2.fq.gz

run_callers() { # dataset region
  local d=$1 region=$2
  timeit ${d}_zenome "$z" call chr20.fa $d.bam -o $d.zenome.vcf.gz -r "$region" -t $t -q
  timeit ${d}_bcftools bash -c "bcftools mpileup -Ou -f chr20.fa -r $region $d.bam 2>/dev/null | bcftools call -mv -Oz -o $d.bcftools.vcf.gz 2>/dev/null"
  timeit ${d}_freebayes bash -c "freebayes -f chr20.fa -r $region $d.bam | bgzip > $d.freebayes.vcf.gz"
}

score() { # dataset truth bed label
  local d=$1 truth=$2 bed=$3 label=$4
  for x in zenome bcftools freebayes; do
    local q=0; [ $x = zenome ] || q=20
    "$z" eval --ref chr20.fa --truth "$truth" --query $d.$x.vcf.gz -L "$bed" --min-qual $q --json > $d.$x.$label.json
    # Calls made inside the BED (PASS, QUAL>=20 for the peers), for the call-count bar.
    bcftools view -H -f PASS,. -i "QUAL>=$q" -T "$bed" $d.$x.vcf.gz | wc -l > $d.$x.$label.count
  done
}

echo "== real"
run_callers real chr20:10000000-10100000
score real "$data/na12878-chr20/truth.vcf.gz" "$data/na12878-chr20/window.bed" window
score real "$data/na12878-chr20/truth.vcf.gz" "$data/na12878-chr20/confident.bed" confident
bcftools view -H -T "$data/na12878-chr20/window.bed" "$data/na12878-chr20/truth.vcf.gz" | wc -l > real.truth.window.count
# Second opinion: the independent exact-match count of ../shared/tools/vcfcmp.py (bcftools norm).
for x in zenome bcftools freebayes; do
  q=0; [ $x = zenome ] || q=20
  python3 "$data/../tools/vcfcmp.py" chr20.fa "$data/na12878-chr20/truth.vcf.gz" real.$x.vcf.gz "$data/na12878-chr20/window.bed" --pass-only --min-qual $q > real.$x.vcfcmp.json
done

for depth in 30 12; do
  echo "== simulated ${depth}x"
  run_callers sim$depth chr20:30000001-32000000
  score sim$depth sim$depth/truth.vcf.gz sim$depth/confident.bed all
done
echo "== simulated 12x, plain"
run_callers plain12 chr20:40000001-42000000
score plain12 plain12/truth.vcf.gz plain12/confident.bed all
echo "== simulated 30x with polymerase slippage in homopolymers"
run_callers slip30 chr20:30000001-32000000
score slip30 slip30/truth.vcf.gz slip30/confident.bed all
# The same reads under each of zenome's indel error models (--pcr-indel-model).
{
  echo "### zenome's indel error models on slip30 (--pcr-indel-model)"
  echo
  echo "| model | indel TP | indel FP | indel FN | indel F1 |"
  echo "|---|---:|---:|---:|---:|"
} > slipmodels.md
cp slip30.zenome.vcf.gz slip30.conservative.vcf.gz   # the default, called above
for m in none conservative aggressive; do
  [ $m = conservative ] || "$z" call chr20.fa slip30.bam -o slip30.$m.vcf.gz -r chr20:30000001-32000000 -t $t -q --pcr-indel-model $m
  "$z" eval --ref chr20.fa --truth slip30/truth.vcf.gz --query slip30.$m.vcf.gz -L slip30/confident.bed --json \
    | python3 -c "import json, sys; i = json.load(sys.stdin)['indel']; print(f\"| $m | {i['tp']} | {i['fp']} | {i['fn']} | {i['f1']:.4f} |\")" >> slipmodels.md
done

echo "== GATK's SNP hard filter on zenome's calls"
# The best practices' expression for SNPs, applied with bcftools to zenome's SNP records:
# true-positive SNPs it removes, false positives it removes (zenome eval, PASS records).
hf='QD < 2.0 || FS > 60.0 || MQ < 40.0 || MQRankSum < -12.5 || ReadPosRankSum < -8.0'
{
  echo "### GATK's SNP hard filter (bcftools filter -e '$hf', SNP records)"
  echo
  echo "| set | SNP TP | TP removed | SNP FP | FP removed |"
  echo "|---|---:|---:|---:|---:|"
} > hardfilter.md
for spec in "real:$data/na12878-chr20/truth.vcf.gz:$data/na12878-chr20/confident.bed" \
    "sim30:sim30/truth.vcf.gz:sim30/confident.bed" "sim12:sim12/truth.vcf.gz:sim12/confident.bed" "slip30:slip30/truth.vcf.gz:slip30/confident.bed" \
    "plain12:plain12/truth.vcf.gz:plain12/confident.bed"; do
  IFS=: read -r d truth bed <<< "$spec"
  bcftools filter -e "TYPE=\"snp\" && ($hf)" -s HardFilter "$d.zenome.vcf.gz" -Oz -o "$d.zenome.hf.vcf.gz"
  "$z" eval --ref chr20.fa --truth "$truth" --query "$d.zenome.vcf.gz" -L "$bed" --json > "$d.before.json"
  "$z" eval --ref chr20.fa --truth "$truth" --query "$d.zenome.hf.vcf.gz" -L "$bed" --json > "$d.after.json"
  python3 - "$d" "$d.before.json" "$d.after.json" >> hardfilter.md <<'PY'
import json, sys
d, b, a = sys.argv[1], json.load(open(sys.argv[2]))["snp"], json.load(open(sys.argv[3]))["snp"]
print(f"| {d} | {b['tp']} | {b['tp'] - a['tp']} | {b['fp']} | {b['fp'] - a['fp']} |")
PY
done

# The same expression with QD from GATK's QUAL, recomputed from zenome's PLs (docs/calling.md).
{
  echo
  echo "### The same, with QD from GATK's QUAL recomputed from the PLs (scripts/hardfilter_gatk_qual.py)"
  echo
  echo "| set | result |"
  echo "|---|---|"
  for d in sim30 sim12 slip30 plain12; do
    echo "| $d | $(python3 "$root/scripts/hardfilter_gatk_qual.py" "$d.zenome.vcf.gz" "$d/truth.vcf.gz") |"
  done
} >> hardfilter.md

python3 "$root/scripts/bench_call_report.py" . | tee results.md
cat hardfilter.md | tee -a results.md
echo | tee -a results.md
cat slipmodels.md | tee -a results.md
