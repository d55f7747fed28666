// The Bedrock Converse provider through the real SDK against a local HTTP endpoint.
import { BedrockModelSchema } from '../../../core/schemas';
import { BedrockProvider, toConverseMessages } from '../../../core/providers/bedrock-provider';
import { ProviderError } from '../../../core/providers/model-provider';
import { LocalHttpServer, sendJson } from './local-http-server';

/** A Converse response as the Bedrock runtime returns it. */
function converseResponse(text: string, stopReason = 'end_turn') {
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason,
    usage: { inputTokens: 120, outputTokens: 9, totalTokens: 129 },
    metrics: { latencyMs: 310 },
  };
}

const messages = [
  { role: 'system' as const, content: 'Use tools.' },
  { role: 'user' as const, content: 'Question: 6*7?' },
  { role: 'assistant' as const, content: '<math_exp>6*7</math_exp>' },
  { role: 'user' as const, content: '6*7 -> 42' },
];

describe('Bedrock Converse provider through the SDK against a local endpoint', () => {
  const server = new LocalHttpServer(() => undefined);
  let endpoint: string;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'local-test';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-test';
    endpoint = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const create = (overrides: Record<string, unknown> = {}) => new BedrockProvider(
    BedrockModelSchema.parse({ provider: 'bedrock', model: 'us.meta.llama3-1-8b-instruct-v1:0', region: 'us-west-2', endpoint, pricing: { inputPer1k: 0.00022, outputPer1k: 0.00022 }, ...overrides }),
    undefined,
    { baseDelayMs: 5, maxDelayMs: 50 },
  );

  it('sends system text apart, alternating turns and inference settings; reads text, stop reason and usage', async () => {
    server.setHandler((_request, response) => sendJson(response, 200, converseResponse('<answer>42</answer>')));
    const provider = create({ temperature: 0.3, maxTokens: 200 });
    const result = await provider.generate(messages, { stop: ['</answer>'] });
    expect(result.text).toBe('<answer>42</answer>');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 120, outputTokens: 9 });
    expect(result.costUsd).toBeCloseTo((120 + 9) * 0.00022 / 1000, 12);
    const request = server.requests[0];
    expect(request.method).toBe('POST');
    expect(decodeURIComponent(request.url)).toBe('/model/us.meta.llama3-1-8b-instruct-v1:0/converse');
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=local-test\/\d+\/us-west-2\/bedrock\/aws4_request/);
    expect(request.body).toEqual({
      system: [{ text: 'Use tools.' }],
      messages: [
        { role: 'user', content: [{ text: 'Question: 6*7?' }] },
        { role: 'assistant', content: [{ text: '<math_exp>6*7</math_exp>' }] },
        { role: 'user', content: [{ text: '6*7 -> 42' }] },
      ],
      inferenceConfig: { maxTokens: 200, temperature: 0.3, topP: 1, stopSequences: ['</answer>'] },
    });
  });

  it('maps max_tokens to a length finish and guardrails to an error finish', async () => {
    server.setHandler((_request, response, index) => sendJson(response, 200, converseResponse('<answer>4', index === 0 ? 'max_tokens' : 'guardrail_intervened')));
    const provider = create();
    expect((await provider.generate(messages)).finishReason).toBe('length');
    expect((await provider.generate(messages)).finishReason).toBe('error');
  });

  it('retries ThrottlingException and ModelNotReadyException, then succeeds', async () => {
    server.setHandler((_request, response, index) => {
      if (index === 0) sendJson(response, 429, { message: 'Too many requests' }, { 'x-amzn-errortype': 'ThrottlingException' });
      else if (index === 1) sendJson(response, 429, { message: 'Model is warming up' }, { 'x-amzn-errortype': 'ModelNotReadyException' });
      else sendJson(response, 200, converseResponse('<answer>42</answer>'));
    });
    const provider = create();
    expect((await provider.generate(messages)).text).toBe('<answer>42</answer>');
    expect(server.requests).toHaveLength(3);
    expect(provider.totals.retries).toBe(2);
  });

  it('does not retry a validation error', async () => {
    server.setHandler((_request, response) => sendJson(response, 400, { message: 'The model id is invalid' }, { 'x-amzn-errortype': 'ValidationException' }));
    const failure = await create().generate(messages).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).message).toMatch(/ValidationException: The model id is invalid/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging call', async () => {
    server.setHandler(() => undefined);
    const failure = await create({ timeoutMs: 100, maxRetries: 0 }).generate(messages).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/timed out after 100 ms/);
  });

  it('merges consecutive turns of one role and starts with the user', () => {
    const converted = toConverseMessages([
      { role: 'assistant', content: 'a' }, { role: 'user', content: 'b' }, { role: 'user', content: 'c' },
    ]);
    expect(converted.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(converted.messages[2].content).toEqual([{ text: 'b' }, { text: 'c' }]);
  });
});
