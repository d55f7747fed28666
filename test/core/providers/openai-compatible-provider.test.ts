// The OpenAI-compatible provider against a local chat-completions server.
import { OpenAiCompatibleModelSchema } from '../../../core/schemas';
import { OpenAiCompatibleProvider } from '../../../core/providers/openai-compatible-provider';
import { ProviderError } from '../../../core/providers/model-provider';
import { LocalHttpServer, sendJson } from './local-http-server';

/** A chat-completions response as vLLM returns it. */
function completion(text: string, finish = 'stop', usage = { prompt_tokens: 42, completion_tokens: 7 }) {
  return {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1700000000, model: 'qwen',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish, logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

const messages = [{ role: 'system' as const, content: 'Use tools.' }, { role: 'user' as const, content: 'Question: 2+2?' }];

describe('OpenAI-compatible provider against a local chat-completions server', () => {
  const server = new LocalHttpServer(() => undefined);
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = `${await server.start()}/v1`;
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    server.maxInFlight = 0;
  });

  const create = (overrides: Record<string, unknown> = {}, environment: NodeJS.ProcessEnv = {}) => new OpenAiCompatibleProvider(
    OpenAiCompatibleModelSchema.parse({ provider: 'openai-compatible', model: 'qwen', baseUrl, pricing: { inputPer1k: 0.5, outputPer1k: 1.5 }, ...overrides }),
    { environment },
    { baseDelayMs: 5, maxDelayMs: 50 },
  );

  it('sends the conversation and sampling options, and reads text, finish reason, usage and cost', async () => {
    server.setHandler((_request, response) => sendJson(response, 200, completion('<math_exp>2+2</math_exp>')));
    const provider = create({ apiKeyEnv: 'TEST_ENDPOINT_KEY', temperature: 0.7, maxTokens: 64 }, { TEST_ENDPOINT_KEY: 'sk-local-123' });
    const result = await provider.generate(messages, { seed: 11, stop: ['</answer>'], topP: 0.9 });
    expect(result).toEqual({ text: '<math_exp>2+2</math_exp>', finishReason: 'stop', usage: { inputTokens: 42, outputTokens: 7 }, costUsd: (42 * 0.5 + 7 * 1.5) / 1000 });
    const request = server.requests[0];
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-local-123');
    expect(request.body).toMatchObject({ model: 'qwen', messages, temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: 11, stop: ['</answer>'] });
    expect(provider.id).toBe('openai-compatible:qwen');
    expect(provider.totals).toMatchObject({ calls: 1, retries: 0, usage: { inputTokens: 42, outputTokens: 7 } });
  });

  it('maps a length finish and a content filter', async () => {
    server.setHandler((_request, response, index) => sendJson(response, 200, completion('<answer>Tul', index === 0 ? 'length' : 'content_filter')));
    const provider = create();
    expect((await provider.generate(messages)).finishReason).toBe('length');
    expect((await provider.generate(messages)).finishReason).toBe('error');
  });

  it('retries a 429 after its Retry-After and then succeeds', async () => {
    server.setHandler((_request, response, index) => {
      if (index === 0) sendJson(response, 429, { error: { message: 'rate limited', type: 'rate_limit' } }, { 'retry-after': '0.05' });
      else sendJson(response, 200, completion('<answer>4</answer>'));
    });
    const provider = create();
    const started = Date.now();
    const result = await provider.generate(messages);
    expect(result.text).toBe('<answer>4</answer>');
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(provider.totals.retries).toBe(1);
  });

  it('retries server errors but not client errors', async () => {
    server.setHandler((_request, response, index) => sendJson(response, index < 2 ? 503 : 200, index < 2 ? { error: { message: 'overloaded' } } : completion('<answer>4</answer>')));
    expect((await create().generate(messages)).text).toBe('<answer>4</answer>');
    expect(server.requests).toHaveLength(3);

    server.requests.length = 0;
    server.setHandler((_request, response) => sendJson(response, 400, { error: { message: 'bad model name' } }));
    const failure = await create().generate(messages).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).message).toMatch(/HTTP 400: .*bad model name/);
    expect((failure as ProviderError).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries with a retryable ProviderError', async () => {
    server.setHandler((_request, response) => sendJson(response, 500, { error: { message: 'down' } }));
    const failure = await create({ maxRetries: 2 }).generate(messages).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'ProviderError', retryable: true, status: 500 });
    expect(server.requests).toHaveLength(3);
  });

  it('times out a call that never answers, and retries it', async () => {
    server.setHandler((_request, response, index) => {
      if (index > 0) sendJson(response, 200, completion('<answer>4</answer>'));
      // The first request is left hanging.
    });
    const provider = create({ timeoutMs: 150, maxRetries: 1 });
    const started = Date.now();
    expect((await provider.generate(messages)).text).toBe('<answer>4</answer>');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    server.requests.length = 0;
    server.setHandler(() => undefined);
    const failure = await create({ timeoutMs: 100, maxRetries: 0 }).generate(messages).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as Error).message).toMatch(/timed out after 100 ms/);
  });

  it('keeps at most maxConcurrency calls in flight', async () => {
    server.setHandler((_request, response) => {
      setTimeout(() => sendJson(response, 200, completion('<answer>4</answer>')), 30);
    });
    const provider = create({ maxConcurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => provider.generate(messages)));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBe(3);
  });

  it('fails clearly when the named key variable is unset, without calling the endpoint', async () => {
    const failure = await create({ apiKeyEnv: 'MISSING_KEY_VARIABLE' }).generate(messages).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/expected environment variable MISSING_KEY_VARIABLE/);
    expect(server.requests).toHaveLength(0);
  });
});
