// Finds an endpoint's API key: from the environment variable the config names, or from AWS Secrets Manager; never from the config.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface ApiKeySource {
  apiKeyEnv?: string;
  apiKeySecretArn?: string;
}

export interface ApiKeyContext {
  environment?: NodeJS.ProcessEnv;
  /** Client to use; default: one built from SWIRL_SECRETS_ENDPOINT / AWS_REGION. */
  secretsClient?: SecretsManagerClient;
}

// Warm invocations reuse a fetched secret instead of calling Secrets Manager per shard.
const secretCache = new Map<string, Promise<string>>();

export function clearApiKeyCache(): void {
  secretCache.clear();
}

function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

/** A secret holds the key itself, or JSON with an apiKey / api_key / key field. */
export function extractApiKey(secret: string, arn: string): string {
  const text = secret.trim();
  if (text.startsWith('{')) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`secret ${arn}: expected an API key or JSON with an "apiKey" field, received unparseable JSON`);
    }
    const value = parsed.apiKey ?? parsed.api_key ?? parsed.key;
    if (typeof value !== 'string' || value === '') throw new Error(`secret ${arn}: expected JSON with a string "apiKey" field, received fields ${Object.keys(parsed).join(', ') || '(none)'}`);
    return value;
  }
  if (text === '') throw new Error(`secret ${arn}: expected an API key, received an empty secret`);
  return text;
}

async function fetchSecret(arn: string, context: ApiKeyContext): Promise<string> {
  const environment = context.environment ?? process.env;
  const client = context.secretsClient ?? new SecretsManagerClient({
    endpoint: environment.SWIRL_SECRETS_ENDPOINT || undefined,
    region: regionOfArn(arn) ?? environment.AWS_REGION ?? 'us-east-1',
  });
  const response = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  const secret = response.SecretString ?? (response.SecretBinary ? Buffer.from(response.SecretBinary).toString('utf8') : undefined);
  if (secret === undefined) throw new Error(`secret ${arn}: expected a string secret, received none`);
  return extractApiKey(secret, arn);
}

/** The key, or undefined when the config names no source (local servers without authentication). */
export async function resolveApiKey(source: ApiKeySource, context: ApiKeyContext = {}): Promise<string | undefined> {
  const environment = context.environment ?? process.env;
  if (source.apiKeyEnv !== undefined) {
    const value = environment[source.apiKeyEnv];
    if (value === undefined || value === '') {
      throw new Error(`API key: expected environment variable ${source.apiKeyEnv} (named by apiKeyEnv) to be set, received nothing`);
    }
    return value;
  }
  if (source.apiKeySecretArn !== undefined) {
    const arn = source.apiKeySecretArn;
    let pending = secretCache.get(arn);
    if (!pending) {
      pending = fetchSecret(arn, context);
      secretCache.set(arn, pending);
      pending.catch(() => secretCache.delete(arn));
    }
    return pending;
  }
  return undefined;
}
