// Generates hop questions: each chains 2–4 relations through a generated knowledge base whose documents form the corpus.
import type { CorpusDocument, DatasetRow } from '../../schemas';
import { createSeededRandom } from '../seeded-random';
import type { TaskSplit } from '../syllable-names';
import { generateKnowledgeBase, resolveRelationTarget, type Entity, type KnowledgeBase } from './knowledge-base';
import { renderEntityDocument, renderFactSentence, sentenceOfRelation } from './hop-documents';
import { listHopTemplates, MAX_HOPS, MIN_HOPS, renderHopQuestion, type HopTemplate } from './hop-templates';

export interface HopChainLink {
  /** The entity whose document states the fact. */
  subject: Entity;
  relation: HopTemplate['path'][number];
  /** Name of the entity (or region) the fact points at. */
  targetName: string;
  sentence: number;
}

export interface HopTask {
  row: DatasetRow;
  template: HopTemplate;
  chain: HopChainLink[];
}

/** Entities per kind: enough that every question has distractors, growing with the number of questions. */
export function chooseEntitiesPerKind(count: number): number {
  return Math.max(12, Math.ceil(count / 3));
}

function walkChain(knowledgeBase: KnowledgeBase, start: Entity, template: HopTemplate): HopChainLink[] | null {
  const links: HopChainLink[] = [];
  const visited = new Set<string>([start.name]);
  let subject: Entity | null = start;
  for (const relation of template.path) {
    if (!subject) return null;
    const target = resolveRelationTarget(knowledgeBase, subject, relation);
    if (visited.has(target.name)) return null;
    visited.add(target.name);
    links.push({ subject, relation, targetName: target.name, sentence: sentenceOfRelation(subject, relation) });
    subject = target.entity;
  }
  return links;
}

function describeSolution(template: HopTemplate, chain: HopChainLink[]): string {
  const hops = chain.map((link) => `search ${link.subject.name}: ${link.relation} is ${link.targetName}`);
  return `template ${template.id}; ${hops.join('; ')}; answer ${chain[chain.length - 1].targetName}`;
}

export function generateHopTasks(split: TaskSplit, options: { count: number; seed: number }): { tasks: HopTask[]; corpus: CorpusDocument[] } {
  const knowledgeBase = generateKnowledgeBase(split, options.seed, chooseEntitiesPerKind(options.count));
  const random = createSeededRandom(`hop-questions:${split}:${options.seed}`);
  const templatesByHops = new Map<number, HopTemplate[]>();
  for (const template of listHopTemplates(split)) {
    const group = templatesByHops.get(template.path.length) ?? [];
    group.push(template);
    templatesByHops.set(template.path.length, group);
  }
  const tasks: HopTask[] = [];
  const seenQuestions = new Set<string>();
  for (let attempt = 0; tasks.length < options.count; attempt++) {
    if (attempt > options.count * 50 + 1000) {
      throw new Error(`generateHopTasks: could only build ${tasks.length} of ${options.count} distinct questions`);
    }
    const templates = templatesByHops.get(random.integer(MIN_HOPS, MAX_HOPS));
    if (!templates || templates.length === 0) continue;
    const template = random.pick(templates);
    const start = random.pick(knowledgeBase.byKind[template.startKind]);
    const chain = walkChain(knowledgeBase, start, template);
    const question = renderHopQuestion(template, start.name);
    if (!chain || seenQuestions.has(question)) continue;
    seenQuestions.add(question);
    const answer = chain[chain.length - 1].targetName;
    tasks.push({
      template,
      chain,
      row: {
        id: `hop-${split}-${options.seed}-${String(tasks.length).padStart(5, '0')}`,
        question,
        answer,
        aliases: [],
        task: 'qa',
        source: 'hop',
        goldCalculations: [],
        supportingFacts: chain.map((link) => ({
          title: link.subject.name,
          sentence: link.sentence,
          // The rule judge reads answers from it, so it can tell this fact from its page's other.
          text: renderFactSentence(link.subject.name, link.relation, link.targetName),
        })),
        goldSolution: describeSolution(template, chain),
        answerable: true,
      },
    });
  }
  const corpus = [...knowledgeBase.entities.values()].map((entity) => renderEntityDocument(knowledgeBase, entity));
  return { tasks, corpus };
}
