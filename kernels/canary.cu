// The FMA canary: a * b + c with a = b = 1 + 2^-12 and c = -(1 + 2^-11) is exactly 0 when the
// product is rounded before the addition, and 2^-24 when the two are fused into one FMA. Built
// with the kernels' options, it proves that no contraction happens where they run.
//
// Mapping: one thread per triple. Reads abc (3 floats per thread); writes out (1 float each).

#include "zenome_kernel.h"

extern "C" __global__ void fma_canary(const float* abc, u32 n, float* out) {
    u32 t = ZK_JOB;
    if (t >= n) return;
    out[t] = abc[3 * t] * abc[3 * t + 1] + abc[3 * t + 2];
}
