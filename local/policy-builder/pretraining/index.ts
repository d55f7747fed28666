// Pretraining a small policy from scratch on demonstrations.
export * from './encode-conversation';
export * from './conversation-objective';
export * from './tiny-policy-settings';
export * from './tiny-policy-build';
export * from './build-tiny-policy';
export * from './tiny-policy-readme';
export * from './evaluate-tiny-policy';
export * from './save-model-snapshot';
export * from './pack-drill-turns';
export * from './copy-drills';
export * from './opening-drills';
export * from './continuation-drills';
export * from './decision-drills';
export * from './loss-target';
