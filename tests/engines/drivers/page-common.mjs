// Pieces the drivers share.

// The page's console as { type, text } lines; 'warning' and 'warn' are one type.
export function consoleRecorder() {
  const lines = [];
  return { lines, add: (type, text) => lines.push({ type: type === 'warn' ? 'warning' : type, text }) };
}
