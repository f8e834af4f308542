// The CUDA C subset zenome's kernels are written in, and the shim that compiles the same source
// as C++17 for the host (`--device emu`).
//
// The subset: `extern "C" __global__` entry points, `__device__` helpers, one thread per job
// (blockIdx, blockDim, threadIdx), plain global-memory pointers, integer and float arithmetic.
// Nothing else: no __shared__ memory, no __syncthreads, no warp shuffles, no atomics. On the host
// they are simply not defined, so a kernel that uses them does not build.
//
// Under NVRTC (__CUDACC_RTC__) the CUDA built-ins are used as they are. On the host, the index
// variables are thread-locals that the launch loop (kernels/host/launch.cpp) sets before it
// calls the kernel for each thread of each block.

#ifndef ZENOME_KERNEL_H
#define ZENOME_KERNEL_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef int i32;
typedef unsigned int u32;
typedef unsigned long long u64;

#ifdef __CUDACC_RTC__

#define ZK_DEVICE __device__ __forceinline__
// Unrolls the loop that follows (a hint; the host build ignores it).
#define ZK_UNROLL _Pragma("unroll")

#else

#pragma GCC optimize("fp-contract=off")

struct zk_dim3 {
    u32 x, y, z;
};

extern thread_local zk_dim3 threadIdx;
extern thread_local zk_dim3 blockIdx;
extern thread_local zk_dim3 blockDim;
extern thread_local zk_dim3 gridDim;

#define __global__
#define ZK_DEVICE static inline
#define ZK_UNROLL

#endif

// The index of this thread's job.
#define ZK_JOB (blockIdx.x * blockDim.x + threadIdx.x)

#endif
