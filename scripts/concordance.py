#!/usr/bin/env python3
"""Position concordance of two BAMs of the same reads: of the primary records that both place
with MAPQ >= 20, the fraction at the same contig, strand and position (within --slack bases of the
unclipped start). Prints one JSON line. Needs samtools."""
import json
import re
import subprocess
import sys

CLIP = re.compile(r"^(\d+)[SH]")


def placements(bam):
    out = {}
    cmd = ["samtools", "view", "-F", "0x904", "-q", "20", bam]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as p:
        for line in p.stdout:
            f = line.split("\t", 6)
            flag = int(f[1])
            m = CLIP.match(f[5])
            start = int(f[3]) - (int(m.group(1)) if m and not flag & 0x10 else 0)
            out[(f[0], flag & 0xC0)] = (f[2], flag & 0x10, start)
    return out


def main():
    a, b = sys.argv[1], sys.argv[2]
    slack = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    pa, pb = placements(a), placements(b)
    both = pa.keys() & pb.keys()
    same = sum(
        1
        for k in both
        if pa[k][0] == pb[k][0] and pa[k][1] == pb[k][1] and abs(pa[k][2] - pb[k][2]) <= slack
    )
    print(json.dumps({"both_mapq20": len(both), "same": same, "fraction": same / max(1, len(both))}))


main()
