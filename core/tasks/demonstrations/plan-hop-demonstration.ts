// Scripts a hop demonstration: search the named entity, follow one relation per document, answer — with occasional wrong hops and early answers.
import type { CorpusDocument, DatasetRow } from '../../schemas';
import type { SeededRandom } from '../seeded-random';
import { readDocumentFacts, type DocumentFact } from '../hop/hop-documents';
import { answerOutput, searchOutput, type DemonstrationPlan } from './demonstration-plan';
import type { MistakeProfile } from './mistake-profile';

/** "publisher: Mirel Records." — a few tokens naming the fact being used. */
function noteOf(fact: DocumentFact): string {
  return `${fact.relation}: ${fact.target}.`;
}

function documentOf(byTitle: Map<string, CorpusDocument>, title: string, row: DatasetRow): CorpusDocument {
  const document = byTitle.get(title);
  if (!document) throw new Error(`hop demonstration for ${row.id}: corpus has no document titled ${JSON.stringify(title)}`);
  return document;
}

/** Continues the question's remaining relations from a wrong entity, as a policy that never noticed would. */
function continueFromWrongEntity(byTitle: Map<string, CorpusDocument>, start: CorpusDocument, relations: DocumentFact['relation'][], outputs: string[]): void {
  let facts = readDocumentFacts(start);
  for (const [index, relation] of relations.entries()) {
    const fact = facts.find((candidate) => candidate.relation === relation);
    if (!fact) {
      // The wrong entity has no such relation: the policy grabs whatever its page offers.
      outputs.push(answerOutput(facts.length > 0 ? noteOf(facts[0]) : null, facts[0]?.target ?? start.title));
      return;
    }
    const next = byTitle.get(fact.target);
    if (index === relations.length - 1 || !next) {
      outputs.push(answerOutput(noteOf(fact), fact.target));
      return;
    }
    outputs.push(searchOutput(noteOf(fact), fact.target));
    facts = readDocumentFacts(next);
  }
}

export function planHopDemonstration(
  row: DatasetRow,
  byTitle: Map<string, CorpusDocument>,
  profile: MistakeProfile,
  random: SeededRandom,
): DemonstrationPlan {
  const hops = row.supportingFacts;
  if (hops.length === 0) throw new Error(`hop demonstration for ${row.id}: expected supporting facts (the gold chain), received none`);
  const goldFacts = hops.map((hop) => {
    const fact = readDocumentFacts(documentOf(byTitle, hop.title, row)).find((candidate) => candidate.sentence === hop.sentence);
    if (!fact) throw new Error(`hop demonstration for ${row.id}: sentence ${hop.sentence} of ${JSON.stringify(hop.title)} states no relation`);
    return fact;
  });
  const plan: DemonstrationPlan = { outputs: [searchOutput(null, hops[0].title)], mistakes: [] };
  for (let hop = 0; hop < hops.length; hop++) {
    const gold = goldFacts[hop];
    const isLast = hop === hops.length - 1;
    if (!isLast && random.chance(profile.prematureRate)) {
      plan.mistakes.push({ kind: 'premature_answer', step: plan.outputs.length, recovered: false });
      plan.outputs.push(answerOutput(noteOf(gold), gold.target));
      return plan;
    }
    const others = readDocumentFacts(documentOf(byTitle, hops[hop].title, row)).filter((fact) => fact.relation !== gold.relation);
    if (others.length > 0 && random.chance(profile.wrongStepRate(gold.relation))) {
      const wrong = others[0];
      const mistake = { kind: 'wrong_hop' as const, step: plan.outputs.length, recovered: false };
      plan.mistakes.push(mistake);
      const wrongDocument = byTitle.get(wrong.target);
      if (isLast || !wrongDocument) {
        plan.outputs.push(answerOutput(noteOf(wrong), wrong.target));
        return plan;
      }
      plan.outputs.push(searchOutput(noteOf(wrong), wrong.target));
      if (!random.chance(profile.recoveryRate)) {
        continueFromWrongEntity(byTitle, wrongDocument, goldFacts.slice(hop + 1).map((fact) => fact.relation), plan.outputs);
        return plan;
      }
      mistake.recovered = true;
    }
    plan.outputs.push(isLast ? answerOutput(noteOf(gold), gold.target) : searchOutput(noteOf(gold), gold.target));
  }
  return plan;
}

/** The situations a hop policy can get wrong: which relation it must follow (a city names only its region, so no choice there). */
export const HOP_SITUATIONS = ['birthplace', 'employer', 'founder', 'home city', 'creator', 'publisher'] as const;
