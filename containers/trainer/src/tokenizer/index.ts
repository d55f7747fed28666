// Tokenizer loading, chat templates and the byte-level tokenizer of our own models.
export * from './byte-level-tokenizer';
export * from './chat-template';
export * from './load-tokenizer';
export * from './jinja-chat-template';
