import { COMPACT_SYSTEM_PROMPT } from '../../../core/prompts/default-prompts';
import { RunConfigSchema } from '../../../core/schemas/run-config';
import { createDemoConfig, createDemoRunId, DEFAULT_DEMO_SIZE, DEMO_SAMPLING_TEMPERATURE } from '../../../local/demo/demo-config';
import { exceedsInterval, formatResultsJson, formatResultsTable, ModelResults } from '../../../local/demo/demo-results';
import { slugOf } from '../../../local/demo/ablate-filters';

describe('demo config', () => {
  it('is a valid run: hop training with the trainer policy, 5 samples, process filter, swirl with an sft baseline, hop and arith eval', () => {
    const config = RunConfigSchema.parse(createDemoConfig({ runId: 'demo-test' }));
    expect(config.dataset).toMatchObject({ source: 'builtin:hop:train', format: 'hop', limit: DEFAULT_DEMO_SIZE.questions });
    expect(config.policy).toMatchObject({ provider: 'trainer', model: 'builtin:tiny-policy', temperature: DEMO_SAMPLING_TEMPERATURE });
    expect(config.trainer.swirl.temperature).toBe(DEMO_SAMPLING_TEMPERATURE);
    expect(config.prompts.system).toBe(COMPACT_SYSTEM_PROMPT);
    expect(config.samplesPerQuestion).toBe(5);
    expect(config.judge.provider).toBe('rule');
    expect(config.filter).toBe('process');
    expect(config.trainer).toMatchObject({ objective: 'swirl', baseline: 'sft', maxSteps: DEFAULT_DEMO_SIZE.trainSteps });
    expect(config.eval.map((set) => [set.name, set.source])).toEqual([['hop', 'builtin:hop:test'], ['arith', 'builtin:arith:test']]);
  });

  it('takes sizes and rejects impossible ones before any run starts', () => {
    const small = RunConfigSchema.parse(createDemoConfig({ runId: 'small', questions: 3, evalQuestions: 2, trainSteps: 1, filter: 'outcome' }));
    expect(small.dataset.limit).toBe(3);
    expect(small.eval.every((set) => set.limit === 2)).toBe(true);
    expect(small.trainer.maxSteps).toBe(1);
    expect(small.filter).toBe('outcome');
    expect(() => createDemoConfig({ questions: 0 })).toThrow(/limit/);
    expect(() => createDemoConfig({ runId: 'Bad Id' })).toThrow(/runId/);
  });

  it('names runs by time in the run-id alphabet, and ablation runs without "+"', () => {
    expect(createDemoRunId('demo', new Date('2026-01-02T03:04:05.678Z'))).toBe('demo-20260102030405');
    expect(slugOf('process+outcome')).toBe('process-outcome');
  });
});

describe('demo results', () => {
  const results: ModelResults = {
    base: { hop: { accuracy: 0.4, ci95: [0.3, 0.5], questions: 60 }, arith: { accuracy: 0.2, ci95: [0.12, 0.31], questions: 60 } },
    sft: { hop: { accuracy: 0.45, ci95: [0.34, 0.56], questions: 60 }, arith: { accuracy: 0.2, ci95: [0.12, 0.31], questions: 60 } },
    swirl: { hop: { accuracy: 0.55, ci95: [0.43, 0.66], questions: 60 }, arith: { accuracy: 0.25, ci95: [0.16, 0.37], questions: 60 } },
  };

  it('prints the JSON line with accuracy and interval per model and set, and the seconds', () => {
    const json = JSON.parse(formatResultsJson(results, 312.4));
    expect(json).toEqual({
      base: { hop: { accuracy: 0.4, ci95: [0.3, 0.5], questions: 60 }, arith: { accuracy: 0.2, ci95: [0.12, 0.31], questions: 60 } },
      sft: { hop: { accuracy: 0.45, ci95: [0.34, 0.56], questions: 60 }, arith: { accuracy: 0.2, ci95: [0.12, 0.31], questions: 60 } },
      swirl: { hop: { accuracy: 0.55, ci95: [0.43, 0.66], questions: 60 }, arith: { accuracy: 0.25, ci95: [0.16, 0.37], questions: 60 } },
      seconds: 312,
    });
  });

  it('lays out base, sft, swirl rows with one column per set', () => {
    const table = formatResultsTable(results, ['hop', 'arith'], { hop: 'hop (in-domain)' }).split('\n');
    expect(table[0]).toMatch(/^model\s+hop \(in-domain\) accuracy \[95% CI\]\s+arith accuracy/);
    expect(table.slice(2).map((line) => line.split(/\s+/)[0])).toEqual(['base', 'sft', 'swirl']);
    expect(table[4]).toContain('55.0% [43.0%, 66.0%]');
  });

  it('says whether a model lies above the reference interval', () => {
    expect(exceedsInterval(results, 'swirl', 'base', 'hop')).toBe(true);
    expect(exceedsInterval(results, 'sft', 'base', 'hop')).toBe(false);
    expect(exceedsInterval(results, 'swirl', 'base', 'missing')).toBe(false);
  });
});
