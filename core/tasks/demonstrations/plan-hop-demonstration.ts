// Scripts a hop demonstration: (optionally plan the relations,) search the named entity, follow one relation per document, answer — with occasional wrong hops and early answers.
import type { CorpusDocument, DatasetRow } from '../../schemas';
import type { SeededRandom } from '../seeded-random';
import { readDocumentFacts, type DocumentFact } from '../hop/hop-documents';
import { describeChain } from '../hop/hop-templates';
import { answerOutput, searchOutput, type DemonstrationPlan } from './demonstration-plan';
import type { MistakeProfile } from './mistake-profile';

/** Opens the plan line and the first planned note, so the note repeats the words it continues. */
const PLAN_LABEL = 'plan:';

/** Writes the note before an action from the relation followed before (null at the first hop) and the fact used now. */
type NoteWriter = (previous: string | null, fact: DocumentFact) => string;

/**
 * Plain notes name the fact used: "publisher: Mirel Records.". Planned notes open with the relation followed
 * before (or "plan:" at the first hop): "publisher, founder: Tamo Beril.", which makes the next relation a plain
 * continuation of the plan line ("plan: publisher, founder, …"): find the same words earlier, copy what followed.
 */
function createNoteWriter(planned: boolean): NoteWriter {
  if (!planned) return (_previous, fact) => `${fact.relation}: ${fact.target}.`;
  return (previous, fact) => `${previous === null ? PLAN_LABEL : `${previous},`} ${fact.relation}: ${fact.target}.`;
}

/** Writes the query that searches an entity, given the question's relations (innermost first) and the index of the one to follow on its page. */
type QueryWriter = (entity: string, relations: readonly DocumentFact['relation'][], next: number) => string;

/**
 * How a hop search is written:
 * - `name`: the entity alone ("Mirel Records"); the relation to follow must be read from the question.
 * - `subquestion`: what is left of the question about it ("the birthplace of the founder of Mirel Records").
 * - `keywords`: the entity, then every relation of the question in the order they are followed ("Mirel Records
 *   publisher founder birthplace"). A chain visits each kind of entity once, so each page holds exactly one of
 *   the listed relations; the search puts that fact first on the page. Every query repeats the same list after the
 *   new name, a plain copy, and the chain ends when the fact just read is the list's last relation.
 */
export const QUERY_STYLES = ['name', 'subquestion', 'keywords'] as const;
export type QueryStyle = (typeof QUERY_STYLES)[number];

function createQueryWriter(style: QueryStyle): QueryWriter {
  switch (style) {
    case 'name':
      return (entity) => entity;
    case 'subquestion':
      return (entity, relations, next) => describeChain(relations.slice(next), entity);
    case 'keywords':
      return (entity, relations) => [entity, ...relations].join(' ');
  }
}

/**
 * "plan: publisher, founder, employer." — the question's relations in the order they are followed (innermost
 * first, the reverse of how the question names them). Written once, before the first search, so that each later
 * hop only has to find the relation after the one just followed in this list, instead of reading the nested
 * question backwards again at every step.
 */
export function planNote(relations: readonly string[]): string {
  return `${PLAN_LABEL} ${relations.join(', ')}.`;
}

function documentOf(byTitle: Map<string, CorpusDocument>, title: string, row: DatasetRow): CorpusDocument {
  const document = byTitle.get(title);
  if (!document) throw new Error(`hop demonstration for ${row.id}: corpus has no document titled ${JSON.stringify(title)}`);
  return document;
}

/** Continues the question's relations from `next` on, from a wrong entity, as a policy that never noticed would. */
function continueFromWrongEntity(byTitle: Map<string, CorpusDocument>, start: CorpusDocument, previous: string, relations: DocumentFact['relation'][], next: number, outputs: string[], noteOf: NoteWriter, queryOf: QueryWriter): void {
  let facts = readDocumentFacts(start);
  let last = previous;
  for (let index = next; index < relations.length; index++) {
    const fact = facts.find((candidate) => candidate.relation === relations[index]);
    if (!fact) {
      // The wrong entity has no such relation: the policy grabs whatever its page offers.
      outputs.push(answerOutput(facts.length > 0 ? noteOf(last, facts[0]) : null, facts[0]?.target ?? start.title));
      return;
    }
    const next = byTitle.get(fact.target);
    if (index === relations.length - 1 || !next) {
      outputs.push(answerOutput(noteOf(last, fact), fact.target));
      return;
    }
    outputs.push(searchOutput(noteOf(last, fact), queryOf(fact.target, relations, index + 1)));
    last = fact.relation;
    facts = readDocumentFacts(next);
  }
}

