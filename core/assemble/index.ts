export * from './train-manifest';
export * from './training-set-builder';
export * from './assemble-run';
