// The HTTP transport of the OpenAI-compatible provider: node:http(s) over keep-alive agents, with a cap on the reply's size.
import http from 'node:http';
import https from 'node:https';

/** Largest reply body read; a bigger one is a failed call (a chat completion of a few thousand tokens is kilobytes). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** A reply past MAX_RESPONSE_BYTES: not retried, since the same request would get the same reply. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`reply larger than ${limitBytes} bytes: expected a chat completion, received more`);
    this.name = 'ResponseTooLargeError';
  }
}

// Connections are reused across calls and episodes: WHATWG fetch costs about a third more CPU per call than
// node:http on a keep-alive agent, which at high concurrency is most of what a rollout spends besides waiting.
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

function readHeaders(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const plain: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    plain[name] = value;
  });
  return plain;
}

function toResponseHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * The part of fetch the OpenAI client uses for non-streaming calls: a string or byte body, headers, an abort
 * signal, and the whole reply read into a Response. Any other request goes to the global fetch.
 */
export function createKeepAliveFetch(maxResponseBytes = MAX_RESPONSE_BYTES): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = init.body ?? undefined;
    const agent = AGENTS[url.protocol as keyof typeof AGENTS];
    if (!agent || (typeof input !== 'string' && !(input instanceof URL)) || (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array))) {
      return fetch(input, init);
    }
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(url, { method: init.method ?? 'GET', headers: readHeaders(init.headers), agent, signal: init.signal ?? undefined }, (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) {
            incoming.destroy();
            outgoing.destroy();
            reject(new ResponseTooLargeError(maxResponseBytes));
            return;
          }
          chunks.push(chunk);
        });
        incoming.on('error', reject);
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 502;
          // Response refuses a body on these statuses.
          const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(payload, { status, statusText: incoming.statusMessage, headers: toResponseHeaders(incoming.headers) }));
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}
