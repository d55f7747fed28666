// Chooses where a job's model lives: the host, the GPU's device table, or its host emulation (tests, checks).
import type { Device } from '../device';
import { EmulatedDevice } from './emulated-device';
import { loadCudaDevice } from '../backends/native-backend';

export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'emulated';

let emulated: EmulatedDevice | null = null;

/** One emulated device per process, so every model and cache of a job meets on it. */
export function getEmulatedDevice(): EmulatedDevice {
  emulated ??= new EmulatedDevice();
  return emulated;
}

export function parseDeviceChoice(value: string | undefined): DeviceChoice {
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'cpu' || value === 'cuda' || value === 'emulated') return value;
  throw new Error(`SWIRL_DEVICE: expected auto, cpu, cuda or emulated, received ${JSON.stringify(value)}`);
}

/**
 * The device for `choice`: 'cuda' needs the addon's device table and a GPU (else a clear error); 'auto' takes the
 * GPU when there is one and the host otherwise. `cudaTable` loads the GPU table or says why there is none.
 */
export function resolveDevice(choice: DeviceChoice, cudaTable: () => { device: Device | null; reason: string }): Device {
  if (choice === 'cpu') return 'cpu';
  if (choice === 'emulated') return getEmulatedDevice();
  const cuda = cudaTable();
  if (cuda.device) return cuda.device;
  if (choice === 'cuda') throw new Error(`device cuda requested, but the CUDA device table is unavailable: ${cuda.reason}`);
  return 'cpu';
}

/**
 * The device of a trainer process (training, rollout, evaluation): SWIRL_DEVICE when set; otherwise the GPU when the
 * backend choice allows one ('auto', 'cuda') and it is there. Explicit CPU backends ('native', 'reference') stay on
 * the host.
 */
export function selectJobDevice(backend: 'auto' | 'native' | 'reference' | 'cuda' = 'auto'): Device {
  const choice = parseDeviceChoice(process.env.SWIRL_DEVICE);
  if (choice === 'auto' && (backend === 'native' || backend === 'reference')) return 'cpu';
  return resolveDevice(choice, loadCudaDevice);
}
