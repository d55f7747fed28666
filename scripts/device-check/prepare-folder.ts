// Builds the folder the GPU machine runs the device check from (it has nvcc, g++ and Python but no Node): this Node
// compressed, the check bundled into one file, the addon's sources and headers, the reference script and run.sh.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPOSITORY_ROOT = path.resolve(__dirname, '../..');
const NATIVE_DIRECTORY = path.join(REPOSITORY_ROOT, 'containers/trainer/native');
const CHECK_ENTRY = path.join(REPOSITORY_ROOT, 'containers/trainer/src/device-check/main.ts');
/** What the device machine accepts as carried files in all; the folder must leave room beside it. */
export const CARRY_LIMIT_BYTES = 64 * 1024 * 1024;
const FOLDER_LIMIT_BYTES = 56 * 1024 * 1024;

export type Compression = 'xz' | 'gzip';

export interface PreparedFile {
  path: string;
  bytes: number;
}

/** The N-API headers of this Node: its own include directory, else node-gyp's download cache. */
export function findNodeHeaders(): string {
  const candidates = [
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    path.join(process.env.HOME ?? '', '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  const found = candidates.find((directory) => existsSync(path.join(directory, 'node_api.h')));
  if (!found) throw new Error(`no node_api.h for Node ${process.version}: looked in ${candidates.join(', ')}`);
  return found;
}

/** The files the folder will hold besides node and the bundle, copied from the tree: [source, target relative to the folder]. */
function listSourceFiles(): [string, string][] {
  const files: [string, string][] = [];
  const here = path.join(REPOSITORY_ROOT, 'scripts/device-check');
  for (const name of ['run.sh', 'build-addon.cjs', 'make-reference.py']) files.push([path.join(here, name), name]);
  for (const name of readdirSync(NATIVE_DIRECTORY)) {
    if (name === 'binding.gyp' || name.endsWith('.cjs')) files.push([path.join(NATIVE_DIRECTORY, name), path.join('addon', name)]);
  }
  for (const folder of ['src', 'cuda']) {
    for (const name of readdirSync(path.join(NATIVE_DIRECTORY, folder))) files.push([path.join(NATIVE_DIRECTORY, folder, name), path.join('addon', folder, name)]);
  }
  const addonApi = path.join(REPOSITORY_ROOT, 'node_modules/node-addon-api');
  for (const name of readdirSync(addonApi)) {
    if (name === 'package.json' || name === 'index.js' || name.endsWith('.h')) files.push([path.join(addonApi, name), path.join('addon/node_modules/node-addon-api', name)]);
  }
  const headers = findNodeHeaders();
  for (const name of readdirSync(headers)) {
    if (/^(node_api|js_native_api)\w*\.h$/.test(name)) files.push([path.join(headers, name), path.join('node-headers', name)]);
  }
  return files;
}

function bundleCheck(outfile: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild is a development dependency, loaded only here
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [CHECK_ENTRY], outfile, bundle: true, platform: 'node', target: `node${process.versions.node.split('.')[0]}`, format: 'cjs',
    minify: true, external: ['*.node'], logLevel: 'error', legalComments: 'none',
  });
}

/** Compresses this Node unless the folder already holds it compressed from the same binary (it takes a minute with xz). */
function compressNode(folder: string, compression: Compression): string {
  const name = compression === 'xz' ? 'node.xz' : 'node.gz';
  const stamp = JSON.stringify({ version: process.version, bytes: statSync(process.execPath).size, mtime: statSync(process.execPath).mtimeMs, compression });
  const stampFile = path.join(folder, 'node.stamp');
  const target = path.join(folder, name);
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return name;
  const command = compression === 'xz' ? ['xz', ['-6', '-T0', '-c', process.execPath]] as const : ['gzip', ['-9', '-c', process.execPath]] as const;
  const result = spawnSync(command[0], [...command[1]], { maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0 || result.error) throw new Error(`${command[0]} failed on ${process.execPath}: ${result.error?.message ?? result.stderr.toString()}`);
  writeFileSync(target, result.stdout);
  writeFileSync(stampFile, stamp);
  return name;
}

function sizeOfFolder(folder: string): PreparedFile[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { path: path.relative(folder, file), bytes: statSync(file).size };
    });
}

/** The files prepare would write, with their sizes before compression (node, the bundle, nothing written). */
export function listPreparation(): PreparedFile[] {
  return [
    { path: 'node.xz (compressed from)', bytes: statSync(process.execPath).size },
    { path: 'device-check.cjs (bundled from)', bytes: statSync(CHECK_ENTRY).size },
    ...listSourceFiles().map(([source, target]) => ({ path: target, bytes: statSync(source).size })),
  ];
}

/** Writes the folder (keeping a compressed node made earlier from the same binary) and returns its files; throws where it exceeds the limit. */
export function prepareFolder(folder: string, compression: Compression): PreparedFile[] {
  mkdirSync(folder, { recursive: true });
  for (const entry of readdirSync(folder)) if (!['node.xz', 'node.gz', 'node.stamp'].includes(entry)) rmSync(path.join(folder, entry), { recursive: true, force: true });
  const node = compressNode(folder, compression);
  for (const stale of ['node.xz', 'node.gz']) if (stale !== node) rmSync(path.join(folder, stale), { force: true });
  bundleCheck(path.join(folder, 'device-check.cjs'));
  for (const [source, target] of listSourceFiles()) {
    mkdirSync(path.dirname(path.join(folder, target)), { recursive: true });
    copyFileSync(source, path.join(folder, target));
  }
  const files = sizeOfFolder(folder);
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  if (total > FOLDER_LIMIT_BYTES) throw new Error(`${folder} holds ${(total / 2 ** 20).toFixed(1)} MiB: expected at most ${FOLDER_LIMIT_BYTES / 2 ** 20} MiB (the device machine takes ${CARRY_LIMIT_BYTES / 2 ** 20} MiB in all)`);
  return files;
}
