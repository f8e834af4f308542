#!/usr/bin/env python3
"""GATK's SNP hard filter on a zenome VCF, with QD recomputed from GATK's QUAL.

Diploid biallelic PASS SNP records with numeric AD and PL only.

GATK 4 computes QUAL from an EM estimate of the site's allele frequencies (Dirichlet
pseudocounts: REF 10, SNP ALT 0.01) and the sample's own expected allele counts, not from a
fixed heterozygosity prior as zenome does. This script recomputes that QUAL from each PASS
biallelic SNP's PL, takes QD = QUAL / (reads in AD), applies
`QD < 2.0 || FS > 60.0 || MQ < 40.0 || MQRankSum < -12.5 || ReadPosRankSum < -8.0`, and counts the
true and false SNPs it removes against a truth VCF (exact position, REF and ALT).

Usage: scripts/hardfilter_gatk_qual.py QUERY.vcf.gz TRUTH.vcf.gz [--list]
"""
import gzip
import math
import sys


def records(path):
    with gzip.open(path, "rt") as f:
        for line in f:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def log10_sum(xs):
    m = max(xs)
    return m + math.log10(sum(10 ** (x - m) for x in xs))


def gatk_qual(pl, alt_pseudocount=0.01, ref_pseudocount=10.0):
    """Diploid biallelic QUAL from PL (0/0, 0/1, 1/1) by GATK's EM allele-frequency model."""
    lik = [-p / 10 for p in pl]

    def posteriors(freq):
        lf = [math.log10(x) for x in freq]
        post = [lik[0] + 2 * lf[0], math.log10(2) + lik[1] + lf[0] + lf[1], lik[2] + 2 * lf[1]]
        total = log10_sum(post)
        return [p - total for p in post]

    freq, counts = [0.5, 0.5], [0.0, 0.0]
    for _ in range(1000):
        post = [10**p for p in posteriors(freq)]
        new = [2 * post[0] + post[1], post[1] + 2 * post[2]]
        change = max(abs(a - b) for a, b in zip(new, counts))
        counts = new
        total = ref_pseudocount + alt_pseudocount + sum(counts)
        freq = [(ref_pseudocount + counts[0]) / total, (alt_pseudocount + counts[1]) / total]
        if change <= 0.1:
            break
    return -10 * posteriors(freq)[0]


def main():
    query, truth = sys.argv[1], sys.argv[2]
    listing = "--list" in sys.argv[3:]
    true_alleles = {(r[0], r[1], r[3], a) for r in records(truth) for a in r[4].split(",")}
    tp = fp = tp_removed = fp_removed = 0
    for r in records(query):
        alts = r[4].split(",")
        if r[6] not in ("PASS", ".") or len(r[3]) != 1 or len(alts) != 1 or len(alts[0]) != 1:
            continue
        info = dict(kv.split("=", 1) for kv in r[7].split(";") if "=" in kv)
        fmt = dict(zip(r[8].split(":"), r[9].split(":")))
        try:
            depth = sum(int(x) for x in fmt["AD"].split(","))
            pl = [int(x) for x in fmt["PL"].split(",")]
        except (KeyError, ValueError):
            continue
        if len(pl) != 3:
            continue  # diploid biallelic records only
        qual = gatk_qual(pl)
        qd = qual / depth if depth else float("inf")
        num = lambda k: float(info[k]) if k in info else None
        removed = (
            qd < 2.0
            or (num("FS") or 0.0) > 60.0
            or (num("MQ") is not None and num("MQ") < 40.0)
            or (num("MQRankSum") is not None and num("MQRankSum") < -12.5)
            or (num("ReadPosRankSum") is not None and num("ReadPosRankSum") < -8.0)
        )
        true = (r[0], r[1], r[3], alts[0]) in true_alleles
        tp, fp = tp + true, fp + (not true)
        tp_removed += true and removed
        fp_removed += (not true) and removed
        if listing and (removed or not true):
            state = "TP" if true else "FP"
            print(f"{state}\t{r[0]}:{r[1]}\t{r[3]}>{alts[0]}\tQUAL {r[5]} GATK {qual:.1f}\tQD {qd:.2f}\tAD {fmt['AD']}\t{'removed' if removed else 'kept'}")
    print(f"SNP TP {tp}, removed {tp_removed}; SNP FP {fp}, removed {fp_removed}")


if __name__ == "__main__":
    main()
