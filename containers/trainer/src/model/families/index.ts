// The supported families, each a file of its differences from the shared decoder block.
export * from './llama';
export * from './qwen2';
export * from './mistral';
export * from './gemma2';
