//! Compiles the CUDA kernels of `kernels/` as C++17 for the host (`--device emu`), with
//! floating-point contraction off: `-ffp-contract=off` here, and `#pragma GCC optimize` in the
//! kernels' header, because cc appends the user's CXXFLAGS after these flags.

fn main() {
    println!("cargo:rerun-if-changed=kernels");
    cc::Build::new()
        .cpp(true)
        .file("kernels/host/launch.cpp")
        .include("kernels")
        .flag("-std=c++17")
        .flag("-ffp-contract=off")
        .flag("-fno-fast-math")
        .opt_level(2)
        .warnings(true)
        .compile("zenome_emu_kernels");
}
