// Builds the native tensor addon with node-gyp at install time (OpenBLAS linked where found, the built-in GEMM always);
// without a compiler or on failure it says so in one line and exits 0, so the install finishes on the reference kernels.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { buildCudaLibrary, removeCudaLibrary } = require('./cuda-library.cjs');
const { findOpenblas } = require('./blas-library.cjs');

const nativeDirectory = __dirname;

function warn(message) {
  process.stderr.write(`warning: ${message}\n`);
}

function findNodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [path.resolve(nativeDirectory, '../../..')] });
  } catch {
    // npm points its own bundled node-gyp here while it runs lifecycle scripts.
    const bundled = process.env.npm_config_node_gyp;
    return bundled && existsSync(bundled) ? bundled : null;
  }
}

// What a machine without the build tools should install, and what going without costs.
const TOOLS_HINT = 'install a C++ compiler, make and python3 (Debian/Ubuntu: apt-get install g++ make python3; macOS: xcode-select --install), then run npm run build:native';
const COST = 'the trainer falls back to the TypeScript reference kernels, about 100x slower';

/** The build tools node-gyp needs that are not on PATH. */
function missingTools() {
  const compiler = process.env.CXX || 'c++';
  const present = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
  return [compiler, 'make', 'python3'].filter((tool) => !present(tool));
}

function failureLines(result) {
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').filter((line) => /error|not found|No such/i.test(line)).slice(0, 8).join('\n');
}

/** Loads the built addon in a separate process, so a library missing at run time shows up now rather than in the trainer. */
function loads() {
  const addon = path.join(nativeDirectory, 'build', 'Release', 'swirl_tensor.node');
  const result = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', addon], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) warn(`${addon} does not load: ${(result.stderr ?? '').split('\n')[0]}`);
  return result.status === 0;
}

function main() {
  if (process.env.SWIRL_SKIP_NATIVE === '1') {
    warn('SWIRL_SKIP_NATIVE=1: native tensor addon not built; the trainer will use reference kernels');
    return;
  }
  const missing = missingTools();
  if (missing.length > 0) {
    warn(`native tensor addon not built: no ${missing.join(', ')} found; ${COST}. To fix: ${TOOLS_HINT}`);
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    warn('node-gyp not found: native tensor addon not built; the trainer will use reference kernels');
    return;
  }
  const args = [nodeGyp, 'rebuild', '--jobs', 'max'];
  // Use the running Node's own headers when they are installed, so no header download is attempted (offline builds).
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const started = Date.now();
  const cuda = buildCudaLibrary((line) => process.stdout.write(`${line}\n`));
  if (!cuda.built) process.stdout.write(`native tensor addon: CPU kernels only (${cuda.reason})\n`);
  let result = spawnSync(process.execPath, args, { cwd: nativeDirectory, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (cuda.built && (result.status !== 0 || !loads())) {
    // A toolkit that compiles but does not link or load (a missing shared cuBLAS, say) must not cost the CPU kernels.
    warn(`native tensor addon did not build or load with CUDA; rebuilding with CPU kernels only\n${failureLines(result)}`);
    removeCudaLibrary();
    result = spawnSync(process.execPath, args, { cwd: nativeDirectory, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  }
  if (result.status !== 0) {
    warn(`native tensor addon build failed (it needs a C++17 compiler with OpenMP); ${COST}\n${failureLines(result)}`);
    return;
  }
  // OpenBLAS is optional: the built-in GEMM is in every build, so its absence is news, not a warning.
  const gemm = findOpenblas() ? 'GEMM: OpenBLAS, built-in as alternative' : 'GEMM: built-in; OpenBLAS not found, optional';
  process.stdout.write(`native tensor addon built in ${((Date.now() - started) / 1000).toFixed(1)} s (${gemm})\n`);
}

main();
