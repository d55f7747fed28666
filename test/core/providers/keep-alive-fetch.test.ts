// The provider's HTTP transport against a local server: connections are reused, replies are read whole, oversized replies fail.
import { createKeepAliveFetch, ResponseTooLargeError } from '../../../core/providers/keep-alive-fetch';
import { LocalHttpServer, sendJson } from './local-http-server';

describe('keep-alive fetch', () => {
  const ports = new Set<number>();
  const server = new LocalHttpServer((request, response) => {
    ports.add(response.socket!.remotePort!);
    if (request.url === '/big') sendJson(response, 200, { text: 'x'.repeat(4096) });
    else if (request.url === '/empty') response.writeHead(204).end();
    else sendJson(response, 429, { echo: request.body }, { 'retry-after': '2' });
  });
  let base: string;
  beforeAll(async () => {
    base = await server.start();
  });
  afterAll(() => server.stop());

  it('sends method, headers and body, returns status, headers and body, and reuses one connection for calls in turn', async () => {
    const fetchOverKeepAlive = createKeepAliveFetch();
    for (let call = 0; call < 3; call += 1) {
      const response = await fetchOverKeepAlive(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-call': String(call) }, body: JSON.stringify({ call }) });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(await response.json()).toEqual({ echo: { call } });
    }
    expect(server.requests.map((request) => request.headers['x-call'])).toEqual(['0', '1', '2']);
    expect(ports.size).toBe(1);
    expect((await fetchOverKeepAlive(`${base}/empty`)).status).toBe(204);
  });

  it('fails a reply larger than its limit instead of reading it', async () => {
    await expect(createKeepAliveFetch(1024)(`${base}/big`)).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(await (await createKeepAliveFetch(8192)(`${base}/big`)).json()).toEqual({ text: 'x'.repeat(4096) });
  });

  it('stops a request when its signal aborts', async () => {
    const controller = new AbortController();
    const hanging = new LocalHttpServer(() => undefined);
    const url = await hanging.start();
    try {
      const pending = createKeepAliveFetch()(`${url}/hang`, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await hanging.stop();
    }
  });
});
