#!/usr/bin/env bash
# Joint-genotyping benchmark (zenome joint), in one run:
#   - two simulated 30x samples over the same 2 Mb of chr20 (chr20:30,000,001-32,000,000),
#     aligned and called by zenome (single-sample VCF and gVCF each), joint-genotyped; each
#     sample's genotypes, taken out with bcftools view -s, scored against its truth beside its
#     single-sample call; no-calls where the sample has reads counted;
#   - a simulated trio over the same 2 Mb at 30x with 40 de novo SNPs: de novo recall
#     (hiConfDeNovo), false de novo flags per Mb, and the Mendelian violation rate;
#   - time and peak memory of 1, 10 and 100 synthetic gVCFs over the 2 Mb (scripts/synth_gvcfs.py,
#     GATK's block density), per sample.
# Usage: scripts/bench-joint.sh [WORKDIR]   (default target/bench-joint; results.md written there)
# Needs: samtools bcftools tabix (Debian packages), GNU time, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${ZENOME_DATA:-$root/../shared/data}
work=${1:-$root/target/bench-joint}
t=2
region=chr20:30000001-32000000
. "$root/scripts/bench-common.sh"
need bench-joint "apt-get install samtools bcftools tabix time" samtools bcftools bgzip tabix python3 /usr/bin/time
setup

[ -s chr20.fa ] || zcat "$data/ref/chr20.fa.gz" > chr20.fa
[ -s chr20.fa.fai ] || samtools faidx chr20.fa
[ -s chr20.fa.zmi ] || "$z" index chr20.fa 2>/dev/null

sample() { # dir name: align and call (VCF and gVCF) one simulated sample
  local d=$1 n=$2
  [ -s "$d/$n.g.vcf.gz.tbi" ] && return
  "$z" align chr20.fa "$d/reads_1.fq.gz" "$d/reads_2.fq.gz" -R "@RG\tID:$n\tSM:$n" -Y -t $t -q -o "$d/$n.bam"
  "$z" call chr20.fa "$d/$n.bam" -r $region -t $t -q -o "$d/$n.vcf.gz"
  "$z" call chr20.fa "$d/$n.bam" -r $region -t $t -q --gvcf -o "$d/$n.g.vcf.gz"
}

echo "== two 30x samples"
for s in 1 2; do
  [ -s pair$s/reads_1.fq.gz ] || "$z" simulate -o pair$s --reference chr20.fa --region $region --depth 30 --seed $((300 + s)) 2>/dev/null
  sample pair$s s$s
done
timeit joint_pair "$z" joint chr20.fa pair1/s1.g.vcf.gz pair2/s2.g.vcf.gz -r $region -t $t -q -o pair.vcf.gz
for s in 1 2; do
  bcftools view -s s$s -c1 pair.vcf.gz -Oz -o pair.s$s.vcf.gz
  "$z" eval --ref chr20.fa --truth pair$s/truth.vcf.gz --query pair.s$s.vcf.gz -L pair$s/confident.bed --json > pair.s$s.joint.json
  "$z" eval --ref chr20.fa --truth pair$s/truth.vcf.gz --query pair$s/s$s.vcf.gz -L pair$s/confident.bed --json > pair.s$s.single.json
done
# Genotypes written ./. although the sample has reads there (the bar: none).
bcftools query -f '[%GT:%DP\n]' pair.vcf.gz | awk -F: '$1=="./." && $2!="." && $2>0' | wc -l > pair.nocall_with_reads
bcftools view pair.vcf.gz 2>&1 >/dev/null | grep -ci warn > pair.bcftools_warnings || true

echo "== trio"
[ -s trio/trio.ped ] || "$z" simulate --trio -o trio --reference chr20.fa --region $region --depth 30 --de-novo 40 --seed 310 2>/dev/null
for m in father mother child; do sample trio/$m $m; done
timeit joint_trio "$z" joint chr20.fa trio/father/father.g.vcf.gz trio/mother/mother.g.vcf.gz trio/child/child.g.vcf.gz \
  --pedigree trio/trio.ped -r $region -t $t -q -o trio.vcf.gz --metrics trio.metrics.json
