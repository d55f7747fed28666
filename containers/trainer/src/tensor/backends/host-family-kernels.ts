// The family-specific kernels on host buffers, shared by the reference and native backends (and run by the emulated device).
import type { FamilyKernels } from '../family-kernels';
import * as activations from './reference/activations';
import { windowedAttentionForward, windowedAttentionBackward } from './reference/windowed-attention';
import { dropoutMask } from './reference/dropout-mask';

export const hostFamilyKernels: FamilyKernels<Float32Array> = { ...activations, windowedAttentionForward, windowedAttentionBackward, dropoutMask };
