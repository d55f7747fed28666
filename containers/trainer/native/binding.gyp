{
  "targets": [
    {
      "target_name": "swirl_tensor",
      "sources": [
        "src/addon.cc",
        "src/host-kernels.cc",
        "src/attention-binding.cc",
        "src/gemm.cc",
        "src/elementwise.cc",
        "src/normalization.cc",
        "src/attention.cc",
        "src/cross-entropy.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "/usr/include/x86_64-linux-gnu",
        "/usr/include/openblas"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "<!@(node cuda-library.cjs defines)"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-ffp-contract=fast", "-fno-trapping-math", "-fno-math-errno", "<!@(node arch-flags.cjs)"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lopenblas", "-fopenmp", "<!@(node cuda-library.cjs libraries)"]
    }
  ]
}
