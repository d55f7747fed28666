// Provider creation from model configs and the provider factory registry.
import { createProvider, hasProviderFactory, registerProviderFactory } from '../../../core/providers/create-provider';
import { BedrockProvider } from '../../../core/providers/bedrock-provider';
import { OpenAiCompatibleProvider } from '../../../core/providers/openai-compatible-provider';
import { ScriptedProvider } from '../../../core/providers/scripted-provider';
import { ModelConfigSchema } from '../../../core/schemas';

describe('createProvider', () => {
  it('builds the built-in adapters from their configs', () => {
    expect(createProvider(ModelConfigSchema.parse({ provider: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:9/v1' }))).toBeInstanceOf(OpenAiCompatibleProvider);
    expect(createProvider(ModelConfigSchema.parse({ provider: 'bedrock', model: 'amazon.nova-lite-v1:0', region: 'us-east-1' }))).toBeInstanceOf(BedrockProvider);
    expect(createProvider(ModelConfigSchema.parse({ provider: 'scripted', responses: ['<answer>1</answer>'] }))).toBeInstanceOf(ScriptedProvider);
  });

  it('explains that the trainer provider must be registered, and that rule judges are no models', () => {
    expect(hasProviderFactory('trainer')).toBe(false);
    expect(() => createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: 'builtin:tiny-policy' })))
      .toThrow(/no provider factory registered for "trainer" \(the trainer registers it.*expected one of bedrock, openai-compatible, scripted/);
    expect(() => createProvider({ provider: 'rule', model: 'rule' })).toThrow(/rule-based judge, not a model/);
  });

  it('uses a factory registered from outside core', async () => {
    registerProviderFactory('trainer', (config) => ({
      id: `trainer:${config.model}`,
      generate: async () => ({ text: '<answer>7</answer>', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }),
    }));
    const provider = createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: 'builtin:tiny-policy' }));
    expect(provider.id).toBe('trainer:builtin:tiny-policy');
    expect((await provider.generate([{ role: 'user', content: 'x' }])).text).toBe('<answer>7</answer>');
  });
});
