import { runEpisode } from './core/agent/run-episode';
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from './core/prompts/default-prompts';
import { TrainerModelSchema } from './core/schemas';
import { createDemonstrationTools } from './core/tasks/demonstrations';
import { generateTaskDataset } from './core/tasks';
import { TrainerProvider } from './containers/trainer/src/serve/trainer-provider';
import { selectBackend } from './containers/trainer/src/tensor/backend';
(async () => {
  selectBackend('native');
  const dir = process.argv[2];
  for (const fam of ['hop', 'arith'] as const) {
    const { rows, corpus } = generateTaskDataset(fam, 'test', { count: 3, seed: 1 });
    const tools = createDemonstrationTools(corpus);
    const provider = new TrainerProvider(TrainerModelSchema.parse({ provider: 'trainer', model: dir, temperature: 0, maxTokens: 48 }), { store: null });
    for (const row of rows) {
      const t = await runEpisode({ runId: 'peek', question: row, sample: 0, provider, tools, prompts: { system: DEFAULT_SYSTEM_PROMPT, user: DEFAULT_USER_PROMPT }, maxSteps: fam === 'hop' ? 5 : 10 });
      console.log('Q:', row.question, '| gold', row.answer, t.finishReason, (t as unknown as {error?: string}).error);
      for (const turn of t.turns) console.log('  >', JSON.stringify(turn.output), '=>', (turn.toolResult ?? '').slice(0, 90));
    }
  }
})();
