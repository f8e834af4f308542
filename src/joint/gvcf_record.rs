//! One sample's gVCF record as joint genotyping needs it: where it lies, its alleles, its
//! genotype, likelihoods and depths, and the raw data of the cohort annotations. Reads what
//! zenome and GATK HaplotypeCaller write (`<NON_REF>`, `*`, `END` blocks, `SB`, `RAW_MQandDP`).

/// A symbolic allele: `<NON_REF>`, `<*>` or another `<...>`.
pub(crate) fn is_symbolic(allele: &str) -> bool {
    allele.starts_with('<')
}

/// A sample's record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SampleRecord {
    /// 0-based first position and end (exclusive): `END` for a block, REF's span otherwise.
    pub start: i64,
    pub end: i64,
    /// A reference-confidence block (every ALT symbolic).
    pub block: bool,
    pub reference: String,
    /// ALT alleles as written (`<NON_REF>` and `*` included).
    pub alts: Vec<String>,
    /// The called alleles (None: no call), one per chromosome copy.
    pub gt: Option<Vec<usize>>,
    pub ploidy: usize,
    pub pl: Option<Vec<u32>>,
    pub ad: Option<Vec<u32>>,
    /// DP, or a block's MIN_DP (the depth every base of it has).
    pub dp: Option<u32>,
    pub gq: Option<u32>,
    /// Reads per strand: REF forward, REF reverse, ALT forward, ALT reverse.
    pub sb: Option<[u32; 4]>,
    /// RAW_MQandDP: the sum of squared mapping qualities, and the reads.
    pub raw_mq: Option<(f64, f64)>,
    /// MQRankSum, ReadPosRankSum, BaseQRankSum.
    pub rank_sums: [Option<f64>; 3],
}

impl SampleRecord {
    /// A record that carries an allele other than the reference and symbolic ones (`*` alone
    /// does not: it only says an upstream deletion covers this position).
    pub(crate) fn is_variant(&self) -> bool {
        !self.block && self.alts.iter().any(|a| !is_symbolic(a) && a != "*")
    }

    /// Reads a data line (first sample only), taking only the fields joint genotyping uses;
    /// returns the contig name with the record. The error says what is wrong with the line.
    pub(crate) fn from_line(line: &str) -> Result<(&str, SampleRecord), String> {
        let mut f = line.split('\t');
        let mut next = |what: &str| f.next().ok_or_else(|| format!("no {what} column"));
        let chrom = next("CHROM")?;
        let pos_text = next("POS")?;
        let pos: u64 = pos_text
            .parse()
            .map_err(|_| format!("POS '{pos_text}' is not a number"))?;
        let _id = next("ID")?;
        let reference = next("REF")?;
        let alt_text = next("ALT")?;
        let _qual = next("QUAL")?;
        let _filter = next("FILTER")?;
        let info = next("INFO")?;
        let format = f.next().unwrap_or("");
        let values = f.next().unwrap_or("");
        if pos == 0 {
            return Err("POS 0: positions are 1-based".into());
        }
        if reference.is_empty() || reference == "." {
            return Err("REF is empty".into());
        }
        let start = pos as i64 - 1;
        let alts: Vec<String> = if alt_text == "." || alt_text.is_empty() {
            Vec::new()
        } else {
            alt_text.split(',').map(String::from).collect()
        };
        let block = !alts.is_empty() && alts.iter().all(|a| is_symbolic(a));
        let info_value = |key: &str| {
            info.split(';')
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        };
        let end = match info_value("END") {
            Some(v) => v
                .parse::<i64>()
                .map_err(|_| format!("END '{v}' is not a number"))?,
            None => start + reference.len() as i64,
        };
        if end <= start {
            return Err(format!("END {end} is before POS {pos}"));
        }
        let n_alleles = alts.len() + 1;
        let keys: Vec<&str> = format.split(':').collect();
        let fields: Vec<&str> = values.split(':').collect();
        let value = |key: &str| {
            keys.iter()
                .position(|k| *k == key)
                .and_then(|i| fields.get(i).copied())
                .filter(|v| *v != "." && !v.is_empty())
        };
        let (gt, ploidy) = match value("GT") {
            Some(g) => parse_gt(g, n_alleles)?,
            None => (None, 2),
        };
        let ints = |key: &str| -> Result<Option<Vec<u32>>, String> {
            value(key)
                .map(|v| {
                    v.split(',')
                        .map(|x| {
                            x.parse::<u32>()
                                .map_err(|_| format!("{key} '{v}' is not a list of whole numbers"))
                        })
                        .collect()
                })
                .transpose()
        };
        let one = |key: &str| -> Result<Option<u32>, String> {
            Ok(ints(key)?.and_then(|v| v.first().copied()))
        };
        let pl = ints("PL")?;
        let n_genotypes = crate::call::genotype::genotype_count(n_alleles, ploidy);
        if let Some(pl) = &pl
            && pl.len() != n_genotypes
        {
            return Err(format!(
                "PL has {} values where {n_alleles} alleles at ploidy {ploidy} make {n_genotypes} genotypes",
                pl.len()
            ));
        }
        let ad = ints("AD")?.filter(|ad| ad.len() == n_alleles);
        let dp = if block {
            one("MIN_DP")?.or(one("DP")?)
        } else {
            one("DP")?
        };
        let sb = ints("SB")?.and_then(|v| <[u32; 4]>::try_from(v).ok());
        let info_f64 = |key: &str| info_value(key).and_then(|v| v.parse::<f64>().ok());
        // RAW_MQandDP, or the older GATK's RAW_MQ with the record's DP.
        let raw_mq = info_value("RAW_MQandDP")
            .and_then(|v| v.split_once(','))
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .or_else(|| Some((info_f64("RAW_MQ")?, info_f64("DP")?)));
        let record = SampleRecord {
            start,
            end,
            block,
            reference: reference.to_ascii_uppercase(),
            alts,
            gt,
            ploidy,
            pl,
            ad,
            dp,
            gq: one("GQ")?,
            sb,
            raw_mq,
            rank_sums: [
                info_f64("MQRankSum"),
                info_f64("ReadPosRankSum"),
                info_f64("BaseQRankSum"),
            ],
        };
        Ok((chrom, record))
    }
}

