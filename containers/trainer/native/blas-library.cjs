// Finds OpenBLAS for the addon (cblas.h that compiles and libopenblas that links) and prints its gyp settings; prints nothing without it.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const INCLUDE_CANDIDATES = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include/openblas', '/usr/local/include', '/opt/homebrew/opt/openblas/include', '/usr/local/opt/openblas/include'];
const LIBRARY_CANDIDATES = ['/opt/homebrew/opt/openblas/lib', '/usr/local/opt/openblas/lib'];
const PROBE = '#include <cblas.h>\nint main() { float a = 1, b = 1, c = 0; cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c, 1); return openblas_get_num_threads() > 0 && c == 1.0f ? 0 : 1; }\n';

/** {include, library} where a test program includes cblas.h and links libopenblas, else null. SWIRL_BLAS=none skips the search. */
function findOpenblas() {
  if (process.env.SWIRL_BLAS === 'none') return null;
  if (process.env.SWIRL_BLAS && process.env.SWIRL_BLAS !== 'openblas') throw new Error(`SWIRL_BLAS: expected openblas or none, received ${JSON.stringify(process.env.SWIRL_BLAS)}`);
  const compiler = process.env.CXX || 'c++';
  const directory = mkdtempSync(path.join(tmpdir(), 'swirl-blas-'));
  try {
    const source = path.join(directory, 'probe.cc');
    writeFileSync(source, PROBE);
    const includes = [null, ...INCLUDE_CANDIDATES.filter((candidate) => existsSync(path.join(candidate, 'cblas.h')))];
    const libraries = [null, ...LIBRARY_CANDIDATES.filter((candidate) => existsSync(candidate))];
    for (const include of includes) {
      for (const library of libraries) {
        const args = [source, '-o', path.join(directory, 'probe'), ...(include ? [`-I${include}`] : []), ...(library ? [`-L${library}`] : []), '-lopenblas'];
        const result = spawnSync(compiler, args, { stdio: 'ignore' });
        if (result.status === 0) return { include, library };
      }
    }
    return null;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function main() {
  const found = findOpenblas();
  const what = process.argv[2];
  if (!found) return;
  if (what === 'defines') process.stdout.write('SWIRL_WITH_OPENBLAS');
  else if (what === 'include_dirs') process.stdout.write(found.include ?? '');
  else if (what === 'libraries') process.stdout.write([...(found.library ? [`-L${found.library}`, `-Wl,-rpath,${found.library}`] : []), '-lopenblas'].join(' '));
  else throw new Error(`blas-library.cjs: expected defines, include_dirs or libraries, received ${JSON.stringify(what)}`);
}

if (require.main === module) main();
module.exports = { findOpenblas };
