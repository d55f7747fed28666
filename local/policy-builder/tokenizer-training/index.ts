// Byte-level BPE tokenizer training that writes Hugging Face tokenizer.json.
export * from './pre-tokenize';
export * from './train-byte-pair-encoding';
export * from './write-tokenizer-json';
