// Renders an entity as a short encyclopedia document and reads the relations back out of such a document.
import type { CorpusDocument } from '../../schemas';
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

/** "Mirel Records was founded by Dora Velkin.": the sentence that states one fact, as documents write it. */
export function renderFactSentence(subjectName: string, relation: RelationName, targetName: string): string {
  return `${subjectName} ${findRelation(relation).phrase} ${targetName}.`;
}

/** "Mirel Records is a record label. Mirel Records was founded by Dora Velkin. Mirel Records is based in Tarvo." */
export function renderEntityDocument(knowledgeBase: KnowledgeBase, entity: Entity): CorpusDocument {
  // The name opens every sentence: its repetition makes the entity's own page the top search match for its name.
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

/** Splits a document into sentences the way renderEntityDocument joins them. */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=\.)\s+/).filter((sentence) => sentence.length > 0);
}

/** The facts a hop document states, read back from its sentences (works on any document in this format). */
export function readDocumentFacts(document: CorpusDocument): DocumentFact[] {
  const facts: DocumentFact[] = [];
  splitSentences(document.text).forEach((sentence, index) => {
    for (const relation of RELATIONS) {
      const prefix = `${document.title} ${relation.phrase} `;
      if (sentence.startsWith(prefix) && sentence.endsWith('.')) {
        facts.push({ relation: relation.name, target: sentence.slice(prefix.length, -1), sentence: index });
      }
    }
  });
  return facts;
}
