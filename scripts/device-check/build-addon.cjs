// Builds the tensor addon without node-gyp (the GPU machine has a compiler and nvcc but no npm): the CUDA library
// through the addon's own cuda-library.cjs, then each C++ source with the flags binding.gyp names, then one link.
// Usage: node build-addon.cjs <addon directory (a copy of containers/trainer/native)> <node headers directory>
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function fail(message) {
  process.stderr.write(`build-addon: ${message}\n`);
  process.exit(1);
}

/** Runs a binding.gyp command expansion (`<!(...)`, `<!@(...)`) with this Node as `node`, in the addon directory. */
function expandCommand(command, addonDirectory) {
  const environment = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, NODE_PATH: path.join(addonDirectory, 'node_modules') };
  const result = spawnSync('sh', ['-c', command], { cwd: addonDirectory, env: environment, encoding: 'utf8' });
  if (result.status !== 0) fail(`binding.gyp command failed: ${command}\n${result.stderr}`);
  return result.stdout.trim();
}

/** One binding.gyp list with its command expansions done: `<!@(...)` splits into words, `<!(...)` stays one value. */
function expandList(values, addonDirectory) {
  return (values ?? []).flatMap((value) => {
    const many = /^<!@\((.*)\)$/s.exec(value);
    if (many) return expandCommand(many[1], addonDirectory).split(/\s+/).filter(Boolean);
    const one = /^<!\((.*)\)$/s.exec(value);
    if (one) return [expandCommand(one[1], addonDirectory).replace(/^"(.*)"$/, '$1')].filter(Boolean);
    return [value];
  });
}

function compile(compiler, args) {
  return new Promise((resolve) => {
    const child = spawn(compiler, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('close', (status) => resolve({ status, errors }));
  });
}

async function main() {
  const [addonDirectory, headersDirectory] = process.argv.slice(2).map((argument) => path.resolve(argument));
  if (!addonDirectory || !headersDirectory) fail('usage: node build-addon.cjs <addon directory> <node headers directory>');
  const started = Date.now();
  const { buildCudaLibrary } = require(path.join(addonDirectory, 'cuda-library.cjs'));
  const cuda = buildCudaLibrary((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(cuda.built ? 'CUDA library built\n' : `CUDA library not built: ${cuda.reason}\n`);
  let target;
  try {
    target = JSON.parse(readFileSync(path.join(addonDirectory, 'binding.gyp'), 'utf8')).targets[0];
  } catch (error) {
    fail(`binding.gyp: expected JSON with one target, ${error.message}`);
  }
  const excluded = new Set(target['cflags_cc!'] ?? []);
  const flags = [
    ...expandList(target.cflags_cc, addonDirectory).filter((flag) => !excluded.has(flag)),
    '-fPIC', `-I${headersDirectory}`,
    ...expandList(target.include_dirs, addonDirectory).map((directory) => `-I${path.resolve(addonDirectory, directory)}`),
    ...[...expandList(target.defines, addonDirectory), `NODE_GYP_MODULE_NAME=${target.target_name}`, 'BUILDING_NODE_EXTENSION'].map((name) => `-D${name}`),
  ];
  const compiler = process.env.CXX || 'g++';
  const objectDirectory = path.join(addonDirectory, 'build', 'objects');
  rmSync(path.join(addonDirectory, 'build'), { recursive: true, force: true });
  mkdirSync(objectDirectory, { recursive: true });
  mkdirSync(path.join(addonDirectory, 'build', 'Release'), { recursive: true });
  const sources = target.sources.map((source) => path.join(addonDirectory, source));
  const objects = sources.map((source) => path.join(objectDirectory, `${path.basename(source)}.o`));
  const pending = sources.map((source, index) => () => compile(compiler, [...flags, '-c', source, '-o', objects[index]]));
  const workers = Array.from({ length: Math.min(os.cpus().length, pending.length) }, async () => {
    for (let job = pending.shift(); job; job = pending.shift()) {
      const { status, errors } = await job();
      if (status !== 0) fail(`${compiler} failed:\n${errors.split('\n').slice(0, 20).join('\n')}`);
    }
  });
  await Promise.all(workers);
  const output = path.join(addonDirectory, 'build', 'Release', `${target.target_name}.node`);
  const link = spawnSync(compiler, ['-shared', '-pthread', '-o', output, ...objects, ...expandList(target.libraries, addonDirectory)], { encoding: 'utf8' });
  if (link.status !== 0) fail(`link failed:\n${link.stderr}`);
  process.stdout.write(`${output} built in ${((Date.now() - started) / 1000).toFixed(1)} s (CUDA: ${cuda.built ? 'yes' : 'no'})\n`);
}

void main();
