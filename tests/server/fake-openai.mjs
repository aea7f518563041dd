// A local stand-in for an OpenAI-compatible Chat Completions endpoint, for
// the `openai` adapter's tests. It speaks the documented streaming format
// (`data: {chunk}` lines, `data: [DONE]`) and answers each request with
// whatever `respond(request, res, nth)` writes; `requests` records every
// request (headers and parsed body). Chunk builders below.
import http from 'node:http';

export async function startFakeOpenAi(respond) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    requests.push({ path: req.url, headers: req.headers, body });
    respond({ headers: req.headers, body }, res, requests.length);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    // Requests whose last user message is `text` (one message id's calls).
    requestsFor: (text) => requests.filter((r) => r.body.messages.filter((m) => m.role === 'user').at(-1)?.content === text),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

let serial = 0;
const chunk = (delta, finishReason = null) => ({
  id: `chatcmpl-${++serial}`, object: 'chat.completion.chunk', created: 1763800000, model: 'fake-1',
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});

export const textChunks = (...pieces) => [chunk({ role: 'assistant', content: '' }),
  ...pieces.map((p) => chunk({ content: p })), chunk({}, 'stop')];

// One tool call whose name and arguments arrive in pieces.
export const toolCallChunks = (index, id, name, argumentPieces) => [
  chunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] }),
  ...argumentPieces.map((a) => chunk({ tool_calls: [{ index, function: { arguments: a } }] })),
];

export const finishChunk = (reason) => chunk({}, reason);
export const usageChunk = (prompt, completion) => ({
  id: `chatcmpl-${++serial}`, object: 'chat.completion.chunk', choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});

// Writes `chunks` as the stream, then [DONE] unless `done: false`.
export function streamChunks(res, chunks, { done = true } = {}) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  for (const c of chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}
