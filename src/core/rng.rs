//! A small deterministic generator (SplitMix64), so that simulations, randomised tests and
//! benchmark workloads repeat exactly for a seed.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Normal with the given mean and standard deviation (Box-Muller).
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        mean + sd * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// A base code, 41% GC as in the human genome.
    pub fn base(&mut self) -> u8 {
        let x = self.unit();
        if x < 0.295 {
            0
        } else if x < 0.5 {
            1
        } else if x < 0.705 {
            2
        } else {
            3
        }
    }

    /// A base code different from `b`.
    pub fn other_base(&mut self, b: u8) -> u8 {
        (b.min(3) + 1 + self.below(3) as u8) % 4
    }
}
