// API key resolution from an environment variable or a Secrets Manager secret, never echoing the key.
import { clearApiKeyCache, extractApiKey, resolveApiKey } from '../../../core/providers/resolve-api-key';
import { OpenAiCompatibleProvider } from '../../../core/providers/openai-compatible-provider';
import { OpenAiCompatibleModelSchema } from '../../../core/schemas';
import { LocalHttpServer, sendJson } from './local-http-server';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:swirl/endpoint-key-AbCdEf';

describe('API keys', () => {
  const secrets = new LocalHttpServer(() => undefined);
  const chat = new LocalHttpServer(() => undefined);
  let secretsUrl: string;
  let chatUrl: string;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'local-test';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-test';
    secretsUrl = await secrets.start();
    chatUrl = await chat.start();
  });
  afterAll(async () => {
    await secrets.stop();
    await chat.stop();
  });
  beforeEach(() => clearApiKeyCache());

  it('reads the key from the named environment variable', async () => {
    expect(await resolveApiKey({ apiKeyEnv: 'MY_KEY' }, { environment: { MY_KEY: 'k-1' } })).toBe('k-1');
    expect(await resolveApiKey({}, { environment: {} })).toBeUndefined();
    await expect(resolveApiKey({ apiKeyEnv: 'MY_KEY' }, { environment: {} })).rejects.toThrow('expected environment variable MY_KEY (named by apiKeyEnv) to be set, received nothing');
  });

  it('fetches the key from Secrets Manager once, through the SDK, and sends it as the bearer token', async () => {
    secrets.setHandler((request, response) => {
      expect(request.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      sendJson(response, 200, { ARN, Name: 'swirl/endpoint-key', SecretString: JSON.stringify({ apiKey: 'sk-from-secret' }), VersionId: 'v1' });
    });
    chat.setHandler((_request, response) => sendJson(response, 200, {
      id: 'x', object: 'chat.completion', created: 1, model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: '<answer>1</answer>' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }));
    const config = OpenAiCompatibleModelSchema.parse({ provider: 'openai-compatible', model: 'm', baseUrl: `${chatUrl}/v1`, apiKeySecretArn: ARN });
    const provider = new OpenAiCompatibleProvider(config, { environment: { SWIRL_SECRETS_ENDPOINT: secretsUrl } });
    await provider.generate([{ role: 'user', content: 'hi' }]);
    await provider.generate([{ role: 'user', content: 'hi' }]);
    expect(secrets.requests).toHaveLength(1);
    expect(secrets.requests[0].body).toEqual({ SecretId: ARN });
    expect(chat.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-from-secret', 'Bearer sk-from-secret']);
    expect(JSON.stringify(config)).not.toContain('sk-from-secret');
  });

  it('accepts plain secrets and names what a malformed secret lacks, without echoing it', () => {
    expect(extractApiKey(' sk-plain \n', ARN)).toBe('sk-plain');
    expect(extractApiKey('{"api_key":"k2"}', ARN)).toBe('k2');
    expect(() => extractApiKey('{"token":"sk-hidden"}', ARN)).toThrow(/expected JSON with a string "apiKey" field, received fields token$/);
    expect(() => extractApiKey('{"token":"sk-hidden"}', ARN)).not.toThrow(/sk-hidden/);
    expect(() => extractApiKey('   ', ARN)).toThrow(/empty secret/);
  });
});
