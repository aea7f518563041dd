// The visitor a shop names with natter('identify', {id, name, email}), as it
// reaches the server: hello.visitor, the identify frame, a chat POST body's
// visitor (docs/protocol.md, "Visitor"). Pure: the JS twin of the widget's
// checks (wasm/src/people/visitor.cpp), so a well-behaved widget is never refused.
//
// checkVisitor(value) returns { ok: true, visitor } (visitor null: none) or
// { ok: false, key, message }. Absent (undefined) counts as null.

export const VISITOR_LIMITS = Object.freeze({ id: 128, name: 100, email: 254 });
const KEYS = Object.keys(VISITOR_LIMITS);
// C0 controls, DEL, C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isEmail(s) {
  const at = s.indexOf('@');
  if (at <= 0 || s.indexOf('@', at + 1) !== -1 || /\s/.test(s)) return false;
  const domain = s.slice(at + 1);
  return domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.');
}

const refuse = (key, message) => ({ ok: false, key, message });

export function checkVisitor(value) {
  if (value === undefined || value === null) return { ok: true, visitor: null };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return refuse('', 'visitor must be an object {id, name, email} or null.');
  }
  const unknown = Object.keys(value).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) return refuse(unknown, `visitor: unknown key ${JSON.stringify(unknown.slice(0, 40))}.`);
  const visitor = {};
  for (const key of KEYS) {
    const raw = value[key];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string') return refuse(key, `visitor.${key} must be a string.`);
    const text = raw.trim();
    if (CONTROL.test(text)) return refuse(key, `visitor.${key} must not contain control characters.`);
    if (text.length > VISITOR_LIMITS[key]) {
      return refuse(key, `visitor.${key} must be at most ${VISITOR_LIMITS[key]} characters.`);
    }
    if (text !== '') visitor[key] = text;
  }
  if (visitor.email !== undefined && !isEmail(visitor.email)) {
    return refuse('email', 'visitor.email is not an email address.');
  }
  if (Object.keys(visitor).length === 0) return refuse('', 'visitor needs at least one of id, name, email.');
  return { ok: true, visitor };
}
