// The emulated device table: scopes release what they allocated, persistent buffers stay, every crossing is counted.
import { EmulatedDevice } from '../../../containers/trainer/src/tensor/devices/emulated-device';
import { selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

describe('EmulatedDevice', () => {
  it('releases a scope\'s transient buffers when it ends and keeps persistent ones', () => {
    const device = new EmulatedDevice();
    const kept = device.withScope(() => {
      const persistent = device.allocate(300, 'persistent');
      const transient = device.allocate(300);
      device.fill(transient, 2);
      device.axpy(1, transient, persistent);
      return persistent;
    });
    expect(Array.from(device.download(kept).subarray(0, 3))).toEqual([2, 2, 2]);
    expect(device.memory().currentBytes).toBe(1536);
    device.release(kept);
    expect(device.memory().currentBytes).toBe(0);
    expect(() => device.download(kept)).toThrow(/used after its device scope ended or it was released/);
  });

  it('closes an asynchronous scope when its promise settles, with synchronous scopes nested inside', async () => {
    const device = new EmulatedDevice();
    let inner: ReturnType<EmulatedDevice['allocate']> | null = null;
    const outer = await device.withScope(async () => {
      const buffer = device.allocate(10);
      await new Promise((resolve) => setImmediate(resolve));
      device.withScope(() => {
        inner = device.allocate(10);
      });
      expect(() => device.download(inner!)).toThrow(/after its device scope ended/);
      device.fill(buffer, 1);
      return buffer;
    });
    expect(() => device.download(outer)).toThrow(/after its device scope ended/);
    expect(device.memory().currentBytes).toBe(0);
  });

  it('shares memory between a buffer and its views and refuses views past the end', () => {
    const device = new EmulatedDevice();
    const buffer = device.upload(Float32Array.of(1, 2, 3, 4, 5));
    const view = device.view(buffer, 1, 3);
    device.scaleInPlace(view, 10);
    expect(Array.from(device.download(buffer))).toEqual([1, 20, 30, 40, 5]);
    expect(() => device.view(buffer, 3, 3)).toThrow(/outside a buffer of 5 values/);
  });

  it('counts uploads, downloads, scalar results and each integer array once', () => {
    const device = new EmulatedDevice();
    const weight = device.upload(new Float32Array(4 * 3).fill(1));
    const out = device.allocate(2 * 3);
    const ids = Int32Array.of(0, 3);
    device.embeddingForward(weight, ids, 3, out);
    device.embeddingForward(weight, ids, 3, out);
    device.sum(out);
    device.download(out);
    expect(device.transfers()).toEqual({ uploads: 1, uploadBytes: 48, downloads: 2, downloadBytes: 8 + 24, indexUploads: 1, indexBytes: 8 });
  });

  it('refuses a buffer of another device and bf16 weights where float32 values are expected', () => {
    const one = new EmulatedDevice();
    const other = new EmulatedDevice();
    const buffer = other.allocate(4);
    expect(() => one.fill(buffer, 0)).toThrow(/a buffer of emulated:\d+ was passed to emulated:\d+/);
    const bits = one.uploadBfloat16(Uint16Array.of(0x3f80, 0x4000));
    expect(() => one.fill(bits, 0)).toThrow(/bf16 buffer was passed where float32 values are expected/);
  });

  it('reports the device as full when its capacity is exceeded, after giving cached blocks back', () => {
    const device = new EmulatedDevice({ capacityBytes: 4096 });
    device.withScope(() => device.allocate(700));
    expect(device.memory().reservedBytes).toBe(3072);
    const large = device.allocate(900);
    expect(device.memory().reservedBytes).toBe(4096);
    expect(() => device.allocate(2000)).toThrow(/device out of memory/);
    device.release(large);
  });
});
