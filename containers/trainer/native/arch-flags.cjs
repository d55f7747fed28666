// Prints the compiler's target-architecture flags for the addon: x86-64-v3 (AVX2, FMA) where this CPU has it, else the baseline.
'use strict';
const { readFileSync } = require('node:fs');

function detect() {
  if (process.env.SWIRL_NATIVE_MARCH !== undefined) return process.env.SWIRL_NATIVE_MARCH ? `-march=${process.env.SWIRL_NATIVE_MARCH}` : '';
  if (process.arch !== 'x64') return '';
  try {
    const flags = new Set((readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
    // The addon is built on the machine that runs it (npm ci), but a container image may run elsewhere,
    // so stop at x86-64-v3 rather than -march=native (AVX-512 is far from universal).
    return ['avx2', 'fma', 'bmi2', 'f16c', 'movbe'].every((flag) => flags.has(flag)) ? '-march=x86-64-v3' : '';
  } catch {
    return '';
  }
}

process.stdout.write(detect());
