// The built-in task families (hop, arith) and their demonstrations.
export * from './generate-task-dataset';
export * from './seeded-random';
export * from './syllable-names';
export * from './hop/knowledge-base';
export * from './hop/hop-templates';
export * from './hop/hop-documents';
export * from './hop/generate-hop-dataset';
export * from './arith/arith-templates';
export * from './arith/generate-arith-dataset';
