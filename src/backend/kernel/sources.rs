//! The kernel sources, embedded in the binary: each family's `.cu` file, its entry points, and
//! the program text NVRTC compiles (the shared header, then the file without its `#include`).

/// The header every kernel includes.
pub(crate) const HEADER: &str = include_str!("../../../kernels/zenome_kernel.h");

/// One kernel file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KernelSource {
    /// The file's stem: `extend`, `pair_hmm`, `canary`.
    pub family: &'static str,
    pub text: &'static str,
    /// Its `extern "C" __global__` entry points.
    pub entries: &'static [&'static str],
}

/// Every kernel file.
pub(crate) const SOURCES: [KernelSource; 3] = [
    KernelSource {
        family: "extend",
        text: include_str!("../../../kernels/extend.cu"),
        entries: &["extend_banded"],
    },
    KernelSource {
        family: "pair_hmm",
        text: include_str!("../../../kernels/pair_hmm.cu"),
        entries: &["pair_hmm_forward"],
    },
    KernelSource {
        family: "canary",
        text: include_str!("../../../kernels/canary.cu"),
        entries: &["fma_canary"],
    },
];

/// The kernels whose arithmetic is float (checked for FMA instructions).
#[cfg(test)]
pub(crate) const FLOAT_FAMILIES: [&str; 2] = ["pair_hmm", "canary"];

impl KernelSource {
    /// The program NVRTC compiles: the header, then the source with its include removed.
    pub(crate) fn program(&self) -> String {
        let body: String = self
            .text
            .lines()
            .filter(|l| l.trim() != "#include \"zenome_kernel.h\"")
            .flat_map(|l| [l, "\n"])
            .collect();
        format!("{HEADER}\n{body}")
    }
}

/// The source that defines entry point `entry`.
pub(crate) fn of_entry(entry: &str) -> Option<&'static KernelSource> {
    SOURCES.iter().find(|s| s.entries.contains(&entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_point_is_defined_in_its_source() {
        for s in &SOURCES {
            let p = s.program();
            assert!(!p.contains("#include \"zenome_kernel.h\""));
            for e in s.entries {
                assert!(p.contains(&format!("__global__ void {e}(")), "{e}");
                assert_eq!(of_entry(e).map(|x| x.family), Some(s.family));
            }
        }
    }

    #[test]
    fn the_host_sizes_buffers_for_the_kernels_strips() {
        let strip = format!("#define ZK_XSTRIP {}\n", super::super::layout::EXTEND_STRIP);
        assert!(SOURCES[0].text.contains(&strip), "extend.cu: {strip}");
    }
}
