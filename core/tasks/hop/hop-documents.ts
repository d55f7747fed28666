// Renders an entity as a short encyclopedia document and reads the relations back out of such a document.
import type { CorpusDocument } from '../../schemas';
import { splitIntoSentences } from '../../tools/rank-sentences';
import { findRelation, RELATIONS, relationsFrom, resolveRelationTarget, type Entity, type KnowledgeBase, type RelationName } from './knowledge-base';

export interface DocumentFact {
  relation: RelationName;
  target: string;
  /** Sentence index inside the document (0 is the "X is a …" sentence). */
  sentence: number;
}

/** Sentence index stating a relation in a document of the given entity. */
export function sentenceOfRelation(entity: Entity, relation: RelationName): number {
  const index = relationsFrom(entity.kind).findIndex((candidate) => candidate.name === relation);
  if (index < 0) throw new Error(`a ${entity.kind} has no relation "${relation}"`);
  return index + 1;
}

/** Opens the sentence that states `relation` of `subjectName`, up to the related entity's name. */
function openFactSentence(subjectName: string, relation: RelationName): string {
  return `${subjectName} ${findRelation(relation).name}: `;
}

/**
 * "Mirel Records founder: Dora Velkin.": the sentence that states one fact, as an infobox line. It names the
 * relation with the word questions use, right after the subject, so a keyword search "Mirel Records founder home
 * city" shares its longest phrase with this line and ranks it first on the page (see rankSentences).
 */
export function renderFactSentence(subjectName: string, relation: RelationName, targetName: string): string {
  return `${openFactSentence(subjectName, relation)}${targetName}.`;
}

/** "Mirel Records is a record label. Mirel Records founder: Dora Velkin. Mirel Records home city: Tarvo." */
export function renderEntityDocument(knowledgeBase: KnowledgeBase, entity: Entity): CorpusDocument {
  // The name is in every sentence: its repetition makes the entity's own page the top search match for its name.
  const sentences = [`${entity.name} is ${entity.noun}.`];
  for (const relation of relationsFrom(entity.kind)) {
    const target = resolveRelationTarget(knowledgeBase, entity, relation.name);
    sentences.push(renderFactSentence(entity.name, relation.name, target.name));
  }
  return {
    id: `hop-${knowledgeBase.split}-${knowledgeBase.seed}-${entity.id}`,
    title: entity.name,
    text: sentences.join(' '),
  };
}

/** The facts a hop document states, read back from its sentences (works on any document in this format). */
export function readDocumentFacts(document: CorpusDocument): DocumentFact[] {
  const facts: DocumentFact[] = [];
  splitIntoSentences(document.text).forEach((sentence, index) => {
    for (const relation of RELATIONS) {
      const prefix = openFactSentence(document.title, relation.name);
      if (sentence.startsWith(prefix) && sentence.endsWith('.')) {
        facts.push({ relation: relation.name, target: sentence.slice(prefix.length, -1), sentence: index });
      }
    }
  });
  return facts;
}
