// The record's figures for a date range (docs/record.md, "Analytics", has
// each definition). Computed from the rows of the conversations that
// started in [from, to): a conversation counts in the range it began in.
const DAY_MS = 86_400_000;

// Nearest-rank percentile of sorted numbers (p in 0..1); null when empty.
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const spread = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
};

export async function analytics(driver, { from, to }) {
  const inRange = 'SELECT id FROM conversations WHERE started_at >= ? AND started_at < ?';
  const range = [from, to];
  const conversations = await driver.all('SELECT id, started_at FROM conversations WHERE started_at >= ? AND started_at < ? ORDER BY started_at', range);
  const turns = await driver.all(`SELECT conversation_id, at, role, channel FROM turns WHERE conversation_id IN (${inRange}) ORDER BY at, id`, range);
  const handoffs = await driver.all(`SELECT conversation_id, at, event FROM handoffs WHERE conversation_id IN (${inRange}) ORDER BY at, id`, range);
  const feedback = await driver.all(`SELECT kind, rating FROM feedback WHERE conversation_id IN (${inRange})`, range);
  const [voiceTime] = await driver.all(`SELECT COALESCE(SUM(ms), 0) AS ms FROM voice_time WHERE conversation_id IN (${inRange})`, range);
  const leads = await driver.all(`SELECT kind, COUNT(*) AS n FROM leads WHERE conversation_id IN (${inRange}) GROUP BY kind ORDER BY kind`, range);

  const perDay = new Map();
  for (const c of conversations) {
    const day = new Date(Math.floor(c.started_at / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const by = new Map(conversations.map((c) => [c.id, { turns: [], handoffs: [] }]));
  for (const t of turns) by.get(t.conversation_id)?.turns.push(t);
  for (const h of handoffs) by.get(h.conversation_id)?.handoffs.push(h);

  let aiAlone = 0;
  let handedOver = 0;
  let unanswered = 0;
  const waits = [];
  const firstResponses = [];
  const voice = new Set();
  for (const [id, { turns: ts, handoffs: hs }] of by) {
    const taken = hs.some((h) => h.event === 'taken') || ts.some((t) => t.role === 'staff');
    if (taken) handedOver += 1;
    else if (ts.some((t) => t.role === 'assistant')) aiAlone += 1;
    else unanswered += 1;
    let asked = null;
    for (const h of hs) {
      if (h.event === 'requested' && asked === null) asked = h.at;
      else if (h.event === 'taken' && asked !== null) { waits.push(h.at - asked); asked = null; }
      else if (h.event === 'returned' || h.event === 'cancelled') asked = null;
    }
    const firstShopper = ts.find((t) => t.role === 'shopper');
    const answer = firstShopper && ts.find((t) => t.role !== 'shopper' && t.at >= firstShopper.at);
    if (answer) firstResponses.push(answer.at - firstShopper.at);
    if (ts.some((t) => t.channel === 'voice')) voice.add(id);
  }
  const thumbs = feedback.filter((f) => f.kind === 'thumb');
  const ratings = feedback.filter((f) => f.kind === 'rating').map((f) => f.rating);
  return {
    from: new Date(from).toISOString(), to: new Date(to).toISOString(),
    conversations: conversations.length,
    perDay: [...perDay].map(([day, count]) => ({ day, count })),
    answeredByAssistantAlone: aiAlone, handedToPerson: handedOver, unanswered,
    handoffWait: spread(waits),
    firstResponse: spread(firstResponses),
    thumbs: { up: thumbs.filter((f) => f.rating > 0).length, down: thumbs.filter((f) => f.rating < 0).length },
    ratings: { count: ratings.length, average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null },
    voiceConversations: voice.size,
    voiceMinutes: Math.round(Number(voiceTime?.ms ?? 0) / 6000) / 10, // to a tenth of a minute
    leads: Object.fromEntries(leads.map((l) => [l.kind, Number(l.n)])),
  };
}
