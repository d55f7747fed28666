// Opens the device table the check runs on: the CUDA table of the native addon, or the host-emulated one.
import { EmulatedDevice } from '../tensor/devices/emulated-device';
import type { DeviceTable } from '../tensor/device';
import { loadCudaDevice } from '../tensor/backends/native-backend';

export type DeviceKind = 'cuda' | 'emulated';

export interface OpenedDevice {
  device: DeviceTable | null;
  /** Why device is null ('' where it is not). */
  reason: string;
}

/** The CUDA table where the addon was built with CUDA and a GPU answers; otherwise null and loadCudaDevice's reason. */
export function openDevice(kind: DeviceKind): OpenedDevice {
  if (kind === 'emulated') return { device: new EmulatedDevice(), reason: '' };
  try {
    const loaded = loadCudaDevice();
    return loaded.device ? { device: loaded.device, reason: '' } : { device: null, reason: loaded.reason || 'the addon reports no CUDA device' };
  } catch (error) {
    return { device: null, reason: `loading the CUDA device table failed: ${(error as Error).message}` };
  }
}
