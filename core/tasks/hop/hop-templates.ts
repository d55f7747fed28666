// Question templates for hop: relation chains of 2–4 hops that run to a region, in a few phrasings, split between train and test.
import { hashString } from '../seeded-random';
import type { TaskSplit } from '../syllable-names';
import { findRelation, RELATIONS, type EntityKind, type RelationName } from './knowledge-base';

export const MIN_HOPS = 2;
export const MAX_HOPS = 4;
export const HOP_FRAMES = ['what', 'name', 'which'] as const;
export type HopFrame = (typeof HOP_FRAMES)[number];

export interface HopTemplate {
  /** Stable id, e.g. "what:publisher>founder>birthplace". */
  id: string;
  frame: HopFrame;
  /** Relations in the order they are followed from the entity named in the question. */
  path: RelationName[];
  startKind: EntityKind;
}

const ANSWER_WORDS: Record<EntityKind | 'region', string> = {
  person: 'person',
  city: 'city',
  organisation: 'organisation',
  work: 'work',
  region: 'region',
};

/**
 * The relation a chain follows after each one. Questions ask along two lines of facts — a work's creator, their
 * employer, its home city, that city's region; a work's publisher, its founder, their birthplace, its region —
 * entered at any point. So the one relation a question leaves open is its first, which sits next to the name the
 * question starts from; every page still states a second fact, one line away, for a wrong hop to take. Each chain
 * visits each kind of entity once, so each page on it holds exactly one of the question's relations.
 */
export const NEXT_RELATION: Readonly<Record<Exclude<RelationName, 'region'>, RelationName>> = {
  creator: 'employer',
  employer: 'home city',
  'home city': 'region',
  publisher: 'founder',
  founder: 'birthplace',
  birthplace: 'region',
};

/** The chain from `first` to a region: [first, NEXT_RELATION[first], …, 'region']. */
export function chainFrom(first: RelationName): RelationName[] {
  const path: RelationName[] = [first];
  for (let last = first; last !== 'region'; last = path[path.length - 1]) path.push(NEXT_RELATION[last]);
  return path;
}

function listAllTemplates(): HopTemplate[] {
  const templates: HopTemplate[] = [];
  for (const relation of RELATIONS) {
    const path = chainFrom(relation.name);
    if (path.length < MIN_HOPS || path.length > MAX_HOPS) continue;
    for (const frame of HOP_FRAMES) {
      templates.push({ id: `${frame}:${path.join('>')}`, frame, path, startKind: findRelation(relation.name).from });
    }
  }
  return templates;
}

/** Which split owns a template: a fixed quarter of them is held out for test. */
export function splitOfTemplate(templateId: string): TaskSplit {
  return hashString(`hop-template:${templateId}`) % 4 === 0 ? 'test' : 'train';
}

const ALL_TEMPLATES = listAllTemplates();

export function listHopTemplates(split: TaskSplit): HopTemplate[] {
  return ALL_TEMPLATES.filter((template) => splitOfTemplate(template.id) === split);
}

/** "the birthplace of the founder of the publisher of Kolan Songs" (outermost relation first) from a path followed innermost first. */
export function describeChain(path: readonly RelationName[], startName: string): string {
  return [...path].reverse().map((relation) => `the ${relation} of `).join('') + startName;
}

export function renderHopQuestion(template: HopTemplate, startName: string): string {
  const phrase = describeChain(template.path, startName);
  const lastRelation = RELATIONS.find((relation) => relation.name === template.path[template.path.length - 1]);
  if (!lastRelation) throw new Error(`template ${template.id}: unknown relation`);
  switch (template.frame) {
    case 'what':
      return `What is ${phrase}?`;
    case 'name':
      return `Name ${phrase}.`;
    case 'which':
      return `Which ${ANSWER_WORDS[lastRelation.to]} is ${phrase}?`;
  }
}
