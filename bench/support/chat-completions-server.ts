// A chat-completions endpoint with a fixed injected latency, run as a child process of the rollout benchmark.
// It answers like a small math policy: a calculator call first, then the answer.
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ role: string }> };
    const turn = body.messages.filter((message) => message.role === 'assistant').length;
    const text = turn === 0 ? 'First the product.\n<math_exp>17 * 3 + 4</math_exp>' : 'So the total is 55.\n<answer>55</answer>';
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({
        id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model: 'bench',
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 180, completion_tokens: 14, total_tokens: 194 },
      }));
    }, latencyMs);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
