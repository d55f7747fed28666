// Whether an NVIDIA GPU is visible to this process: the driver's device node and nvidia-smi naming a card.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface GpuPresence {
  visible: boolean;
  /** The first card's name as the driver reports it ('NVIDIA H100 80GB HBM3'); null where none is visible. */
  card: string | null;
  /** Why none is visible ('' where one is). */
  reason: string;
}

export function detectNvidiaGpu(): GpuPresence {
  if (!existsSync('/dev/nvidia0')) return { visible: false, card: null, reason: 'no /dev/nvidia0' };
  const query = spawnSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 30_000 });
  if (query.error || query.status !== 0) return { visible: false, card: null, reason: `nvidia-smi did not answer: ${query.error?.message ?? query.stderr.trim().split('\n')[0]}` };
  const card = query.stdout.split('\n')[0].trim();
  return card ? { visible: true, card, reason: '' } : { visible: false, card: null, reason: 'nvidia-smi lists no GPU' };
}
