// Times `npx cdk synth` into a fresh output directory (bundling every stage, cdk-nag on) and counts the template's resources.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** CPU seconds (user + system) of waited-for child processes, from /proc (Linux); null elsewhere. */
function readChildCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: field 14 (cutime) and 15 (cstime) of stat(5) are at indexes 13 and 14 here; ticks are 1/100 s.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}
const cpuBefore = readChildCpuSeconds();
const outdir = mkdtempSync(join(tmpdir(), 'swirl-bench-synth-'));
const started = process.hrtime.bigint();
const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', CDK_DISABLE_VERSION_CHECK: '1' },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpuAfter = readChildCpuSeconds();
const cpuSeconds = cpuBefore === null || cpuAfter === null ? null : Number((cpuAfter - cpuBefore).toFixed(2));
const load = Number(loadavg()[0].toFixed(2));
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  console.error(`cdk synth failed with exit code ${result.status}`);
  process.exit(1);
}
const template = JSON.parse(readFileSync(join(outdir, 'Swirl.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
const types: Record<string, number> = {};
for (const resource of Object.values(template.Resources)) types[resource.Type] = (types[resource.Type] ?? 0) + 1;
const warnings = (result.stdout + result.stderr).split('\n').filter((line) => line.startsWith('WARNING')).length;
console.log(`synth: ${seconds.toFixed(1)} s wall, ${cpuSeconds ?? '?'} s CPU (load average ${load}), ${Object.keys(template.Resources).length} resources, ${types['AWS::Lambda::Function'] ?? 0} functions, ${warnings} warning(s)`);
rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ bench: 'synth', seconds: Number(seconds.toFixed(2)), resources: Object.keys(template.Resources).length, functions: types['AWS::Lambda::Function'] ?? 0, warnings, cpuSeconds, loadAverage: load }));
