// Reads a streamed HTTP body (fetch's Response.body) as the lines of
// server-sent events or NDJSON. Shared by the webhook and OpenAI adapters.
// A line longer than MAX_LINE_CHARS fails the stream (a shop or model
// cannot make the gateway buffer without bound).
export const MAX_LINE_CHARS = 1 << 20;

export class StreamError extends Error {}

// Yields each line (without its \n or \r\n) of a byte stream; a last line
// without a newline is yielded too.
export async function* readLines(body) {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      yield buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
    }
    if (buffered.length > MAX_LINE_CHARS) throw new StreamError(`a line over ${MAX_LINE_CHARS} characters`);
  }
  buffered += decoder.decode();
  if (buffered !== '') yield buffered;
}

// Server-sent events: yields { event, data } (data: the raw string, data
// lines joined with \n); `event` is 'message' when the block names none.
// Comment lines (":…") and unknown fields are skipped.
export async function* readSse(lines) {
  let event = null;
  let data = null;
  for await (const line of lines) {
    if (line === '') {
      if (data !== null) yield { event: event ?? 'message', data };
      event = null;
      data = null;
    } else if (line.startsWith('data:')) {
      const value = line.slice(5).replace(/^ /, '');
      data = data === null ? value : `${data}\n${value}`;
    } else if (line.startsWith('event:')) {
      event = line.slice(6).trim();
    }
  }
  if (data !== null) yield { event: event ?? 'message', data }; // a last block without its blank line
}

// Parses JSON or throws a StreamError naming `what`.
export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new StreamError(`${what} is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

// Aborts `controller` with `reason()` unless poked within `ms`: the longest
// silence a stream may keep. pause() while the gateway itself is waiting.
export function silenceTimer(controller, ms, reason) {
  let timer = null;
  const pause = () => clearTimeout(timer);
  const poke = () => {
    pause();
    timer = setTimeout(() => controller.abort(reason()), ms);
  };
  poke();
  return { poke, pause };
}
