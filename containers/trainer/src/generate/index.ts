// Text generation with a key-value cache: sampling, single and batched decoding, chat replies.
export * from './sample-token';
export * from './generate-tokens';
export * from './generate-samples';
export * from './generate-reply';
