// LoRA adapters: PEFT naming, initialization, save/load and merging.
export * from './peft-format';
export * from './lora-adapter';
export * from './save-adapter';
export * from './merge-adapter';
