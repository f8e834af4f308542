#!/usr/bin/env python3
"""Turns the files bench-run.sh leaves in its work directory into Markdown tables."""
import json
import os
import sys

os.chdir(sys.argv[1])
cores = int(sys.argv[2])
runs = {}
for line in open("cpu.tsv"):
    name, rest = line.rstrip("\n").split("\t")
    wall, user, sys_, kb = rest.split()
    runs[name] = (float(wall), float(user) + float(sys_), int(kb) / 1024)


def cpu_use(name):
    wall, cpu, _ = runs[name]
    return 100.0 * cpu / (wall * cores)


# The median round of each pipeline, by wall time.
for x in ("run_zenome", "run_peers"):
    rounds = sorted((runs[k] for k in runs if k.startswith(x + "_")), key=lambda r: r[0])
    runs[x] = rounds[len(rounds) // 2]
    runs[x + "_all"] = rounds


print("### FASTQ to sorted BAM and VCF: 2x150, 30x over chr20:30-32 Mb, whole chr20, "
      f"{cores} threads\n")
print("| pipeline | wall s | time / peers | CPU use % | peak MB | SNP F1 | indel F1 |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, label, ev in (("run_zenome", "zenome run", "zen"),
                        ("run_peers", "bwa mem + samtools sort + bcftools", "peers")):
    wall, _, mb = runs[name]
    e = json.load(open(f"{ev}.eval.json"))
    print(f"| {label} | {wall:.1f} | {wall / runs['run_peers'][0]:.3f} | {cpu_use(name):.0f} | "
          f"{mb:.0f} | {e['snp']['f1']:.4f} | {e['indel']['f1']:.4f} |")

print("\nwall s of the three rounds: zenome " +
      ", ".join(f"{r[0]:.1f}" for r in runs["run_zenome_all"]) + "; peers " +
      ", ".join(f"{r[0]:.1f}" for r in runs["run_peers_all"]))
m = json.load(open("zen.json"))
print("\nzenome stages (s; align stages summed over threads): " +
      ", ".join(f"{k} {v:.2f}" for k, v in m["stages"].items()))

a, b = runs["mem1x"][2], runs["mem4x"][2]
print("\n### Peak memory with --sort-mem 128\n")
print("| reads | wall s | peak MB |")
print("|---|---:|---:|")
print(f"| 1x (30x) | {runs['mem1x'][0]:.1f} | {a:.0f} |")
print(f"| 4x (120x) | {runs['mem4x'][0]:.1f} | {b:.0f} |")
print(f"\n4x / 1x peak: {b / a:.3f}")

one, two = int(open("zen.dups").read()), int(open("lanes.dups").read())
print("\n### One library over two lanes (--fastq-list)\n")
print(f"duplicate-flagged records: one lane {one}, two lanes {two} "
      f"(difference {100.0 * abs(two - one) / max(one, 1):.2f}%)")
