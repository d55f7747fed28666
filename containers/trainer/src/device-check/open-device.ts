// Opens the device table the check runs on: the CUDA table of the native addon, or the host-emulated one.
import { EmulatedDevice } from '../tensor/devices/emulated-device';
import type { DeviceTable } from '../tensor/device';
import * as nativeBackend from '../tensor/backends/native-backend';

export type DeviceKind = 'cuda' | 'emulated';

export interface OpenedDevice {
  device: DeviceTable | null;
  /** Why device is null ('' where it is not). */
  reason: string;
}

type CudaLoader = () => { device: DeviceTable | null; reason: string };

/**
 * The CUDA table comes from native-backend's loadCudaDevice(); it is looked up by name so this check builds and runs
 * (recording why there is no device) with an addon or a tree that has no CUDA table.
 */
export function openDevice(kind: DeviceKind): OpenedDevice {
  if (kind === 'emulated') return { device: new EmulatedDevice(), reason: '' };
  const loader = (nativeBackend as unknown as Record<string, unknown>).loadCudaDevice;
  if (typeof loader !== 'function') return { device: null, reason: 'this build has no CUDA device table (native-backend exports no loadCudaDevice)' };
  try {
    const loaded = (loader as CudaLoader)();
    return loaded.device ? { device: loaded.device, reason: '' } : { device: null, reason: loaded.reason || 'the addon reports no CUDA device' };
  } catch (error) {
    return { device: null, reason: `loading the CUDA device table failed: ${(error as Error).message}` };
  }
}
