export * from './tool';
export * from './tool-registry';
export * from './calculator';
export * from './tokenize-text';
export * from './bm25-index';
export * from './search-index-cache';
export * from './search-tool';
export * from './create-tool-registry';
