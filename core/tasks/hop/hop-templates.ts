// Question templates for hop: relation paths of 2–4 hops in a few phrasings, split between train and test.
import { hashString } from '../seeded-random';
import type { TaskSplit } from '../syllable-names';
import { RELATIONS, relationsFrom, type EntityKind, type RelationDefinition, type RelationName } from './knowledge-base';

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
 * A chain visits each kind of entity at most once (a work, then a person, an organisation, a city, a region), so
 * every page on it offers exactly one of the question's relations and one distractor: a page never has to be
 * told apart by how often its kind was visited before.
 */
function extendPaths(prefix: RelationDefinition[], paths: RelationDefinition[][]): void {
  if (prefix.length >= MIN_HOPS) paths.push(prefix);
  if (prefix.length === MAX_HOPS) return;
  const last = prefix[prefix.length - 1];
  if (last.to === 'region') return;
  const visited = new Set<string>([prefix[0].from, ...prefix.map((relation) => relation.to)]);
  for (const relation of relationsFrom(last.to)) {
    if (visited.has(relation.to)) continue;
    extendPaths([...prefix, relation], paths);
  }
}

function listAllTemplates(): HopTemplate[] {
  const paths: RelationDefinition[][] = [];
  for (const relation of RELATIONS) extendPaths([relation], paths);
  const templates: HopTemplate[] = [];
  for (const path of paths) {
    for (const frame of HOP_FRAMES) {
      const names = path.map((relation) => relation.name);
      templates.push({ id: `${frame}:${names.join('>')}`, frame, path: names, startKind: path[0].from });
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
