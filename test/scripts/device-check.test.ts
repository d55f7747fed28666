// The device check: its skip without a GPU, the folder --prepare builds for a GPU machine (its Node and bundle run),
// and the check itself end to end on the emulated device table with tiny shapes.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compareLogits } from '../../containers/trainer/src/device-check/check-logits';
import { checkKernels } from '../../containers/trainer/src/device-check/check-kernels';
import { parseCheckOptions } from '../../containers/trainer/src/device-check/check-options';
import { TINY_SIZES } from '../../containers/trainer/src/device-check/kernel-cases';
import type { DeviceBuffer } from '../../containers/trainer/src/tensor/device';
import { EmulatedDevice } from '../../containers/trainer/src/tensor/devices/emulated-device';
import { detectNvidiaGpu } from '../../containers/trainer/src/device-check/detect-gpu';
import { createOpCases, TINY_OP_SIZES } from '../../containers/trainer/src/device-check/op-cases';
import { deviceCheckResultSchema, type DeviceCheckResult } from '../../containers/trainer/src/device-check/result-schema';
import { runDeviceCheck } from '../../containers/trainer/src/device-check/run-device-check';
import { nativeAddonPath } from '../../containers/trainer/src/tensor/backends/native-backend';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/device-check/device-check.ts');
const FIXTURE = path.join(ROOT, 'test/fixtures/model-families/qwen2.5');

