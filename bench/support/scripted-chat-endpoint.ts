// A chat-completions endpoint in process for fault scenarios: a math policy (calculator call, then the answer) and a judge that says GOOD.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export const POLICY_REPLIES = ['Adding first.\n<math_exp>2 + 2</math_exp>', 'So it is 4.\n<answer>4</answer>'];

export class ScriptedChatEndpoint {
  private server: Server | null = null;
  calls = 0;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.calls += 1;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ role: string; content: string }> };
        const judging = body.messages.some((message) => message.content.includes('You are grading one step'));
        const turn = body.messages.filter((message) => message.role === 'assistant').length;
        const content = judging ? 'The step is grounded.\nVerdict: GOOD' : POLICY_REPLIES[Math.min(turn, POLICY_REPLIES.length - 1)];
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({
          id: 'chatcmpl-scripted', object: 'chat.completion', created: 1700000000, model: 'scripted',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
        }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
