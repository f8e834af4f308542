#!/usr/bin/env python3
"""Turns the files bench-call.sh leaves in its work directory into Markdown tables."""
import json
import os
import sys

os.chdir(sys.argv[1])
times = {}
for line in open("times.tsv"):
    name, rest = line.rstrip("\n").split("\t")
    secs, kb = rest.split()
    times[name] = (float(secs), int(kb) / 1024)


def row(d, x, label):
    e = json.load(open(f"{d}.{x}.{label}.json"))
    s, i = e["snp"], e["indel"]
    secs, mb = times[f"{d}_{x}"]
    n = int(open(f"{d}.{x}.{label}.count").read())
    return (
        f"| {x} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {i['precision']:.4f} | "
        f"{i['recall']:.4f} | {i['f1']:.4f} | {n} | {secs:.1f} | {secs / times[f'{d}_freebayes'][0]:.2f} | {mb:.0f} |"
    )


head = "| caller | SNP precision | SNP recall | SNP F1 | indel precision | indel recall | indel F1 | calls | wall s | time / freebayes | peak MB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
sets = [
    ("real", "window", "Real NA12878 (na12878-chr20), window.bed (100 kb; precision not judgeable outside confident.bed)"),
    ("real", "confident", "Real NA12878 (na12878-chr20), confident.bed"),
    ("sim30", "all", "Simulated 30x, chr20:30-32 Mb, 5% duplicates, 40 strand-error hotspots"),
    ("sim12", "all", "Simulated 12x, chr20:30-32 Mb, 5% duplicates, 40 strand-error hotspots"),
    ("plain12", "all", "Simulated 12x, chr20:40-42 Mb, no duplicates or hotspots"),
    ("slip30", "all", "Simulated 30x, chr20:30-32 Mb, polymerase slippage in homopolymers (--slippage 2e-4)"),
]
truth_window = int(open("real.truth.window.count").read())
for d, label, title in sets:
    print(f"### {title}\n")
    if label == "window":
        print(f"Truth records in window.bed: {truth_window}.\n")
    print(head)
    for x in ("zenome", "bcftools", "freebayes"):
        print(row(d, x, label))
    print()

print("### zenome eval against the independent count (vcfcmp.py: bcftools norm, exact matching), real window\n")
print("| caller | eval SNP TP/FP/FN | vcfcmp SNP TP/FP/FN | eval indel TP/FP/FN | vcfcmp indel TP/FP/FN |")
print("|---|---|---|---|---|")
for x in ("zenome", "bcftools", "freebayes"):
    e = json.load(open(f"real.{x}.window.json"))
    v = json.load(open(f"real.{x}.vcfcmp.json"))
    f = lambda d: f"{d['tp']}/{d['fp']}/{d['fn']}"
    print(f"| {x} | {f(e['snp'])} | {f(v['snp'])} | {f(e['indel'])} | {f(v['indel'])} |")
