//! Kernel throughput under criterion, on the same deterministic batches as `zenome bench`:
//! extension (150 bp reads against windows 32 bases wider) and the pair-HMM (reads against the
//! haplotypes of active regions), on the fast CPU backend and the oracle.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zenome::backend::Backend;
use zenome::backend::cpu::{CpuBackend, CpuKernel};
use zenome::bench::workload;

const KERNELS: [(&str, CpuKernel); 2] = [
    ("cpu-fast", CpuKernel::Fast),
    ("cpu-oracle", CpuKernel::Oracle),
];

fn extend(c: &mut Criterion) {
    let b = workload::extend_batch(2000, 1);
    let mut g = c.benchmark_group("extend");
    g.throughput(Throughput::Elements(b.len() as u64));
    g.sample_size(10);
    for (name, kernel) in KERNELS {
        let backend = CpuBackend::new(kernel);
        g.bench_function(name, |bench| {
            bench.iter(|| backend.extend(&b).map(|r| r.results.len()))
        });
    }
    g.finish();
}

fn pair_hmm(c: &mut Criterion) {
    let shape = workload::PairHmmShape {
        regions: 8,
        haps: 4,
        reads: 40,
        hap_len: 300,
    };
    let b = workload::pair_hmm_batch(&shape, 2);
    let mut g = c.benchmark_group("pair_hmm");
    g.throughput(Throughput::Elements(b.len() as u64));
    g.sample_size(10);
    for (name, kernel) in KERNELS {
        let backend = CpuBackend::new(kernel);
        g.bench_function(name, |bench| {
            bench.iter(|| backend.pair_hmm(&b).map(|r| r.log10.len()))
        });
    }
    g.finish();
}

criterion_group!(benches, extend, pair_hmm);
criterion_main!(benches);
