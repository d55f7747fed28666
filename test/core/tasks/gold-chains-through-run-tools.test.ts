// Gold chains replayed through the tools a run builds from S3 (corpus in the embedded S3 server, BM25 index, calculator) reach the gold answers.
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';
import { RunConfigSchema } from '../../../core/schemas';
import { ObjectStore, runKey } from '../../../core/store';
import { createToolRegistry } from '../../../core/tools';
import { runCalculator } from './support/run-calculator';
import { generateTaskDataset, readDocumentFacts, TASK_SPLITS } from '../../../core/tasks';

describe('gold chains through the run tool registry', () => {
  const server = new EmbeddedS3Server();
  let objects: ObjectStore;
  beforeAll(async () => {
    objects = new ObjectStore(await server.start());
  });
  afterAll(() => server.stop());

  it.each(TASK_SPLITS)('hop %s: searching each chain entity returns the page that names the next one, ending at the answer', async (split) => {
    const { rows, corpus } = generateTaskDataset('hop', split, { count: 150, seed: 11 });
    const runId = `tasks-${split}`;
    await objects.putJsonLines(runKey(runId, 'corpus', 'corpus.jsonl'), corpus);
    const config = RunConfigSchema.parse({ runId, dataset: { source: `builtin:hop:${split}`, format: 'hop' }, policy: { provider: 'scripted', responses: ['x'] } });
    const tools = await createToolRegistry(config, objects);
    const search = tools.findByTag('search_query')!;
    for (const row of rows) {
      let query = row.supportingFacts[0].title;
      for (const fact of row.supportingFacts) {
        const result = await search.execute(query);
        expect(result.startsWith(`${fact.title}: `)).toBe(true);
        const stated = readDocumentFacts({ id: 'result', title: fact.title, text: result.slice(fact.title.length + 2) })
          .find((candidate) => candidate.sentence === fact.sentence)!;
        query = stated.target;
      }
      expect(query).toBe(row.answer);
    }
  });

  it('arith: the run calculator evaluates every gold step to its gold value', async () => {
    const config = RunConfigSchema.parse({ runId: 'tasks-arith', dataset: { source: 'builtin:arith:test', format: 'arith' }, policy: { provider: 'scripted', responses: ['x'] } });
    const tools = await createToolRegistry(config, objects);
    const calculator = tools.findByTag('math_exp')!;
    for (const split of TASK_SPLITS) {
      for (const row of generateTaskDataset('arith', split, { count: 150, seed: 11 }).rows) {
        for (const step of row.goldCalculations) expect(await runCalculator(calculator, step.expression)).toBe(String(step.value));
      }
    }
  });
});
