// Safetensors reading and writing.
export * from './safetensors-types';
export * from './bfloat16';
export * from './read-safetensors';
export * from './write-safetensors';
export * from './stream-safetensors';
export * from './load-weights';
