// Benchmark dispatcher: `npm run bench -- <name>` runs bench/<name>.ts, which ends its output with one JSON line.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const name = process.argv[2];
const available = readdirSync(__dirname).filter((file) => file.endsWith('.ts') && file !== 'run.ts').map((file) => file.replace(/\.ts$/, '')).sort();
if (!name || name === '--help' || name === '-h') {
  console.log(`usage: npm run bench -- <name> [args]\n\nbenchmarks: ${available.join(', ')}\n\nEach prints progress, then one JSON line with its results and an in-run reference.`);
  process.exit(name ? 0 : 2);
}
const file = join(__dirname, `${name}.ts`);
if (!existsSync(file)) {
  console.error(`unknown benchmark ${JSON.stringify(name)}: expected one of ${available.join(', ')}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(3)], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() } });
process.exit(result.status ?? 1);
