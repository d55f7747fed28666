// Tests of demonstrations: the agent's own format, the gold path when error-free, and mistakes at the asked rate.
import { TrajectorySchema, type DatasetRow } from '../../../../core/schemas';
import { buildConversation } from '../../../../core/decompose/decompose-trajectory';
import { generateTaskDataset } from '../../../../core/tasks';
import { createMistakeProfile, generateDemonstrations, planNote, type Demonstration } from '../../../../core/tasks/demonstrations';

const hop = generateTaskDataset('hop', 'train', { count: 200, seed: 5 });
const arith = generateTaskDataset('arith', 'train', { count: 200, seed: 5 });

function queriesOf(demonstration: Demonstration): string[] {
  return demonstration.trajectory.turns.flatMap((turn) => (turn.action.type === 'tool_call' ? [turn.action.input] : []));
}

describe('generateDemonstrations', () => {
  it('without mistakes follows the gold chain and the gold calculations to the gold answer', async () => {
    const demonstrations = await generateDemonstrations([...hop.rows, ...arith.rows], hop.corpus, { seed: 1, mistakeRate: 0, blindSpots: 0 });
    for (const demonstration of demonstrations) {
      const row: DatasetRow = demonstration.trajectory.question;
      expect(TrajectorySchema.parse(demonstration.trajectory)).toBeTruthy();
      expect(demonstration.mistakes).toEqual([]);
      expect(demonstration.correct).toBe(true);
      expect(demonstration.trajectory.finishReason).toBe('answered');
      const expected = row.task === 'qa'
        ? row.supportingFacts.map((fact) => fact.title)
        : row.goldCalculations.map((calculation) => calculation.expression);
      expect(queriesOf(demonstration)).toEqual(expected);
    }
  });

  it('with plan notes, plans the relations innermost first and opens each note with the relation followed before', async () => {
    const demonstrations = await generateDemonstrations(hop.rows.slice(0, 40), hop.corpus, { seed: 1, mistakeRate: 0, blindSpots: 0, planNotes: true });
    for (const demonstration of demonstrations) {
      const question = demonstration.trajectory.question.question;
      const relations = [...question.matchAll(/the ([a-z ]+?) of /g)].map((match) => match[1]).reverse();
      const outputs = demonstration.trajectory.turns.map((turn) => turn.output);
      expect(outputs[0].startsWith(`${planNote(relations)} <search_query>`)).toBe(true);
      expect(outputs).toHaveLength(relations.length + 1);
      relations.forEach((relation, hop) => {
        const opening = hop === 0 ? 'plan:' : `${relations[hop - 1]},`;
        expect(outputs[hop + 1].startsWith(`${opening} ${relation}: `)).toBe(true);
      });
    }
  });

  it('with sub-question queries, asks the rest of the question about each entity and still retrieves its page', async () => {
    const demonstrations = await generateDemonstrations(hop.rows.slice(0, 60), hop.corpus, { seed: 1, mistakeRate: 0, blindSpots: 0, queryStyle: 'subquestion' });
    for (const demonstration of demonstrations) {
      const row = demonstration.trajectory.question;
      const relations = [...row.question.matchAll(/the ([a-z ]+?) of /g)].map((match) => match[1]).reverse();
      const expected = row.supportingFacts.map((fact, hop) => `${relations.slice(hop).reverse().map((relation) => `the ${relation} of `).join('')}${fact.title}`);
      expect(queriesOf(demonstration)).toEqual(expected);
      expect(expected[0]).toBe(row.question.slice(row.question.indexOf('the '), -1));
      // The query words that are not the name match no page, so each search still returns the entity's own page.
      demonstration.trajectory.turns.forEach((turn, index) => {
        if (turn.action.type === 'tool_call') expect(turn.toolResult).toContain(` -> ${row.supportingFacts[index].title}: `);
      });
      expect(demonstration.correct).toBe(true);
    }
  });

  it('with keyword queries, searches each entity with all the question\'s relations, and each page opens with the fact to follow', async () => {
    const demonstrations = await generateDemonstrations(hop.rows.slice(0, 60), hop.corpus, { seed: 1, mistakeRate: 0, blindSpots: 0, queryStyle: 'keywords' });
    for (const demonstration of demonstrations) {
      const row = demonstration.trajectory.question;
      const relations = [...row.question.matchAll(/the ([a-z ]+?) of /g)].map((match) => match[1]).reverse();
      expect(queriesOf(demonstration)).toEqual(row.supportingFacts.map((fact) => [fact.title, ...relations].join(' ')));
      demonstration.trajectory.turns.forEach((turn, index) => {
        if (turn.action.type !== 'tool_call') return;
        const fact = row.supportingFacts[index];
        // Title, then the supporting sentence first: the reply reads the line right after the page's title.
        expect(turn.toolResult).toContain(` -> ${fact.title}: ${fact.text} `);
        expect(demonstration.trajectory.turns[index + 1].output.startsWith(`${relations[index]}: `)).toBe(true);
      });
      expect(demonstration.correct).toBe(true);
    }
  });

  it('with sub-question queries, a wrong hop asks the rest of the question about the wrong entity', async () => {
    const demonstrations = await generateDemonstrations(hop.rows, hop.corpus, { seed: 4, mistakeRate: 0.5, blindSpots: 0, queryStyle: 'subquestion' });
    let wrongSearches = 0;
    for (const item of demonstrations) {
      for (const mistake of item.mistakes.filter((candidate) => candidate.kind === 'wrong_hop')) {
        const turn = item.trajectory.turns[mistake.step];
        if (turn.action.type !== 'tool_call') continue;
        wrongSearches += 1;
        const label = /^(.+?): /.exec(turn.output.slice(0, turn.output.indexOf('<')))![0];
        const target = turn.output.slice(label.length, turn.output.indexOf('. <'));
        expect(turn.action.input.endsWith(target)).toBe(true);
        expect(turn.toolResult).toContain(` -> ${target}: `);
      }
    }
    expect(wrongSearches).toBeGreaterThan(10);
  });

  it('renders prompts and tool turns as the agent loop does', async () => {
    const [demonstration] = await generateDemonstrations(hop.rows.slice(0, 1), hop.corpus, { seed: 1, mistakeRate: 0, blindSpots: 0 });
    const messages = buildConversation(demonstration.trajectory);
    expect(messages[0].role).toBe('system');
    expect(messages[0].content).toContain('You have at most 5 steps.');
    expect(messages[0].content).toContain('<search_query>...</search_query>');
    expect(messages[0].content).toContain('<math_exp>...</math_exp>');
    expect(messages[1]).toEqual({ role: 'user', content: `Question: ${hop.rows[0].question}` });
    const firstTitle = hop.rows[0].supportingFacts[0].title;
    const document = hop.corpus.find((candidate) => candidate.title === firstTitle)!;
    expect(messages[2]).toEqual({ role: 'assistant', content: `<search_query>${firstTitle}</search_query>` });
    expect(messages[3]).toEqual({ role: 'user', content: `${firstTitle} -> ${document.title}: ${document.text}` });
    expect(messages[messages.length - 1].content).toMatch(/^[a-z ]+: .+\. <answer>.+<\/answer>$/);
  });

  it('is deterministic by seed', async () => {
    const first = await generateDemonstrations(hop.rows.slice(0, 50), hop.corpus, { seed: 3, mistakeRate: 0.4 });
    const second = await generateDemonstrations(hop.rows.slice(0, 50), hop.corpus, { seed: 3, mistakeRate: 0.4 });
    expect(second.map((item) => item.trajectory.turns.map((turn) => turn.output))).toEqual(first.map((item) => item.trajectory.turns.map((turn) => turn.output)));
  });

  it.each([0.15, 0.4])('injects every kind of mistake at a rate that tracks mistakeRate %p, with some recoveries', async (mistakeRate) => {
    const demonstrations = await generateDemonstrations([...hop.rows, ...arith.rows], hop.corpus, { seed: 2, mistakeRate, blindSpots: 0 });
    const kinds = new Set(demonstrations.flatMap((item) => item.mistakes.map((mistake) => mistake.kind)));
    expect([...kinds].sort()).toEqual(['arithmetic_slip', 'premature_answer', 'wrong_hop']);
    expect(demonstrations.some((item) => item.mistakes.some((mistake) => mistake.recovered))).toBe(true);
    const decisions = demonstrations.reduce((sum, item) => sum + item.trajectory.turns.length, 0);
    const mistakes = demonstrations.reduce((sum, item) => sum + item.mistakes.length, 0);
    // Each decision point errs with about mistakeRate; early endings remove later decision points, so allow slack.
    expect(mistakes / decisions).toBeGreaterThan(mistakeRate * 0.4);
    expect(mistakes / decisions).toBeLessThan(mistakeRate * 1.3);
    for (const item of demonstrations) {
      expect(item.correct).toBe(item.trajectory.finalAnswer === item.trajectory.question.answer);
      if (item.mistakes.length === 0) expect(item.correct).toBe(true);
    }
    const unrecovered = demonstrations.filter((item) => item.mistakes.some((mistake) => !mistake.recovered));
    expect(unrecovered.filter((item) => !item.correct).length / unrecovered.length).toBeGreaterThan(0.85);
    const recoveredOnly = demonstrations.filter((item) => item.mistakes.length > 0 && item.mistakes.every((mistake) => mistake.recovered));
    const answered = recoveredOnly.filter((item) => item.trajectory.finishReason === 'answered');
    expect(answered.every((item) => item.correct)).toBe(true);
  });

  it('wrong hops search an entity the current document names; slips misread an operand as a number the question does not state', async () => {
    const demonstrations = await generateDemonstrations([...hop.rows, ...arith.rows], hop.corpus, { seed: 4, mistakeRate: 0.5, blindSpots: 1 });
    for (const item of demonstrations) {
      for (const mistake of item.mistakes) {
        const turn = item.trajectory.turns[mistake.step];
        const previous = item.trajectory.turns[mistake.step - 1];
        if (mistake.kind === 'wrong_hop' && turn.action.type === 'tool_call') {
          expect(previous.toolResult).toContain(turn.action.input);
          expect(item.trajectory.question.supportingFacts.map((fact) => fact.title)).not.toContain(turn.action.input);
        }
        if (mistake.kind === 'arithmetic_slip' && turn.action.type === 'tool_call') {
          // Slips happen only on the gold path, so the gold step they replace is the number of correct steps before them.
          const slipsBefore = item.mistakes.filter((other) => other.kind === 'arithmetic_slip' && other.step < mistake.step).length;
          const gold = item.trajectory.question.goldCalculations[mistake.step - slipsBefore];
          expect(turn.action.input).not.toBe(gold.expression);
          const operand = /[-+*/](\d+)$/.exec(turn.action.input)![1];
          const goldOperand = /[-+*/](\d+)$/.exec(gold.expression)![1];
          const questionNumbers: string[] = item.trajectory.question.question.match(/\d+/g) ?? [];
          expect(Number(operand)).toBeGreaterThan(Number(goldOperand));
          expect(Number(operand)).toBeLessThanOrEqual(Number(goldOperand) + 1 + questionNumbers.length);
          expect(questionNumbers).not.toContain(operand);
        }
      }
    }
  });
});

