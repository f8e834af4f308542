// `--device emu`: the kernels of kernels/*.cu compiled for the host, and the launch loop that
// stands in for the GPU's grid. The Rust side (src/backend/emu.rs) calls each launcher with a
// range of blocks, one range per CPU thread; inside it every thread of every block runs in turn,
// with blockIdx, blockDim, threadIdx and gridDim set as CUDA would set them.

#include "../zenome_kernel.h"

thread_local zk_dim3 threadIdx;
thread_local zk_dim3 blockIdx;
thread_local zk_dim3 blockDim;
thread_local zk_dim3 gridDim;

#include "../canary.cu"
#include "../extend.cu"
#include "../pair_hmm.cu"

// Runs `body` for every thread of blocks [begin, end) of a grid of `grid` blocks of `block`.
template <typename F>
static void zk_grid(u32 begin, u32 end, u32 block, u32 grid, F body) {
    blockDim = {block, 1, 1};
    gridDim = {grid, 1, 1};
    for (u32 b = begin; b < end; b++) {
        blockIdx = {b, 0, 0};
        for (u32 t = 0; t < block; t++) {
            threadIdx = {t, 0, 0};
            body();
        }
    }
}

extern "C" void zk_emu_extend_banded(u32 begin, u32 end, u32 block, u32 grid, const u8* queries,
                                     const u8* targets, const ZkExtendJob* jobs, u32 n,
                                     ZkScoring s, u32 W, i32* rows, u64* tb, u32* cigars,
                                     ZkExtendOut* outs) {
    zk_grid(begin, end, block, grid,
            [&] { extend_banded(queries, targets, jobs, n, s, W, rows, tb, cigars, outs); });
}

extern "C" void zk_emu_pair_hmm_forward(u32 begin, u32 end, u32 block, u32 grid, const u8* bases,
                                        const float* params, const u8* haps,
                                        const ZkPairHmmJob* jobs, u32 n, u32 Hn, float* rows,
                                        float* sums) {
    zk_grid(begin, end, block, grid,
            [&] { pair_hmm_forward(bases, params, haps, jobs, n, Hn, rows, sums); });
}

extern "C" void zk_emu_fma_canary(u32 begin, u32 end, u32 block, u32 grid, const float* abc, u32 n,
                                  float* out) {
    zk_grid(begin, end, block, grid, [&] { fma_canary(abc, n, out); });
}
