// Synthesizes the CDK app (in a tsx child process) into a cache keyed by a hash of its sources, so repeated local runs skip synth.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

/** A CloudFormation template as synthesized. */
export interface CloudFormationTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
  [section: string]: unknown;
}

export interface SynthesizeOptions {
  /** Project root holding infra/, functions/ and cdk.json; default the working directory. */
  root?: string;
  /** Stack settings passed as the `swirl` context value. */
  settings?: object;
  /** Where synthesized templates are kept; default <root>/.swirl/synth. */
  cacheDirectory?: string;
  /** Synthesize even when a cached template matches. */
  force?: boolean;
}

export interface SynthesizedStack {
  template: CloudFormationTemplate;
  stackName: string;
  templatePath: string;
  /** Hash of the sources and settings the template came from. */
  sourceHash: string;
  cached: boolean;
  seconds: number;
}

const HASHED_FOLDERS = ['infra', 'functions'];
const HASHED_FILES = ['cdk.json', 'package-lock.json'];

function listFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'cdk.out' && !entry.name.startsWith('.')) files.push(...listFiles(path));
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
  return files;
}

/** Hash of everything the template depends on: infra/ and functions/ sources, cdk.json, the lockfile and the settings. */
export function hashStackSources(root: string, settings: object = {}): string {
  const hash = createHash('sha256');
  const files = [...HASHED_FOLDERS.flatMap((folder) => listFiles(join(root, folder))), ...HASHED_FILES.map((file) => join(root, file)).filter(existsSync)];
  for (const file of files.sort()) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  hash.update(JSON.stringify(settings));
  return hash.digest('hex').slice(0, 24);
}

function readCdkContext(root: string): Record<string, unknown> {
  const path = join(root, 'cdk.json');
  if (!existsSync(path)) return {};
  const cdk = JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> };
  return cdk.context ?? {};
}

interface CdkModules {
  App: new (props: { outdir: string; context: Record<string, unknown> }) => { synth(): { getStackByName(name: string): { template: unknown } } };
  createApp: (app: unknown) => { app: { synth(): { getStackByName(name: string): { template: unknown } } }; stack: { stackName: string } };
}

function loadCdkModules(root: string): CdkModules {
  // Loaded only on a cache miss: aws-cdk-lib and the stack take seconds to import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('aws-cdk-lib') as Pick<CdkModules, 'App'>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require(join(root, 'infra', 'app.ts')) as Pick<CdkModules, 'createApp'>;
  return { App, createApp };
}

/** Returns the stack's template, from the cache when infra/ and functions/ are unchanged. */
export function synthesizeStack(options: SynthesizeOptions = {}): SynthesizedStack {
  const started = Date.now();
  const root = resolve(options.root ?? process.cwd());
  const settings = options.settings ?? {};
  const sourceHash = hashStackSources(root, settings);
  const cacheDirectory = options.cacheDirectory ?? join(root, '.swirl', 'synth');
  const entry = join(cacheDirectory, sourceHash);
  const templatePath = join(entry, 'template.json');
  const namePath = join(entry, 'stack-name.txt');
  if (!options.force && existsSync(templatePath) && existsSync(namePath)) {
    return {
      template: JSON.parse(readFileSync(templatePath, 'utf8')) as CloudFormationTemplate,
      stackName: readFileSync(namePath, 'utf8').trim(),
      templatePath,
      sourceHash,
      cached: true,
      seconds: (Date.now() - started) / 1000,
    };
  }
  mkdirSync(entry, { recursive: true });
  // A child process with tsx: compiling and loading the CDK app there is much faster than under a test runner's module system,
  // and the caller never holds aws-cdk-lib in memory.
  const result = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    cwd: root,
    env: { ...process.env, SWIRL_SYNTH_REQUEST: JSON.stringify({ root, settings, entry }) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0 || !existsSync(templatePath)) {
    throw new Error(`synthesizing the stack failed (exit ${result.status ?? result.signal}):\n${(result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n').slice(-30).join('\n')}`);
  }
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CloudFormationTemplate;
  const stackName = readFileSync(namePath, 'utf8').trim();
  return { template, stackName, templatePath, sourceHash, cached: false, seconds: (Date.now() - started) / 1000 };
}

/** Runs in the child process: synthesizes into a scratch dir and writes the template and stack name into the cache entry. */
function synthesizeIntoCache(request: { root: string; settings: object; entry: string }): void {
  const { App, createApp } = loadCdkModules(request.root);
  const outdir = `${request.entry}.cdk.out.${process.pid}`;
  rmSync(outdir, { recursive: true, force: true });
  // Bundling is skipped (empty bundling-stacks): locally the handlers run from source, so the Lambda zips are not needed.
  const context = { ...readCdkContext(request.root), 'aws:cdk:bundling-stacks': [], swirl: request.settings };
  const { app, stack } = createApp(new App({ outdir, context }));
  const template = app.synth().getStackByName(stack.stackName).template;
  const templatePath = join(request.entry, 'template.json');
  // Written to a temporary name and renamed, so a concurrent reader never sees half a template.
  writeFileSync(join(request.entry, 'stack-name.txt'), stack.stackName);
  writeFileSync(`${templatePath}.${process.pid}`, JSON.stringify(template));
  renameSync(`${templatePath}.${process.pid}`, templatePath);
  rmSync(outdir, { recursive: true, force: true });
}

/** Removes cached templates other than the newest `keep`. */
export function pruneSynthCache(cacheDirectory: string, keep = 3): void {
  if (!existsSync(cacheDirectory)) return;
  const entries = readdirSync(cacheDirectory)
    .map((name) => ({ name, time: statSync(join(cacheDirectory, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const entry of entries.slice(keep)) rmSync(join(cacheDirectory, entry.name), { recursive: true, force: true });
}

if (require.main === module && process.env.SWIRL_SYNTH_REQUEST) synthesizeIntoCache(JSON.parse(process.env.SWIRL_SYNTH_REQUEST) as { root: string; settings: object; entry: string });