describe('createMistakeProfile', () => {
  it('puts blind spots at their own rate and ordinary situations at the ordinary rate', () => {
    const situations = ['a', 'b', 'c', 'd', 'e'];
    const profile = createMistakeProfile(situations, 1, { mistakeRate: 0.2, blindSpots: 2, blindSpotRate: 0.8, prematureShare: 0.25 });
    expect(profile.blindSpots).toHaveLength(2);
    for (const situation of situations) {
      expect(profile.wrongStepRate(situation)).toBeCloseTo(profile.blindSpots.includes(situation) ? 0.8 : 0.15, 9);
    }
    expect(profile.prematureRate).toBeCloseTo(0.05, 9);
    expect(createMistakeProfile(situations, 1, { mistakeRate: 0.2, blindSpots: 2 }).blindSpots).toEqual(profile.blindSpots);
    expect(() => createMistakeProfile(situations, 1, { mistakeRate: 1.5 })).toThrow(/mistakeRate: expected a number from 0 to 1, received 1.5/);
    expect(() => createMistakeProfile(situations, 1, { mistakeRate: 0.1, blindSpots: 6 })).toThrow(/blindSpots: expected an integer from 0 to 5, received 6/);
    expect(() => profile.wrongStepRate('z')).toThrow(/unknown situation "z"/);
  });
});
