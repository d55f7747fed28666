// Entry of the device check (bundled for the GPU machine): runs it, writes the JSON result, prints one line per part.
import { writeFileSync } from 'node:fs';
import { parseCheckOptions } from './check-options';
import { deviceCheckResultSchema, type DeviceCheckResult } from './result-schema';
import { runDeviceCheck } from './run-device-check';

function summarize(result: DeviceCheckResult): string {
  const lines = Object.entries(result.parts).map(([name, part]) => `${name}: ${part.status} in ${part.seconds.toFixed(1)} s${part.error ? ` (${part.error.split('\n')[0]})` : ''}`);
  for (const step of result.parts.loraSteps.results) {
    const mfu = step.mfu === null ? 'MFU n/a' : `MFU ${(step.mfu * 100).toFixed(1)}%`;
    const peft = step.peft ? `; PEFT ${step.peft.tokensPerSecond.toFixed(0)} tokens/s` : '';
    lines.push(`  ${step.shape}: ${step.tokensPerSecond?.toFixed(0) ?? '-'} tokens/s, ${mfu}${peft}${step.error ? ` (${step.error.split('\n')[0]})` : ''}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseCheckOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`device-check: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  // The result is validated against its documented schema before it is written, so a reader can rely on the format.
  const result = deviceCheckResultSchema.parse(await runDeviceCheck(options));
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (options.output) writeFileSync(options.output, text);
  else process.stdout.write(text);
  process.stderr.write(`device check on ${result.device.card ?? result.device.name ?? options.device} in ${result.elapsedSeconds.toFixed(1)} s\n${summarize(result)}\n`);
  const failed = Object.values(result.parts).some((part) => part.status === 'failed' || part.status === 'error');
  process.exitCode = failed ? 1 : 0;
}

void main();
