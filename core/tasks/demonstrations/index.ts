// Demonstrations of the built-in tasks, with controlled mistakes, for pretraining a small policy.
export * from './demonstration-plan';
export * from './mistake-profile';
export * from './plan-hop-demonstration';
export * from './plan-arith-demonstration';
export * from './replay-demonstration';
export * from './generate-demonstrations';
