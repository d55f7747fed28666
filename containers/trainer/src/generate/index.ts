// Text generation with a key-value cache: sampling, one sequence alone or many with continuous batching, chat replies.
export * from './sample-token';
export * from './decode-sequence';
export * from './generate-tokens';
export * from './prefix-pool';
export * from './batched-generator';
export * from './generate-reply';
