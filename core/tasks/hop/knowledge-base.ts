// A generated knowledge base of fictional people, cities, organisations and works, one encyclopedia document each.
import { createSeededRandom, type SeededRandom } from '../seeded-random';
import { drawUniqueWord, type TaskSplit } from '../syllable-names';

export type EntityKind = 'person' | 'city' | 'organisation' | 'work';
export type RelationName = 'birthplace' | 'employer' | 'founder' | 'home city' | 'creator' | 'publisher' | 'region';

export interface RelationDefinition {
  name: RelationName;
  from: EntityKind;
  /** Kind of the related entity; regions are plain names without a document of their own. */
  to: EntityKind | 'region';
}

export const RELATIONS: readonly RelationDefinition[] = [
  { name: 'birthplace', from: 'person', to: 'city' },
  { name: 'employer', from: 'person', to: 'organisation' },
  { name: 'founder', from: 'organisation', to: 'person' },
  { name: 'home city', from: 'organisation', to: 'city' },
  { name: 'creator', from: 'work', to: 'person' },
  { name: 'publisher', from: 'work', to: 'organisation' },
  { name: 'region', from: 'city', to: 'region' },
];

// No noun repeats a relation's word ("a city", "a publisher"): a keyword search would rank that line as the fact.
const KIND_NOUNS: Record<EntityKind, readonly string[]> = {
  person: ['a singer', 'a writer', 'a painter', 'an engineer'],
  city: ['a town', 'a port'],
  organisation: ['a record label', 'a publishing house', 'a studio'],
  work: ['an album', 'a novel', 'a film'],
};
const ORGANISATION_SUFFIXES = ['Records', 'Press', 'Studios'] as const;
const WORK_SUFFIXES = ['Songs', 'Tales', 'Story'] as const;
const REGION_SUFFIXES = ['Valley', 'Coast', 'Highlands'] as const;

export interface Entity {
  id: string;
  kind: EntityKind;
  name: string;
  /** e.g. "a singer": the first sentence of the document. */
  noun: string;
  /** Relation name → related entity id (or region name for `region`). */
  relations: Partial<Record<RelationName, string>>;
}

export interface KnowledgeBase {
  split: TaskSplit;
  seed: number;
  entities: Map<string, Entity>;
  byKind: Record<EntityKind, Entity[]>;
  regions: string[];
}

export function relationsFrom(kind: EntityKind): RelationDefinition[] {
  return RELATIONS.filter((relation) => relation.from === kind);
}

export function findRelation(name: RelationName): RelationDefinition {
  const relation = RELATIONS.find((candidate) => candidate.name === name);
  if (!relation) throw new Error(`unknown relation "${name}"`);
  return relation;
}

function drawName(random: SeededRandom, kind: EntityKind, split: TaskSplit, taken: Set<string>): string {
  const word = drawUniqueWord(random, split, taken);
  switch (kind) {
    case 'person':
      return `${word} ${drawUniqueWord(random, split, taken)}`;
    case 'city':
      return word;
    case 'organisation':
      return `${word} ${random.pick(ORGANISATION_SUFFIXES)}`;
    case 'work':
      return `${word} ${random.pick(WORK_SUFFIXES)}`;
  }
}

/**
 * Builds a knowledge base with `entitiesPerKind` entities of each kind. Relations point at random
 * entities of the right kind, except that an organisation's founder never works for it and a
 * work's creator never works for its publisher, so no chain folds back onto an entity it already visited.
 */
export function generateKnowledgeBase(split: TaskSplit, seed: number, entitiesPerKind: number): KnowledgeBase {
  if (!Number.isInteger(entitiesPerKind) || entitiesPerKind < 4) {
    throw new RangeError(`entitiesPerKind: expected an integer >= 4, received ${entitiesPerKind}`);
  }
  const random = createSeededRandom(`hop-kb:${split}:${seed}`);
  const taken = new Set<string>();
  const entities = new Map<string, Entity>();
  const byKind: Record<EntityKind, Entity[]> = { person: [], city: [], organisation: [], work: [] };
  // Every question ends at a region, so there are as many regions as cities: a wrong chain rarely lands on the right one.
  const regionCount = entitiesPerKind;
  const regions = Array.from({ length: regionCount }, () => `${drawUniqueWord(random, split, taken)} ${random.pick(REGION_SUFFIXES)}`);
  for (const kind of ['person', 'city', 'organisation', 'work'] as const) {
    for (let index = 0; index < entitiesPerKind; index++) {
      const entity: Entity = {
        id: `${kind}-${String(index).padStart(4, '0')}`,
        kind,
        name: drawName(random, kind, split, taken),
        noun: random.pick(KIND_NOUNS[kind]),
        relations: {},
      };
      entities.set(entity.id, entity);
      byKind[kind].push(entity);
    }
  }
  for (const city of byKind.city) city.relations.region = random.pick(regions);
  for (const person of byKind.person) {
    person.relations.birthplace = random.pick(byKind.city).id;
    person.relations.employer = random.pick(byKind.organisation).id;
  }
  for (const organisation of byKind.organisation) {
    const outsiders = byKind.person.filter((person) => person.relations.employer !== organisation.id);
    organisation.relations.founder = random.pick(outsiders.length > 0 ? outsiders : byKind.person).id;
    organisation.relations['home city'] = random.pick(byKind.city).id;
  }
  for (const work of byKind.work) {
    const creator = random.pick(byKind.person);
    work.relations.creator = creator.id;
    const publishers = byKind.organisation.filter(
      (organisation) => organisation.id !== creator.relations.employer && organisation.relations.founder !== creator.id,
    );
    work.relations.publisher = random.pick(publishers.length > 0 ? publishers : byKind.organisation).id;
  }
  return { split, seed, entities, byKind, regions };
}

/** The name a relation points at: an entity's name, or the region name itself. */
export function resolveRelationTarget(knowledgeBase: KnowledgeBase, entity: Entity, relation: RelationName): { name: string; entity: Entity | null } {
  const target = entity.relations[relation];
  if (target === undefined) throw new Error(`entity ${entity.id} (${entity.kind}) has no relation "${relation}"`);
  if (relation === 'region') return { name: target, entity: null };
  const related = knowledgeBase.entities.get(target);
  if (!related) throw new Error(`entity ${entity.id}: relation "${relation}" points at missing ${target}`);
  return { name: related.name, entity: related };
}
