{
  "targets": [
    {
      "target_name": "swirl_tensor",
      "sources": [
        "src/addon.cc",
        "src/allocator-settings.cc",
        "src/host-kernels.cc",
        "src/attention-binding.cc",
        "src/gemm.cc",
        "src/gemm-binding.cc",
        "src/gemm-avx512.cc",
        "src/gemm-avx2.cc",
        "src/gemm-portable.cc",
        "src/elementwise.cc",
        "src/normalization.cc",
        "src/attention.cc",
        "src/cross-entropy.cc",
        "src/resident-binding.cc",
        "src/resident-kernels-binding.cc",
        "src/resident-family-binding.cc",
        "src/resident-layers-binding.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node blas-library.cjs include_dirs)",
        "<!@(node cuda-library.cjs include_dirs)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "<!@(node blas-library.cjs defines)", "<!@(node cuda-library.cjs defines)"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-ffp-contract=fast", "-fno-trapping-math", "-fno-math-errno", "<!@(node arch-flags.cjs)"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["<!@(node blas-library.cjs libraries)", "-fopenmp", "<!@(node cuda-library.cjs libraries)"]
    }
  ]
}
