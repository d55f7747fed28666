// npm run device-check: runs the device check where an NVIDIA GPU is visible (else prints "no GPU: skipped"; with
// --device emulated it runs on the host-emulated table anywhere), or
// with --prepare DIR builds the folder a GPU machine without Node runs it from (--dry-run lists it instead).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { detectNvidiaGpu } from '../../containers/trainer/src/device-check/detect-gpu';
import { openDevice } from '../../containers/trainer/src/device-check/open-device';
import { listPreparation, prepareFolder, REPOSITORY_ROOT, type Compression } from './prepare-folder';

const SKIPPED = 'no GPU: skipped';
const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function printPreparation(folder: string, compression: Compression, dryRun: boolean): void {
  const files = dryRun ? listPreparation() : prepareFolder(folder, compression);
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  for (const file of [...files].sort((a, b) => b.bytes - a.bytes).slice(0, 8)) process.stdout.write(`  ${mebibytes(file.bytes).padStart(9)}  ${file.path}\n`);
  process.stdout.write(`${dryRun ? 'would write' : 'prepared'} ${folder}: ${files.length} files, ${mebibytes(total)}${dryRun ? ' before compressing node and bundling' : ''}\n`);
  const relative = path.relative(REPOSITORY_ROOT, path.resolve(folder));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    process.stdout.write('note: the device tool carries only paths inside the repository; prepare into an ignored folder there (.device-check)\n');
    return;
  }
  const ignored = spawnSync('git', ['check-ignore', '-q', relative], { cwd: REPOSITORY_ROOT }).status === 0;
  if (!ignored) process.stdout.write(`note: ${relative} is not git-ignored; it would travel as untracked files\n`);
  if (!dryRun) process.stdout.write(`with the working tree that travels too: ${mebibytes(total + sizeOfWorkingTree())} of the device tool's 64 MiB\n`);
  process.stdout.write(`device tool: run with carry ["${relative}"], timeout_s 600, command: bash ${relative}/run.sh\n`);
}

/** Bytes of the files the device tool sends besides carried paths: tracked, and untracked but not ignored. */
function sizeOfWorkingTree(): number {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return listed.stdout.split('\0').filter(Boolean).reduce((sum, file) => {
    const full = path.join(REPOSITORY_ROOT, file);
    return sum + (existsSync(full) ? statSync(full).size : 0);
  }, 0);
}

/** A machine with Node and a GPU runs the check here, with the transformers reference where python3 has torch. */
function runHere(passthrough: string[]): number {
  const entry = path.join(REPOSITORY_ROOT, 'containers/trainer/src/device-check/main.ts');
  // The emulated table needs no GPU: a rehearsal of the check on any machine.
  if (passthrough.some((argument, index) => argument === '--device' && passthrough[index + 1] === 'emulated')) {
    return spawnSync(process.execPath, ['--import', 'tsx', entry, ...passthrough], { stdio: 'inherit' }).status ?? 1;
  }
  const gpu = detectNvidiaGpu();
  const opened = gpu.visible ? openDevice('cuda') : { device: null, reason: gpu.reason };
  if (!opened.device) {
    process.stdout.write(`${SKIPPED}\n`);
    process.stderr.write(`(${opened.reason})\n`);
    return 0;
  }
  const reference = mkdtempSync(path.join(os.tmpdir(), 'swirl-device-reference-'));
  const python = spawnSync('python3', [path.join(__dirname, 'make-reference.py'), '--output', reference, '--peft-shapes', 'qwen2.5-0.5b,qwen2.5-1.5b'], { stdio: 'inherit' });
  const referenceArguments = python.status === 0 ? ['--reference', reference, '--peft', path.join(reference, 'peft-steps.json')] : [];
  const check = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', entry, '--device', 'cuda', ...referenceArguments, ...passthrough], { stdio: 'inherit' });
  return check.status ?? 1;
}

function main(): number {
  const { values, tokens } = parseArgs({ options: { prepare: { type: 'string' }, 'dry-run': { type: 'boolean' }, compress: { type: 'string' } }, strict: false, tokens: true });
  if (values.prepare === undefined) {
    const passthrough = tokens.filter((token) => token.kind === 'option' || token.kind === 'positional').flatMap((token) => (token.kind === 'option' ? [token.rawName, ...(token.value === undefined ? [] : [token.value])] : [token.value]));
    return runHere(passthrough);
  }
  if (typeof values.prepare !== 'string' || values.prepare === '') throw new Error('--prepare: expected a directory');
  const compression = values.compress ?? 'xz';
  if (compression !== 'xz' && compression !== 'gzip') throw new Error(`--compress: expected xz or gzip, received ${JSON.stringify(compression)}`);
  printPreparation(values.prepare, compression, values['dry-run'] === true);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`device-check: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
