// The CUDA device table: the same surface as the emulated table, a clean "unavailable" without a GPU, native argument
// checks that throw naming the call, and, where a GPU is present, every kernel against the emulated table.
import { existsSync } from 'node:fs';
import { CudaDevice, type CudaTableAddon } from '../../../containers/trainer/src/tensor/devices/cuda-device';
import { EmulatedDevice } from '../../../containers/trainer/src/tensor/devices/emulated-device';
import { loadCudaDevice, nativeAddonPath } from '../../../containers/trainer/src/tensor/backends/native-backend';
import { selectJobDevice } from '../../../containers/trainer/src/tensor/devices/select-device';
import { FAMILY_KERNEL_NAMES } from '../../../containers/trainer/src/tensor/family-kernels';
import { compareDeviceTables } from './device-agreement';

/** Public methods along a class's prototype chain (below Object), with their declared parameter counts. */
function methodsOf(prototype: object, privateNames: readonly string[]): Map<string, number> {
  const methods = new Map<string, number>();
  for (let level = prototype; level !== Object.prototype; level = Object.getPrototypeOf(level) as object) {
    for (const name of Object.getOwnPropertyNames(level)) {
      const descriptor = Object.getOwnPropertyDescriptor(level, name)!;
      if (name === 'constructor' || typeof descriptor.value !== 'function' || privateNames.includes(name) || methods.has(name)) continue;
      methods.set(name, (descriptor.value as (...args: unknown[]) => unknown).length);
    }
  }
  return methods;
}

function nativeTable(): CudaTableAddon | null {
  if (!existsSync(nativeAddonPath())) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- native addons load only through require
  return ((require(nativeAddonPath()) as { cudaTable?: CudaTableAddon }).cudaTable ?? null);
}

describe('CUDA device table', () => {
  it('implements every method of the emulated table with the same parameters, every family kernel included', () => {
    const emulated = methodsOf(EmulatedDevice.prototype, ['floats', 'halves', 'optional']);
    const cuda = methodsOf(CudaDevice.prototype, ['call', 'at', 'atBfloat16', 'optional']);
    const extras = ['model', 'driverMemory'];
    expect(FAMILY_KERNEL_NAMES.filter((name) => !cuda.has(name) || !emulated.has(name))).toEqual([]);
    expect([...emulated.keys()].sort()).toEqual([...cuda.keys()].filter((name) => !extras.includes(name)).sort());
    for (const [name, parameters] of emulated) expect([name, cuda.get(name)]).toEqual([name, parameters]);
  });

  const loaded = loadCudaDevice();

  if (loaded.device) {
    it(`agrees with the emulated table on every kernel (${loaded.device.model()})`, () => {
      compareDeviceTables(loaded.device!, new EmulatedDevice());
    });
    return;
  }

  it('is unavailable without a GPU, with the reason, and loading throws nothing', () => {
    console.warn(`CUDA device table unavailable here: ${loaded.reason}`);
    expect(loaded.device).toBeNull();
    expect(loaded.reason).toMatch(/CUDA|addon/);
    expect(loadCudaDevice()).toBe(loaded);
  });

  it('is what a job asks for with SWIRL_DEVICE: cuda fails with the reason, auto stays on the host', () => {
    const saved = process.env.SWIRL_DEVICE;
    try {
      process.env.SWIRL_DEVICE = 'cuda';
      expect(() => selectJobDevice('auto')).toThrow(`device cuda requested, but the CUDA device table is unavailable: ${loaded.reason}`);
      process.env.SWIRL_DEVICE = 'auto';
      expect(selectJobDevice('auto')).toBe('cpu');
    } finally {
      if (saved === undefined) delete process.env.SWIRL_DEVICE;
      else process.env.SWIRL_DEVICE = saved;
    }
  });

  const table = nativeTable();
  if (!table) {
    it('has no native CUDA table to call: the addon was built without CUDA', () => {
      console.warn('native cudaTable checks skipped: the addon was built without CUDA (no nvcc at build time, or SWIRL_SKIP_CUDA=1)');
      expect(table).toBeNull();
    });
    return;
  }

  it('reports the missing device from the first allocation, naming the call', () => {
    expect(table.status()).not.toBe('');
    const device = new CudaDevice(table);
    expect(() => device.allocate(16)).toThrow(/cudaTable\.reserve: no usable CUDA device/);
    expect(device.memory().currentBytes).toBe(0);
  });

  it('checks block ids, ranges and argument types before any device work', () => {
    const call = (name: string, ...args: unknown[]) => () => (table[name] as (...values: unknown[]) => unknown)(...args);
    expect(call('fill', 7, 0, 4, 1)).toThrow('cudaTable.fill: argument 0: block 7 is not reserved');
    expect(call('axpy', 1, -1, 0, 4, 7, 0, 4)).toThrow(/cudaTable\.axpy: argument 1: expected a non-negative integer/);
    expect(call('download', 7, 0, 4)).toThrow('cudaTable.download: block 7 is not reserved');
    expect(call('upload', 7, 0, new Int32Array(2))).toThrow('cudaTable.upload: argument 2: expected a Float32Array or Uint16Array');
    expect(call('sampleTokens', 7, 0, 4, 1, 4, new Float32Array(3))).toThrow('cudaTable.sampleTokens: argument 0: block 7 is not reserved');
    const shape = [1, 2, 2, 1, 1, 4, 0, 0.5, null];
    expect(call('windowedAttentionForward', 7, 0, 8, 7, 0, 8, 7, 0, 8, 7, 0, 8, 7, 0, 4, 0, 0, 0, ...shape, 2, null)).toThrow('cudaTable.windowedAttentionForward: argument 0: block 7 is not reserved');
    expect(call('rotateByTable', 7, 0, 8, 7, 0, 8, 7, 0, 4, 7, 0, 4, 1, 2, 1, 4, new Int32Array([0, 1]), 1, false)).toThrow('cudaTable.rotateByTable: argument 0: block 7 is not reserved');
    expect(call('dropoutMask', 0.5, 0.5, 7, 0, 4)).toThrow(/cudaTable\.dropoutMask: argument 0: expected a non-negative integer/);
    for (const name of FAMILY_KERNEL_NAMES) expect([name, typeof table[name]]).toEqual([name, 'function']);
  });
});