/// GT as allele numbers (None when any copy is `.`) and its ploidy.
fn parse_gt(g: &str, n_alleles: usize) -> Result<(Option<Vec<usize>>, usize), String> {
    let parts: Vec<&str> = g.split(['/', '|']).collect();
    if parts.contains(&".") {
        return Ok((None, parts.len()));
    }
    let mut alleles = Vec::with_capacity(parts.len());
    for p in &parts {
        let a: usize = p
            .parse()
            .map_err(|_| format!("GT '{g}' is not a genotype"))?;
        if a >= n_alleles {
            return Err(format!(
                "GT '{g}' names allele {a} of a record with {n_alleles}"
            ));
        }
        alleles.push(a);
    }
    alleles.sort_unstable();
    Ok((Some(alleles), parts.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(line: &str) -> SampleRecord {
        SampleRecord::from_line(line).unwrap().1
    }

    #[test]
    fn reads_zenome_and_gatk_records() {
        let b =
            rec("c\t5\t.\tA\t<NON_REF>\t.\t.\tEND=9\tGT:DP:GQ:MIN_DP:PL\t0/0:12:30:10:0,30,450");
        assert!(b.block && !b.is_variant());
        assert_eq!(
            (b.start, b.end, b.dp, b.gq, b.ploidy),
            (4, 9, Some(10), Some(30), 2)
        );
        let v = rec(
            "c\t20\t.\tAC\tA,<NON_REF>\t50\t.\tMQRankSum=-1.5;RAW_MQandDP=36000,10\tGT:AD:DP:GQ:PL:SB\t0|1:5,5,0:10:40:60,0,40,75,55,130:3,2,4,1",
        );
        assert!(v.is_variant());
        assert_eq!((v.start, v.end), (19, 21));
        assert_eq!(v.gt, Some(vec![0, 1]));
        assert_eq!(v.sb, Some([3, 2, 4, 1]));
        assert_eq!(v.raw_mq, Some((36000.0, 10.0)));
        assert_eq!(v.rank_sums[0], Some(-1.5));
        let star = rec("c\t20\t.\tA\t*,<NON_REF>\t0\t.\t.\tGT:PL\t0/1:10,0,10,20,20,30");
        assert!(!star.is_variant() && !star.block);
        let haploid = rec("c\t5\t.\tA\t<NON_REF>\t.\t.\tEND=5\tGT:GQ:PL\t0:20:0,20");
        assert_eq!(haploid.ploidy, 1);
        let nocall = rec("c\t5\t.\tA\t<NON_REF>\t.\t.\tEND=5\tGT:DP:GQ:PL\t./.:0:0:0,0,0");
        assert_eq!(nocall.gt, None);
        // The older GATK's RAW_MQ, with the record's DP; phasing and PGT/PID fields.
        let old_gatk = rec(
            "c\t9\t.\tC\tT,<NON_REF>\t104.77\t.\tDP=27;RAW_MQ=65235.00\tGT:AD:DP:GQ:PGT:PID:PL:SB\t0|1:22,5,0:27:99:0|1:9_C_T:133,0,874,199,889,1087:11,11,0,5",
        );
        assert_eq!(old_gatk.raw_mq, Some((65235.0, 27.0)));
        assert_eq!((old_gatk.gt, old_gatk.gq), (Some(vec![0, 1]), Some(99)));
    }

    #[test]
    fn bad_records_say_what_is_wrong() {
        let bad = |line: &str| SampleRecord::from_line(line).unwrap_err();
        assert!(bad("c\t5\t.\tA\tC,<NON_REF>\t.\t.\t.\tGT:PL\t0/1:1,2,3").contains("PL has 3"));
        assert!(bad("c\t5\t.\tA\tC\t.\t.\t.\tGT\t0/4").contains("allele 4"));
        assert!(bad("c\t5\t.\tA\t<NON_REF>\t.\t.\tEND=x\tGT\t0/0").contains("END"));
    }
}
