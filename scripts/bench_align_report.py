#!/usr/bin/env python3
"""Turns the files bench-align.sh leaves in its work directory into one Markdown table."""
import json
import os
import sys

os.chdir(sys.argv[1])
times = {}
for line in open("times.tsv"):
    name, rest = line.rstrip("\n").split("\t")
    secs, kb = rest.split()
    times[name] = (float(secs), int(kb) / 1024)


def load(path):
    return json.load(open(path))


sim_reads = load("sim.zenome.placement.json")["reads"]
print("### Index (whole chr20, 63 Mb)\n")
print("| tool | build s | peak MB | ratio to bwa |")
print("|---|---:|---:|---:|")
for x in ("zenome", "bwa", "minimap2"):
    s, mb = times[f"index_{x}"]
    print(f"| {x} | {s:.1f} | {mb:.0f} | {s / times['index_bwa'][0]:.3f} |")
print(f"\nzenome index load (memory-mapped, checksum verified): {load('load.json')['stages']['index']:.3f} s\n")

print("### Simulated 2x150, 30x over chr20:30-32 Mb, aligned to the whole chr20\n")
print("| tool | wall s | ratio to bwa | peak MB | reads/s | mapped % | proper % | correct % | wrong at MAPQ>=20 per 10k |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for x in ("zenome", "bwa", "minimap2"):
    s, mb = times[f"sim_{x}"]
    p = load(f"sim.{x}.placement.json")
    pct = lambda n: 100.0 * n / p["reads"]
    print(
        f"| {x} | {s:.1f} | {s / times['sim_bwa'][0]:.3f} | {mb:.0f} | {p['reads'] / s:.0f} | {pct(p['mapped']):.3f} | "
        f"{pct(p['proper']):.3f} | {pct(p['correct']):.4f} | {p['wrong_per_10k_mapq20']:.2f} |"
    )

print("\n### Real NA12878 2x101 (na12878-chr20), aligned to the whole chr20\n")
print("| tool | wall s | ratio to bwa | peak MB | mapped % | proper % | same pos as bwa (both MAPQ>=20) | bcftools SNP recall | bcftools indel recall |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for x in ("zenome", "bwa", "minimap2"):
    s, mb = times[f"real_{x}"]
    f = load(f"real.{x}.flagstat.json")["QC-passed reads"]
    c = load(f"real.{x}.concordance.json")
    v = load(f"real.{x}.vcfcmp.json")
    print(
        f"| {x} | {s:.2f} | {s / times['real_bwa'][0]:.3f} | {mb:.0f} | {f['primary mapped %']:.2f} | {f['properly paired %']:.2f} | "
        f"{100 * c['fraction']:.2f}% | {v['snp']['recall']:.4f} | {v['indel']['recall']:.4f} |"
    )

if os.path.exists("cram.json"):
    c = load("cram.json")
    print("\n### CRAM of the simulated set (records read back with `samtools view -T`)\n")
    print("| writer | size bytes | size / BAM | wall s | records equal to the BAM's |")
    print("|---|---:|---:|---:|---|")
    print(f"| BAM (zenome align) | {c['bam']} | 1.000 | {times['sim_zenome'][0]:.1f} | - |")
    print(f"| zenome align -o X.cram | {c['cram']} | {c['cram'] / c['bam']:.3f} | {times['cram_zenome'][0]:.1f} | {c['equal']} of {c['records']} |")
    print(f"| samtools view -C (of the BAM, conversion only) | {c['samtools_cram']} | {c['samtools_cram'] / c['bam']:.3f} | {times['cram_samtools'][0]:.1f} | - |")