function runScript(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run device-check', () => {
  (detectNvidiaGpu().visible ? it.skip : it)('prints "no GPU: skipped" and exits 0 without a GPU', () => {
    const result = runScript([]);
    expect(result.stdout.trim()).toBe('no GPU: skipped');
    expect(result.status).toBe(0);
  });

  it('--dry-run lists the addon sources, headers, scripts and the Node to compress', () => {
    const result = runScript(['--prepare', path.join(os.tmpdir(), 'never-written'), '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/would write .*never-written: \d+ files/);
    expect(result.stdout).toContain('node.xz (compressed from)');
    expect(existsSync(path.join(os.tmpdir(), 'never-written'))).toBe(false);
  });

  it('refuses an unknown compression with what it expected', () => {
    const result = runScript(['--prepare', os.tmpdir(), '--compress', 'zip']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--compress: expected xz or gzip, received "zip"');
  });

  // Compressing Node and bundling take a while on a loaded machine: a long timeout, one run.
  it('--prepare builds a folder under the carry limit whose Node and bundled check run', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'device-check-folder-'));
    try {
      const result = runScript(['--prepare', folder, '--compress', 'gzip']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const total = Number(/prepared .*: \d+ files, ([\d.]+) MiB/.exec(result.stdout)?.[1]);
      expect(total).toBeGreaterThan(10);
      expect(total).toBeLessThan(56);
      for (const file of ['node.gz', 'device-check.cjs', 'run.sh', 'build-addon.cjs', 'make-reference.py', 'addon/binding.gyp', 'addon/cuda-library.cjs',
        'addon/src/addon.cc', 'addon/cuda/gemm.cu', 'addon/node_modules/node-addon-api/napi.h', 'addon/node_modules/node-addon-api/index.js', 'node-headers/node_api.h', 'node-headers/js_native_api.h']) {
        expect(existsSync(path.join(folder, file))).toBe(true);
      }
      const node = path.join(folder, 'node');
      writeFileSync(node, gunzipSync(readFileSync(path.join(folder, 'node.gz'))));
      chmodSync(node, 0o755);
      const output = path.join(folder, 'result.json');
      // The carried Node runs the bundle alone (no node_modules beside it), with the addon built here.
      const check = spawnSync(node, [path.join(folder, 'device-check.cjs'), '--device', 'emulated', '--tiny', '--budget-seconds', '60', '--output', output], {
        cwd: folder, encoding: 'utf8', env: { PATH: process.env.PATH, SWIRL_TENSOR_ADDON: nativeAddonPath() }, timeout: 120_000,
      });
      expect(check.stderr).toContain('kernels: passed');
      const parsed = deviceCheckResultSchema.parse(JSON.parse(readFileSync(output, 'utf8')));
      expect(parsed.node).toBe(process.version);
      expect(parsed.parts.kernels.status).toBe('passed');
      expect(parsed.parts.logits.status).toBe('skipped');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('the device check on the emulated table, tiny shapes', () => {
  let result: DeviceCheckResult;

  beforeAll(async () => {
    const options = parseCheckOptions(['--device', 'emulated', '--tiny', '--reference', FIXTURE, '--budget-seconds', '120']);
    result = deviceCheckResultSchema.parse(await runDeviceCheck(options));
  }, 150_000);

  it('opens the emulated table and compares every kernel within tolerance', () => {
    expect(result.device).toMatchObject({ kind: 'emulated', card: null, peakTeraflops: null });
    expect(result.device.name).toMatch(/^emulated:\d+$/);
    const kernels = result.parts.kernels;
    expect(kernels.status).toBe('passed');
    const names = kernels.results.map((entry) => entry.name);
    for (const kernel of ['gemm', 'attentionBackward', 'rmsNormBackward', 'logSoftmaxGatherBackward', 'adamw', 'copyBlocks', 'permute', 'sampleTokens', 'gemmBfloat16Weight', 'embeddingBfloat16', 'windowedAttentionBackward', 'rotateByTable', 'gegluBackward', 'dropoutMask', 'sumRowsInto one value']) {
      expect(names.some((name) => name.includes(kernel))).toBe(true);
    }
    for (const entry of kernels.results) {
      expect(entry.passed).toBe(true);
      expect(entry.maxScaledError).toBeLessThanOrEqual(entry.tolerance);
    }
  });

  it('runs every op case forward and backward on the device within tolerance', () => {
    const ops = result.parts.ops;
    expect(ops.status).toBe('passed');
    expect(ops.results.map((entry) => entry.name)).toEqual(createOpCases(TINY_OP_SIZES).map((opCase) => opCase.name));
    for (const entry of ops.results) {
      expect({ name: entry.name, error: entry.error }).toEqual({ name: entry.name, error: undefined });
      expect(entry.maxScaledError).toBeLessThanOrEqual(entry.tolerance);
    }
  });

  it('runs the LoRA step on the tiny shape and reports its FLOPs, speed, memory and transfers', () => {
    const [step] = result.parts.loraSteps.results;
    expect(step).toMatchObject({ shape: 'tiny', batch: 2, sequenceLength: 16 });
    // 2 layers × 7 projections, rank 16 × (input + output).
    expect(step.trainableParameters).toBe(2 * 16 * ((64 + 64) + 2 * (64 + 32) + (64 + 64) + 2 * (64 + 96) + (96 + 64)));
    expect(step.flopsPerStep).toBeGreaterThan(6 * step.trainableParameters * 32);
    expect(step.error).toBeUndefined();
    expect(step.steps).toBe(3);
    expect(step.tokensPerSecond).toBeGreaterThan(0);
    expect(step.peakDeviceBytes).toBeGreaterThan(0);
    expect(step.transfersPerStep).not.toBeNull();
  });

  it('compares the checkpoint logits on the device with transformers', () => {
    const logits = result.parts.logits;
    expect(logits.status).toBe('passed');
    expect(logits.tokens).toBe(40);
    expect(logits.maxAbsoluteError).toBeLessThanOrEqual(logits.tolerance);
  });
});

describe('the kernel comparison', () => {
  it('fails exactly the kernels a device gets wrong, and records a kernel that throws', () => {
    class SkewedDevice extends EmulatedDevice {
      override siluForward(x: DeviceBuffer, out: DeviceBuffer): void {
        super.siluForward(x, out);
        this.scaleInPlace(out, 1.01);
      }

      override rope(): void {
        throw new Error('rope is not implemented on this table');
      }
    }
    const results = checkKernels(new SkewedDevice(), TINY_SIZES, 2e-4);
    const failed = results.filter((entry) => !entry.passed);
    expect(failed.map((entry) => entry.name).sort()).toEqual(['rope inverse (backward), per-row positions, accumulate', 'rope, shared positions', 'siluForward']);
    expect(failed.find((entry) => entry.name === 'siluForward')!.maxScaledError).toBeGreaterThan(1e-3);
    expect(failed.find((entry) => entry.name === 'rope, shared positions')).toMatchObject({ maxAbsoluteError: null, error: 'rope is not implemented on this table' });
  });
});

describe('the logits comparison', () => {
  it('reads inline logits (the family fixtures) and a float32 file (make-reference.py), and matches transformers on the host', async () => {
    const inline = await compareLogits('cpu', FIXTURE);
    expect(inline).toMatchObject({ checkpoint: FIXTURE, tokens: 40, transformersBfloat16MaxAbsError: null });
    expect(inline.maxAbsoluteError).toBeLessThan(1e-4);
    expect(inline.referenceMaxAbs).toBeGreaterThan(0.1);
    const directory = mkdtempSync(path.join(os.tmpdir(), 'device-check-reference-'));
    try {
      const fixture = JSON.parse(readFileSync(path.join(FIXTURE, 'reference.json'), 'utf8')) as { ids: number[][]; logits: number[] };
      const values = Float32Array.from(fixture.logits);
      values[7] += 0.5;
      writeFileSync(path.join(directory, 'reference-logits.f32'), Buffer.from(values.buffer));
      writeFileSync(path.join(directory, 'reference.json'), JSON.stringify({ ids: fixture.ids, logitsFile: 'reference-logits.f32', transformersBfloat16MaxAbsError: 0.01 }));
      cpSync(path.join(FIXTURE, 'config.json'), path.join(directory, 'model', 'config.json'));
      cpSync(path.join(FIXTURE, 'model.safetensors'), path.join(directory, 'model', 'model.safetensors'));
      const fromFile = await compareLogits('cpu', directory);
      expect(fromFile.checkpoint).toBe(path.join(directory, 'model'));
      expect(fromFile.transformersBfloat16MaxAbsError).toBe(0.01);
      expect(fromFile.maxAbsoluteError).toBeGreaterThan(0.49);
      expect(fromFile.maxAbsoluteError).toBeLessThan(0.51);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('device check options', () => {
  it('rejects an unknown device and an unknown shape, saying what it expected', () => {
    expect(() => parseCheckOptions(['--device', 'tpu'])).toThrow(/--device: .*"cuda"/);
    expect(() => parseCheckOptions(['--device', 'cuda', '--shapes', 'qwen2.5-7b'])).toThrow('--shapes: expected names from qwen2.5-0.5b, qwen2.5-1.5b, tiny, received "qwen2.5-7b"');
  });

  it('chooses tiny shapes and sizes with --tiny and the Qwen2.5 shapes otherwise', () => {
    expect(parseCheckOptions(['--device', 'emulated', '--tiny'])).toMatchObject({ shapes: ['tiny'], batch: 2, sequenceLength: 16, budgetSeconds: 420 });
    expect(parseCheckOptions(['--device', 'cuda'])).toMatchObject({ shapes: ['qwen2.5-0.5b', 'qwen2.5-1.5b'], batch: 4, sequenceLength: 1024 });
  });
});
