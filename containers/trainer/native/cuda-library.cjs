// Compiles the CUDA kernels into a static library for the addon where nvcc and the CUDA runtime are installed, and says how to link it.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const cudaDirectory = path.join(__dirname, 'cuda');
const outputDirectory = path.join(__dirname, 'build-cuda');
const manifestPath = path.join(outputDirectory, 'manifest.json');
// Ampere machine code plus its PTX, which the driver compiles for any newer GPU (A10G, L4, H100, H200).
const ARCHITECTURE = 'arch=compute_80,code=[sm_80,compute_80]';

function findNvcc() {
  const candidates = [
    ...(process.env.CUDA_HOME ? [path.join(process.env.CUDA_HOME, 'bin', 'nvcc')] : []),
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((directory) => path.join(directory, 'nvcc')),
    '/usr/local/cuda/bin/nvcc',
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/** The toolkit directory holding the static CUDA runtime (nvcc on PATH may be a wrapper script elsewhere). */
function findCudaHome(nvcc) {
  const candidates = [process.env.CUDA_HOME, path.resolve(path.dirname(nvcc), '..'), '/usr/local/cuda'].filter(Boolean);
  return candidates.find((home) => existsSync(path.join(home, 'lib64', 'libcudart_static.a')) && existsSync(path.join(home, 'include', 'cuda_runtime.h'))) ?? null;
}

/**
 * Builds build-cuda/libswirl_cuda.a and writes build-cuda/manifest.json ({defines, libraries}), or returns a reason
 * it did not. GEMMs need cuBLAS; a toolkit without it still gets every other kernel on the device.
 */
function buildCudaLibrary(log) {
  removeCudaLibrary();
  if (process.env.SWIRL_SKIP_CUDA === '1') return { built: false, reason: 'SWIRL_SKIP_CUDA=1' };
  const nvcc = findNvcc();
  if (!nvcc) return { built: false, reason: 'no nvcc on CUDA_HOME, PATH or /usr/local/cuda' };
  const home = findCudaHome(nvcc);
  if (!home) return { built: false, reason: `${nvcc} found, but no toolkit with lib64/libcudart_static.a and include/cuda_runtime.h` };
  const withCublas = existsSync(path.join(home, 'include', 'cublas_v2.h')) && existsSync(path.join(home, 'lib64', 'libcublas.so'));
  const defines = ['SWIRL_WITH_CUDA', ...(withCublas ? ['SWIRL_WITH_CUBLAS'] : [])];
  const sources = ['elementwise.cu', 'normalization.cu', 'attention.cu', 'cross-entropy.cu', 'device-kernels.cu', 'device-layers.cu', 'resident-memory.cu', 'resident-kernels.cu', 'resident-gemm.cu', 'sample-tokens.cu', 'family-elementwise.cu', 'windowed-attention.cu', ...(withCublas ? ['gemm.cu'] : [])];
  mkdirSync(outputDirectory, { recursive: true });
  const started = Date.now();
  const objects = [];
  for (const source of sources) {
    const object = path.join(outputDirectory, source.replace(/\.cu$/, '.o'));
    const args = ['-std=c++17', '-O3', '-Xcompiler', '-fPIC', '-gencode', ARCHITECTURE, ...defines.map((name) => `-D${name}`), '-c', path.join(cudaDirectory, source), '-o', object];
    const result = spawnSync(nvcc, args, { cwd: cudaDirectory, encoding: 'utf8' });
    if (result.status !== 0) {
      removeCudaLibrary();
      return { built: false, reason: `nvcc failed on ${source}: ${`${result.stderr ?? ''}${result.error ?? ''}`.trim().split('\n').slice(0, 4).join(' | ')}` };
    }
    objects.push(object);
  }
  const archive = spawnSync('ar', ['rcs', path.join(outputDirectory, 'libswirl_cuda.a'), ...objects], { encoding: 'utf8' });
  if (archive.status !== 0) {
    removeCudaLibrary();
    return { built: false, reason: `ar failed: ${archive.stderr}` };
  }
  const libraries = [`-L${outputDirectory}`, '-lswirl_cuda', `-L${path.join(home, 'lib64')}`, ...(withCublas ? ['-lcublas'] : []), '-lcudart_static', '-ldl', '-lrt', '-lpthread'];
  writeFileSync(manifestPath, JSON.stringify({ defines, libraries, include_dirs: [path.join(home, 'include')], cublas: withCublas, home }, null, 2));
  log(`CUDA kernels compiled with ${nvcc} in ${((Date.now() - started) / 1000).toFixed(1)} s${withCublas ? '' : ' (no cuBLAS in this toolkit: the staged table keeps GEMMs on the CPU, the resident table uses its tiled GEMM kernel)'}`);
  return { built: true, reason: '' };
}

function removeCudaLibrary() {
  rmSync(outputDirectory, { recursive: true, force: true });
}

/** What binding.gyp adds when the library was built: `node cuda-library.cjs defines|libraries|include_dirs`. */
function printFlags(kind) {
  if (!existsSync(manifestPath)) return;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  process.stdout.write((manifest[kind] ?? []).join(' '));
}

if (require.main === module) printFlags(process.argv[2]);

module.exports = { buildCudaLibrary, removeCudaLibrary, findNvcc, findCudaHome };