export interface HopDemonstrationOptions {
  /** Open with a plan line (see planNote) and chain each note to it. Default false. */
  planNotes?: boolean;
  /** How each search is written (see QUERY_STYLES). Default `name`: the entity's name alone. */
  queryStyle?: QueryStyle;
}

/**
 * The reply that follows the question's relation `hop` correctly without a plan line: note the fact, then search
 * the next entity, or answer when it was the last relation — as planHopDemonstration writes a gold hop.
 */
export function writeHopContinuation(fact: Pick<DocumentFact, 'relation' | 'target'>, relations: readonly DocumentFact['relation'][], hop: number, options: HopDemonstrationOptions = {}): string {
  if (options.planNotes) throw new Error('writeHopContinuation: planned notes depend on the relation followed before; expected plain notes');
  const note = createNoteWriter(false)(null, { ...fact, sentence: 0 });
  return hop === relations.length - 1 ? answerOutput(note, fact.target) : searchOutput(note, createQueryWriter(options.queryStyle ?? 'name')(fact.target, relations, hop + 1));
}

/** The search for `entity` when the question's relation `next` is the one to follow on its page. */
export function writeHopQuery(entity: string, relations: readonly DocumentFact['relation'][], next: number, options: HopDemonstrationOptions = {}): string {
  return createQueryWriter(options.queryStyle ?? 'name')(entity, relations, next);
}

/** The first output of a hop demonstration: (the plan line and) the search for the entity the question names. */
export function writeHopOpening(relations: readonly DocumentFact['relation'][], startName: string, options: HopDemonstrationOptions = {}): string {
  const opening = options.planNotes ? planNote(relations) : null;
  return searchOutput(opening, writeHopQuery(startName, relations, 0, options));
}

export function planHopDemonstration(
  row: DatasetRow,
  byTitle: Map<string, CorpusDocument>,
  profile: MistakeProfile,
  random: SeededRandom,
  options: HopDemonstrationOptions = {},
): DemonstrationPlan {
  const noteOf = createNoteWriter(options.planNotes ?? false);
  const queryOf = createQueryWriter(options.queryStyle ?? 'name');
  const hops = row.supportingFacts;
  if (hops.length === 0) throw new Error(`hop demonstration for ${row.id}: expected supporting facts (the gold chain), received none`);
  const goldFacts = hops.map((hop) => {
    const fact = readDocumentFacts(documentOf(byTitle, hop.title, row)).find((candidate) => candidate.sentence === hop.sentence);
    if (!fact) throw new Error(`hop demonstration for ${row.id}: sentence ${hop.sentence} of ${JSON.stringify(hop.title)} states no relation`);
    return fact;
  });
  const relations = goldFacts.map((fact) => fact.relation);
  const plan: DemonstrationPlan = { outputs: [writeHopOpening(relations, hops[0].title, options)], mistakes: [] };
  // The relation the last note followed; null before the first hop.
  let previous: string | null = null;
  for (let hop = 0; hop < hops.length; hop++) {
    const gold = goldFacts[hop];
    const isLast = hop === hops.length - 1;
    if (!isLast && random.chance(profile.prematureRate)) {
      plan.mistakes.push({ kind: 'premature_answer', step: plan.outputs.length, recovered: false });
      plan.outputs.push(answerOutput(noteOf(previous, gold), gold.target));
      return plan;
    }
    const others = readDocumentFacts(documentOf(byTitle, hops[hop].title, row)).filter((fact) => fact.relation !== gold.relation);
    if (others.length > 0 && random.chance(profile.wrongStepRate(gold.relation))) {
      const wrong = others[0];
      const mistake = { kind: 'wrong_hop' as const, step: plan.outputs.length, recovered: false };
      plan.mistakes.push(mistake);
      const wrongDocument = byTitle.get(wrong.target);
      if (isLast || !wrongDocument) {
        plan.outputs.push(answerOutput(noteOf(previous, wrong), wrong.target));
        return plan;
      }
      // A wrong hop is taken for the right one: the query asks the rest of the question about the wrong entity.
      plan.outputs.push(searchOutput(noteOf(previous, wrong), queryOf(wrong.target, relations, hop + 1)));
      if (!random.chance(profile.recoveryRate)) {
        continueFromWrongEntity(byTitle, wrongDocument, wrong.relation, relations, hop + 1, plan.outputs, noteOf, queryOf);
        return plan;
      }
      mistake.recovered = true;
    }
    plan.outputs.push(isLast ? answerOutput(noteOf(previous, gold), gold.target) : searchOutput(noteOf(previous, gold), queryOf(gold.target, relations, hop + 1)));
    previous = gold.relation;
  }
  return plan;
}

/** The situations a hop policy can get wrong: which relation it must follow (a city names only its region, so no choice there). */
export const HOP_SITUATIONS = ['birthplace', 'employer', 'founder', 'home city', 'creator', 'publisher'] as const;
