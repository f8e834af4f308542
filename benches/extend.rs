//! Extension kernel throughput: a batch of 150 bp reads with a few errors and an indel, against
//! windows 32 bases wider than the read, on the fast CPU backend and the oracle.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zenome::backend::cpu::{CpuBackend, CpuKernel};
use zenome::backend::{Backend, ExtendBatch, Scoring};

fn batch(n: usize) -> ExtendBatch {
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut b = ExtendBatch::new(Scoring::default());
    for _ in 0..n {
        let target: Vec<u8> = (0..182).map(|_| (next() % 4) as u8).collect();
        let mut q = target[16..166].to_vec();
        for _ in 0..2 {
            let i = (next() % 150) as usize;
            q[i] = (q[i] + 1) % 4;
        }
        q.remove((next() % 140) as usize + 5);
        b.push(&q, &target, 0, 32);
    }
    b
}

fn bench(c: &mut Criterion) {
    let b = batch(2000);
    let mut g = c.benchmark_group("extend");
    g.throughput(Throughput::Elements(b.len() as u64));
    g.sample_size(10);
    for (name, kernel) in [
        ("cpu-fast", CpuKernel::Fast),
        ("cpu-oracle", CpuKernel::Oracle),
    ] {
        let backend = CpuBackend::new(kernel);
        g.bench_function(name, |bench| {
            bench.iter(|| backend.extend(&b).map(|r| r.results.len()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
