#!/usr/bin/env python3
"""Synthetic single-sample gVCFs of a cohort, for timing `zenome joint` (scripts/bench-joint.sh).

Usage: synth_gvcfs.py REF.fa.fai CONTIG START END N_SAMPLES OUTDIR [SEED [MEAN_BLOCK]]

A population of SNP sites (one per ~300 bases, allele frequencies skewed to rare as in real
cohorts) is drawn once; each sample takes Hardy-Weinberg genotypes at them. A sample's gVCF has
a variant record (with <NON_REF>, PL, AD, SB, RAW_MQandDP) where it carries the ALT and
reference blocks elsewhere, cut where GQ bands change (MEAN_BLOCK bases on average, 20 by default: GATK's density
at 30x; zenome's own gVCFs cut finer), with MIN_DP
and PL. The reference bases come from REF (read through its .fai, so REF.fa must be plain).
Files are written plain; the bench bgzips and indexes them.
"""
import os
import random
import sys


def read_region(fai, contig, start, end):
    fa = fai[: -len(".fai")]
    for line in open(fai):
        name, length, offset, line_bases, line_bytes = line.split("\t")[:5]
        if name != contig:
            continue
        length, offset, lb, lw = int(length), int(offset), int(line_bases), int(line_bytes)
        with open(fa, "rb") as f:
            seq = []
            pos = start
            while pos < end:
                row, col = divmod(pos, lb)
                f.seek(offset + row * lw + col)
                take = min(lb - col, end - pos)
                seq.append(f.read(take).decode())
                pos += take
        return "".join(seq).upper(), length
    sys.exit(f"synth_gvcfs.py: no contig {contig} in {fai}")


def main():
    fai, contig, start, end, n, out = sys.argv[1:7]
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    mean_block = float(sys.argv[8]) if len(sys.argv) > 8 else 20.0
    start, end, n = int(start), int(end), int(n)
    seq, length = read_region(fai, contig, start, end)
    rng = random.Random(seed)
    sites = []
    pos = start + 50
    while pos < end - 50:
        pos += rng.randint(30, 570)
        base = seq[pos - start] if pos < end else "N"
        if base not in "ACGT":
            continue
        alt = rng.choice([b for b in "ACGT" if b != base])
        af = min(0.5, 0.5 * rng.random() ** 3 + 0.0005)
        sites.append((pos, base, alt, af))
    os.makedirs(out, exist_ok=True)
    header = (
        "##fileformat=VCFv4.2\n"
        '##ALT=<ID=NON_REF,Description="Represents any possible alternative allele not already represented at this location by REF and ALT">\n'
        '##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">\n'
        f"##contig=<ID={contig},length={length}>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
    )
    for s in range(n):
        name = f"S{s:04d}"
        lines = [header + name + "\n"]
        at = start  # 0-based: next base not yet written

        def blocks(upto):
            nonlocal at
            while at < upto:
                span = min(upto - at, max(1, int(rng.expovariate(1 / mean_block))))
                dp = rng.randint(18, 40)
                gq = min(99, 3 * dp)
                b = seq[at - start]
                if b not in "ACGT":
                    b = "N"
                lines.append(
                    f"{contig}\t{at + 1}\t.\t{b}\t<NON_REF>\t.\t.\tEND={at + span}\tGT:DP:GQ:MIN_DP:PL\t0/0:{dp}:{gq}:{dp - 2}:0,{gq},{10 * dp}\n"
                )
                at += span

        for pos, base, alt, af in sites:
            g = (rng.random() < af) + (rng.random() < af)
            if g == 0:
                continue
            blocks(pos)
            dp = rng.randint(20, 40)
            a = dp // 2 if g == 1 else dp
            r = dp - a
            pl = "%d,0,%d" % (10 * a, 10 * r) if g == 1 else "%d,%d,0" % (10 * a, 3 * a)
            pl += ",%d,%d,%d" % (10 * a + 30, 10 * r + 30, 10 * dp + 60)
            q = 10 * a - 3
            sb = f"{r // 2},{r - r // 2},{a // 2},{a - a // 2}"
            lines.append(
                f"{contig}\t{pos + 1}\t.\t{base}\t{alt},<NON_REF>\t{q}.00\t.\tDP={dp};MQRankSum=0.000;RAW_MQandDP={3600 * dp},{dp};ReadPosRankSum=0.100\tGT:AD:DP:GQ:PL:SB\t{'0/1' if g == 1 else '1/1'}:{r},{a},0:{dp}:99:{pl}:{sb}\n"
            )
            at = pos + 1
        blocks(end)
        with open(os.path.join(out, name + ".g.vcf"), "w") as f:
            f.writelines(lines)


if __name__ == "__main__":
    main()
