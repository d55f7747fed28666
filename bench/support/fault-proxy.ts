// A fault-injecting HTTP proxy on loopback: forwards to an upstream (a model endpoint, the embedded S3) and answers chosen requests with a fault instead.
import { createServer, IncomingMessage, request as forward, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** A 200 whose body is not JSON. */
  | { kind: 'malformed' }
  /** A 200 chat completion with empty content. */
  | { kind: 'empty-content' }
  /** A 200 chat completion whose content is this many bytes. */
  | { kind: 'huge'; bytes: number }
  /** Drops the connection without an answer. */
  | { kind: 'reset' };

export interface ProxiedRequest {
  index: number;
  method: string;
  url: string;
  fault: Fault['kind'];
}

/** Picks the fault for a request, by its order and what it is. */
export type FaultPlan = (request: { index: number; method: string; url: string }) => Fault;

export const PASS: FaultPlan = () => ({ kind: 'pass' });

function chatCompletion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-fault', object: 'chat.completion', created: 1700000000, model: 'fault',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: Math.ceil(content.length / 4), total_tokens: 10 + Math.ceil(content.length / 4) },
  });
}

export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private plan: FaultPlan = PASS;

  constructor(private readonly upstream: string) {}

  setPlan(plan: FaultPlan): void {
    this.plan = plan;
    this.requests.length = 0;
  }

  /** Requests that met a fault of this kind. */
  count(kind: Fault['kind']): number {
    return this.requests.filter((request) => request.fault === kind).length;
  }

  async start(): Promise<string> {
    this.server = createServer((incoming, outgoing) => this.handle(incoming, outgoing));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private handle(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const summary = { index: this.requests.length, method: incoming.method ?? 'GET', url: incoming.url ?? '/' };
      const fault = this.plan(summary);
      this.requests.push({ ...summary, fault: fault.kind });
      this.answer(fault, incoming, outgoing, Buffer.concat(chunks));
    });
  }

  private answer(fault: Fault, incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer): void {
    switch (fault.kind) {
      case 'pass': {
        const target = new URL(incoming.url ?? '/', this.upstream);
        const upstream = forward(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (reply) => {
          outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(outgoing);
        });
        upstream.on('error', (error) => {
          outgoing.writeHead(502, { 'content-type': 'text/plain' });
          outgoing.end(`proxy: ${error.message}`);
        });
        upstream.end(body);
        return;
      }
      case 'status':
        outgoing.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
        outgoing.end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}`, type: 'fault' } }));
        return;
      case 'hang':
        return;
      case 'malformed':
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end('{"id": "chatcmpl-fault", "choices": [{"message": ');
        return;
      case 'empty-content':
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(chatCompletion(''));
        return;
      case 'huge':
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(chatCompletion('x'.repeat(fault.bytes)));
        return;
      case 'reset':
        incoming.socket.destroy();
        return;
    }
  }
}
