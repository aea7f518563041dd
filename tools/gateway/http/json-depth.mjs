// How deep a parsed JSON value nests: the bound both the live session's
// frames (session/frames.mjs) and a page context (page-context.mjs) check.

// Whether `value` nests arrays and objects deeper than `limit` levels (a
// scalar is level 0, the frame object level 1). An explicit stack, not
// recursion: JSON.parse builds a 10,000-deep value without trouble, but
// any recursive walk of it (JSON.stringify, a checker) overflows the stack.
export function nestsDeeperThan(value, limit) {
  const stack = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop();
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
