// Continuation drills: a hop tool turn over a random relation chain, answered by the reply that follows it correctly.
import { formatToolTurn } from '../../../core/agent/build-prompt';
import { writeHopContinuation, writeHopQuery, type HopDemonstrationOptions } from '../../../core/tasks/demonstrations/plan-hop-demonstration';
import { renderFactSentence } from '../../../core/tasks/hop/hop-documents';
import { RELATIONS, type RelationName } from '../../../core/tasks/hop/knowledge-base';
import { rankSentences } from '../../../core/tools/rank-sentences';
import { tokenizeText } from '../../../core/tools/tokenize-text';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import { drawChain, drawStartName } from './opening-drills';
import { packDrillTurns, type DrillOptions } from './pack-drill-turns';

/**
 * Past the first hop, a reply must carry the chain on: note the fact the page opens with, then search the new name
 * as the last query searched the old one, or answer when that fact was the chain's last relation. In episodes the
 * chains are the knowledge base's few paths, and a small model learns their usual order ("founder" then
 * "birthplace") instead of copying the list it was given. Drills pack many such tool turns over random chains and random names, with a
 * page that states the fact, an "is a" line and another relation, sentences ordered as the search orders them.
 * Relations in `avoid` (the demonstrations' blind spots) are never the one followed, so drills teach nothing the
 * demonstrations deliberately get wrong.
 */
export function createContinuationDrills(tokenizer: TextTokenizer, options: DrillOptions, format: HopDemonstrationOptions = {}, avoid: readonly RelationName[] = []): EncodedSequence[] {
  return packDrillTurns(tokenizer, 'continuation-drills', options, (random) => {
    let chain = drawChain(random);
    let hop = random.integer(0, chain.length - 1);
    while (avoid.includes(chain[hop])) {
      chain = drawChain(random);
      hop = random.integer(0, chain.length - 1);
    }
    const entity = drawStartName(random);
    const target = drawStartName(random);
    // As on a chain's pages, the page's other relation is not one the query lists.
    const other = random.pick(RELATIONS.filter((relation) => !chain.includes(relation.name))).name;
    const query = writeHopQuery(entity, chain, hop, format);
    const page = [renderFactSentence(entity, chain[hop], target), `${entity} is ${random.pick(['a singer', 'a town', 'a record label', 'an album'])}.`, renderFactSentence(entity, other, drawStartName(random))];
    const weights = new Map(tokenizeText(query).map((term) => [term, 1]));
    const result = `${entity}: ${rankSentences(random.shuffle(page).join(' '), query, weights)}`;
    return { question: formatToolTurn(query, result), reply: writeHopContinuation({ relation: chain[hop], target }, chain, hop, format) };
  });
}
