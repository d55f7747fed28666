// Dataset loaders on the real GSM8K and HotPotQA files beside the project.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileLineSource, loadDataset, summarizeDataset } from '../../../core/datasets';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';
import { useTemporaryDirectory } from '../../support/temporary-directory';

describeWithSharedData('loaders on the real shared datasets', () => {
  it('loads all 7,473 GSM8K training rows with normalized answers and gold calculations', async () => {
    const loaded = await loadDataset('gsm8k', fileLineSource(sharedDataPath('gsm8k/train.jsonl')));
    expect(loaded.errors).toEqual([]);
    expect(loaded.rows).toHaveLength(7473);
    const first = loaded.rows[0];
    expect(first.answer).toBe('72');
    expect(first.goldCalculations).toEqual([{ expression: '48/2', value: 24 }, { expression: '48+24', value: 72 }]);
    expect(first.goldSolution).not.toMatch(/<<|####/);
    expect(loaded.rows.every((row) => /^-?\d+(\.\d+)?$/.test(row.answer))).toBe(true);
    expect(loaded.rows.filter((row) => row.goldCalculations.length > 0).length).toBeGreaterThan(7000);
    // Every annotation in the source text is accounted for.
    const text = readFileSync(sharedDataPath('gsm8k/train.jsonl'), 'utf8');
    const annotations = (text.match(/<<[^<>]*>>/g) ?? []).length;
    expect(loaded.rows.reduce((sum, row) => sum + row.goldCalculations.length, 0)).toBe(annotations);
  });

  it.each(['train', 'dev'])('loads the 300 HotPotQA %s rows and their paragraphs as one deduplicated corpus', async (split) => {
    const loaded = await loadDataset('hotpotqa', fileLineSource(sharedDataPath(`hotpotqa/${split}.jsonl`)));
    expect(loaded.errors).toEqual([]);
    expect(loaded.rows).toHaveLength(300);
    const ids = new Set(loaded.corpus.map((document) => document.id));
    expect(ids.size).toBe(loaded.corpus.length);
    expect(loaded.corpus.length).toBeGreaterThan(2500);
    expect(loaded.corpus.length).toBeLessThanOrEqual(3000);
    const titles = new Set(loaded.corpus.map((document) => document.title));
    for (const row of loaded.rows) {
      expect(row.supportingFacts.length).toBeGreaterThanOrEqual(2);
      for (const fact of row.supportingFacts) expect(titles.has(fact.title)).toBe(true);
    }
  });

  describe('a copy with a truncated line', () => {
    const directory = useTemporaryDirectory('swirl-datasets-');

    it('reports that line and still loads every other row', async () => {
      const lines = readFileSync(sharedDataPath('hotpotqa/dev.jsonl'), 'utf8').split('\n');
      lines[41] = lines[41].slice(0, Math.floor(lines[41].length / 2));
      const file = join(directory.path, 'dev-truncated.jsonl');
      writeFileSync(file, lines.join('\n'));
      const summary = await summarizeDataset('hotpotqa', fileLineSource(file));
      expect(summary.rows).toBe(299);
      expect(summary.errors).toHaveLength(1);
      expect(summary.errors[0].line).toBe(42);
      expect(summary.errors[0].error).toMatch(/expected a JSON object, received unparseable text/);
    });

    it('counts a GSM8K row without its final answer line as an error with its line number', async () => {
      const file = join(directory.path, 'gsm8k.jsonl');
      copyFileSync(sharedDataPath('gsm8k/train.jsonl'), file);
      const lines = readFileSync(file, 'utf8').split('\n');
      const row = JSON.parse(lines[9]);
      lines[9] = JSON.stringify({ ...row, answer: row.answer.replace(/####.*$/, '') });
      writeFileSync(file, lines.join('\n'));
      const summary = await summarizeDataset('gsm8k', fileLineSource(file));
      expect(summary.rows).toBe(7472);
      expect(summary.errors).toEqual([{ line: 10, error: expect.stringContaining('expected a final line "#### <answer>"') }]);
    });
  });
});
