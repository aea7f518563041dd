// Reads one streamed Chat Completions response (the OpenAI wire format:
// server-sent `data: {chunk}` lines, then `data: [DONE]`).
//
// Handles: text in choices[0].delta.content; tool calls whose id, name and
// arguments arrive split across chunks, keyed by `index` (parallel calls
// have different indexes); a usage chunk (empty `choices`, a `usage`
// object); an `error` object in the stream; and a stream cut before it
// finished (neither [DONE] nor a finish_reason: an AgentError).
//
// streamCompletion(body, {onChunk, redact}) yields {event: 'delta'} events
// and returns { text, toolCalls: [{id, name, arguments}], usage }.
import { AgentError } from './agent-error.mjs';
import { parseJson, readLines, readSse } from './event-stream.mjs';

export async function* streamCompletion(body, { onChunk = () => {}, redact = (s) => s } = {}) {
  let text = '';
  let usage = null;
  let finished = false;
  const calls = [];
  for await (const { data } of readSse(readLines(body))) {
    onChunk();
    if (data.trim() === '[DONE]') return { text, toolCalls: complete(calls), usage };
    const chunk = parseJson(data, 'a stream chunk');
    if (chunk?.error) throw new AgentError(`the model endpoint sent an error: ${redact(String(chunk.error.message ?? chunk.error.code ?? ''))}`);
    if (chunk?.usage) usage = chunk.usage;
    const choice = Array.isArray(chunk?.choices) ? chunk.choices[0] : undefined;
    if (!choice) continue;
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content !== '') {
      text += delta.content;
      yield { event: 'delta', data: { text: delta.content } };
    }
    for (const part of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      const index = Number.isInteger(part?.index) ? part.index : calls.length;
      const call = (calls[index] ??= { id: '', name: '', arguments: '' });
      if (typeof part.id === 'string' && part.id) call.id = part.id;
      if (typeof part.function?.name === 'string') call.name += part.function.name;
      if (typeof part.function?.arguments === 'string') call.arguments += part.function.arguments;
    }
    if (choice.finish_reason) finished = true;
  }
  // No [DONE]: complete only if the model had said it finished.
  if (!finished) throw new AgentError('the model\'s stream was cut before it finished');
  return { text, toolCalls: complete(calls), usage };
}

function complete(calls) {
  return calls.filter(Boolean).filter((c) => c.name !== '')
    .map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
}
