// Training objectives (sft, swirl), their losses and rewards.
export * from './encode-record';
export * from './policy-gradient-loss';
export * from './step-reward';
export * from './judge-reward';
export * from './sft-objective';
export * from './swirl-objective';
export * from './screen-states';
