// The decoder families: config, weights, loading and saving, built-in model locations.
export * from './model-config';
export * from './rope-settings';
export * from './family-config';
export * from './weight-names';
export * from './llama-model';
export * from './expected-weight-shapes';
export * from './bfloat16-weight';
export * from './key-value-cache';
export * from './initialize-model';
export * from './model-source';
export * from './load-model';
export * from './save-model';
export * from './builtin-models';
