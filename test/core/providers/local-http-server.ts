// A real HTTP server on 127.0.0.1 for provider tests: each request is recorded and answered by a scripted handler.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type RequestHandler = (request: RecordedRequest, response: ServerResponse, index: number) => void | Promise<void>;

export class LocalHttpServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private readonly open = new Set<ServerResponse>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(private handler: RequestHandler) {}

  setHandler(handler: RequestHandler): void {
    this.handler = handler;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? null : JSON.parse(text);
        } catch {
          // Non-JSON bodies are recorded as text.
        }
        const recorded = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
        const index = this.requests.push(recorded) - 1;
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        this.open.add(response);
        response.on('close', () => {
          this.inFlight -= 1;
          this.open.delete(response);
        });
        void this.handler(recorded, response, index);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
