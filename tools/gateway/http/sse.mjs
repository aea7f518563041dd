// Server-sent events framing for the reply stream: one `event:` line, one
// `data:` line of JSON, a blank line. JSON.stringify never emits a raw
// newline, so the data always fits on one line.

export const SSE_HEADERS = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
});

export function formatEvent({ event, data }) {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

// Parses an SSE body into [{event, data}] (data JSON-decoded). For tests
// and tools; tolerant of a cut final event (it is dropped).
export function parseEvents(body) {
  const events = [];
  for (const block of body.split('\n\n').slice(0, -1)) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    events.push({ event, data: JSON.parse(data.join('\n')) });
  }
  return events;
}
