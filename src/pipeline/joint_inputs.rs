//! `joint` on alignments: each BAM or CRAM among its inputs is called into a gVCF first
//! (`call --gvcf`, restricted to the joint run's regions) in a folder of its own beside the
//! output, which is removed once the cohort is written. gVCFs pass through untouched.

use std::path::{Path, PathBuf};

use super::call_run::{self, CallConfig};
use crate::backend::Backend;
use crate::call::indel_errors::PcrIndelModel;
use crate::core::Result;
use crate::io::cleanup::TempDir;
use crate::io::{cram, output, ubam};

/// The gVCFs a joint run reads, with the folder of those it called (removed on drop).
pub(crate) struct JointInputs {
    pub gvcfs: Vec<PathBuf>,
    folder: Option<TempDir>,
}

impl JointInputs {
    /// gVCFs only: nothing to call.
    pub(crate) fn of(gvcfs: Vec<PathBuf>) -> Self {
        JointInputs {
            gvcfs,
            folder: None,
        }
    }
}

/// Whether `path` names alignments (BAM or CRAM, by extension) rather than a gVCF.
pub(crate) fn is_alignments(path: &Path) -> bool {
    ubam::is_bam(path) || cram::is_cram(path)
}

/// The settings each alignment file is called with.
pub(crate) struct CallFor<'a> {
    pub reference: &'a Path,
    pub output: &'a Path,
    pub regions: &'a [String],
    pub bed: Option<&'a Path>,
    pub command_line: &'a str,
    /// The indel error model in repeats.
    pub pcr_indel: PcrIndelModel,
}

/// `inputs` as gVCFs: alignment files called (in order, each with all threads), gVCFs kept.
pub(crate) fn gvcfs_for(
    inputs: Vec<PathBuf>,
    call: &CallFor<'_>,
    backend: &dyn Backend,
    quiet: bool,
) -> Result<JointInputs> {
    let mut out = JointInputs::of(Vec::with_capacity(inputs.len()));
    for (i, input) in inputs.into_iter().enumerate() {
        if !is_alignments(&input) {
            out.gvcfs.push(input);
            continue;
        }
        if out.folder.is_none() {
            let dir = output::scratch_dir(call.output);
            out.folder = Some(TempDir::new_in(&dir, ".zenome-joint.")?);
        }
        let folder = out.folder.as_ref().map_or(Path::new("."), |f| f.path());
        let gvcf = folder.join(format!("{i}.g.vcf.gz"));
        let mut cfg = CallConfig::new(
            call.reference.to_path_buf(),
            input,
            gvcf.clone(),
            call.command_line.to_string(),
        );
        cfg.regions = call.regions.to_vec();
        cfg.bed = call.bed.map(Path::to_path_buf);
        cfg.gvcf = true;
        cfg.opts.pcr_indel = call.pcr_indel;
        if !quiet {
            eprintln!("zenome: joint: calling {} into a gVCF", cfg.bam.display());
        }
        call_run::run(&cfg, backend, true)?;
        out.gvcfs.push(gvcf);
    }
    Ok(out)
}