bcftools query -f '%POS\n' trio/denovo.vcf.gz | sort > trio.truth.pos
bcftools query -i 'INFO/hiConfDeNovo!="."' -f '%POS\n' trio.vcf.gz | sort > trio.hi.pos
bcftools query -i 'INFO/hiConfDeNovo!="." || INFO/loConfDeNovo!="."' -f '%POS\n' trio.vcf.gz | sort > trio.any.pos

echo "== cohorts of synthetic gVCFs"
for n in 1 10 100; do
  if [ ! -s cohort$n/done ]; then
    rm -rf cohort$n
    python3 "$root/scripts/synth_gvcfs.py" chr20.fa.fai chr20 30000000 32000000 $n cohort$n 7
    for f in cohort$n/*.g.vcf; do bgzip -f "$f" && tabix -p vcf "$f.gz"; done
    ls cohort$n/*.g.vcf.gz > cohort$n/list.txt
    touch cohort$n/done
  fi
  timeit joint_$n "$z" joint chr20.fa --gvcf-list cohort$n/list.txt -r $region -t $t -q -o cohort$n.vcf.gz
  bcftools view -H cohort$n.vcf.gz | wc -l > cohort$n.records
  cat cohort$n/*.g.vcf.gz | wc -c > cohort$n.bytes
done

python3 - <<'PY' > results.md
import json
def f1(path, kind):
    d = json.load(open(path))[kind]
    return d
times = {l.split('\t')[0]: l.split('\t')[1].split() for l in open('times.tsv')}
print('### Two 30x samples joint-genotyped (chr20:30-32 Mb): each sample against its truth\n')
print('| sample | call | SNP F1 | indel F1 | SNP FP | indel FP | GT concordance |')
print('|---|---|---|---|---|---|---|')
for s in (1, 2):
    for how in ('single', 'joint'):
        d = json.load(open(f'pair.s{s}.{how}.json'))
        print(f"| s{s} | {how} | {d['snp']['f1']:.4f} | {d['indel']['f1']:.4f} | {d['snp']['fp']} | {d['indel']['fp']} | {d['gt_concordance']:.4f} |")
print()
print(f"No-calls where the sample has reads: {open('pair.nocall_with_reads').read().strip()}; bcftools warnings: {open('pair.bcftools_warnings').read().strip()}; joint time {times['joint_pair'][0]} s.\n")
truth = set(open('trio.truth.pos').read().split())
hi = set(open('trio.hi.pos').read().split())
anyf = set(open('trio.any.pos').read().split())
m = json.load(open('trio.metrics.json'))
print('### Simulated trio at 30x over 2 Mb, 40 de novo SNPs\n')
print('| flags | de novo found | recall | false flags | false per Mb |')
print('|---|---|---|---|---|')
for name, s in (('hiConfDeNovo', hi), ('hi or loConfDeNovo', anyf)):
    tp = len(truth & s); fp = len(s - truth)
    print(f'| {name} | {tp} of {len(truth)} | {tp / max(1, len(truth)):.3f} | {fp} | {fp / 2:.1f} |')
c = m['counts']
print(f"\nMendelian violation rate (--metrics): {m['rates']['mendelian_violation_rate']:.4f} ({c['mendelian_violations']} of {c['mendelian_checked']} informative trio-sites; the 40 de novo sites included).\n")
print('### zenome joint on synthetic gVCFs over 2 Mb (2 threads)\n')
print('| samples | gVCF MB in | records out | wall s | s per sample | peak MB |')
print('|---|---|---|---|---|---|')
for n in (1, 10, 100):
    wall, kb = times[f'joint_{n}']
    mb = int(open(f'cohort{n}.bytes').read()) / 1e6
    rec = open(f'cohort{n}.records').read().strip()
    print(f'| {n} | {mb:.1f} | {rec} | {wall} | {float(wall) / n:.3f} | {int(kb) / 1024:.0f} |')
PY
cat results.md
