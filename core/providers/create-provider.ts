// Builds the provider a model config names; adapters outside core (the trainer's model) plug in through the registry.
import { JudgeConfig, ModelConfig } from '../schemas/model-config';
import { BedrockProvider } from './bedrock-provider';
import { ModelProvider } from './model-provider';
import { OpenAiCompatibleProvider } from './openai-compatible-provider';
import { ScriptedProvider } from './scripted-provider';

export type ProviderName = ModelConfig['provider'];
export type ProviderFactory<P extends ProviderName = ProviderName> = (config: Extract<ModelConfig, { provider: P }>) => ModelProvider;

const factories = new Map<string, ProviderFactory>();

export function registerProviderFactory<P extends ProviderName>(provider: P, factory: ProviderFactory<P>): void {
  factories.set(provider, factory as unknown as ProviderFactory);
}

export function hasProviderFactory(provider: string): boolean {
  return factories.has(provider);
}

export function createProvider(config: ModelConfig | JudgeConfig): ModelProvider {
  if (config.provider === 'rule') {
    throw new Error('provider "rule" is a rule-based judge, not a model: expected a model provider (openai-compatible, bedrock, scripted, trainer)');
  }
  const factory = factories.get(config.provider);
  if (!factory) {
    const known = [...factories.keys()].sort().join(', ');
    const hint = config.provider === 'trainer' ? ' (the trainer registers it: import the trainer provider module before creating it)' : '';
    throw new Error(`no provider factory registered for "${config.provider}"${hint}: expected one of ${known}`);
  }
  return factory(config);
}

registerProviderFactory('openai-compatible', (config) => new OpenAiCompatibleProvider(config));
registerProviderFactory('bedrock', (config) => new BedrockProvider(config));
registerProviderFactory('scripted', (config) => new ScriptedProvider(config));
