// Builds the tool registry a run's config asks for: calculator and BM25 search over the run's corpus.
import { RunConfig } from '../schemas/run-config';
import { ObjectStore } from '../store/object-store';
import { runKey } from '../store/run-keys';
import { createCalculatorTool } from './calculator';
import { loadSearchIndex } from './search-index-cache';
import { createSearchTool } from './search-tool';
import { ToolRegistry } from './tool-registry';

export interface ToolRegistryOptions {
  /** Corpus key overriding the config (evaluation sets carry their own corpus). */
  corpusKey?: string;
}

/** Where the search corpus lives: `s3://bucket/key`, a key in the run bucket, or the run's materialized corpus. */
export function resolveCorpusLocation(config: Pick<RunConfig, 'runId' | 'tools'>, objects: ObjectStore, options: ToolRegistryOptions = {}):
  { objects: ObjectStore; key: string; explicit: boolean } {
  const configured = options.corpusKey ?? config.tools.search.corpus;
  if (configured === undefined) return { objects, key: runKey(config.runId, 'corpus', 'corpus.jsonl'), explicit: false };
  const url = /^s3:\/\/([^/]+)\/(.+)$/.exec(configured);
  if (!url) return { objects, key: configured.replace(/^\/+/, ''), explicit: true };
  const [, bucket, key] = url;
  const store = bucket === objects.bucket ? objects : new ObjectStore({ ...objects.settings, bucket });
  return { objects: store, key, explicit: true };
}

export async function createToolRegistry(
  config: Pick<RunConfig, 'runId' | 'tools'>,
  objects: ObjectStore,
  options: ToolRegistryOptions = {},
): Promise<ToolRegistry> {
  const registry = new ToolRegistry();
  if (config.tools.search.enabled) {
    const location = resolveCorpusLocation(config, objects, options);
    // A run without its own corpus (math data) simply has no search tool; a corpus the user named must exist.
    if (location.explicit || (await location.objects.exists(location.key))) {
      const index = await loadSearchIndex(location.objects, location.key);
      registry.register(createSearchTool(index, config.tools.search.topK, config.tools.search.sentenceOrder));
    }
  }
  if (config.tools.calculator.enabled) registry.register(createCalculatorTool());
  return registry;
}
