// The console's Analytics view: the record's figures (docs/record.md,
// "Analytics", defines each) for a range of days, by default the last 30:
// conversations per day, answered by the assistant alone or handed to a
// person, the wait for a person, the first response, answers rated
// helpful, ratings, voice, leads. What the figures are is the gateway's
// (GET /staff/record/analytics); this view only lays them out, in the
// staff member's language. A table holds the numbers; the bars beside them
// are drawn for the eye only.
import { formatWait, h } from './render.js';

const DAY_MS = 86_400_000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

// A lead's kind in words when the catalogue has it (email), else as recorded.
// The console's words for a lead's kind: its own (emails left), else the
// lead form's (lead-form.js: callback, trade-in, ...), else the kind as recorded.
function leadName(t, kind) {
  for (const key of [`analytics.lead.${kind}`, `lead.kind.${kind}`]) {
    const said = t(key);
    if (said !== key) return said;
  }
  return kind;
}

// The figures a range shows, as [label key, value text] rows.
function summaryRows(t, lang, a) {
  const number = (n) => new Intl.NumberFormat(lang).format(n);
  const share = (n, of) => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(of ? n / of : 0);
  const part = (n) => t('analytics.share', { count: number(n), share: share(n, a.conversations) });
  const spread = (s) => (s.count ? t('analytics.spread', { median: formatWait(s.medianMs), p90: formatWait(s.p90Ms) }) : t('analytics.none'));
  const rated = a.thumbs.up + a.thumbs.down;
  const leads = Object.entries(a.leads);
  return [
    ['analytics.conversations', number(a.conversations)],
    ['analytics.aiAlone', part(a.answeredByAssistantAlone)],
    ['analytics.handedOver', part(a.handedToPerson)],
    ['analytics.unanswered', part(a.unanswered)],
    ['analytics.handoffWait', spread(a.handoffWait)],
    ['analytics.firstResponse', spread(a.firstResponse)],
    ['analytics.feedback', rated ? t('analytics.feedbackValue', { up: number(a.thumbs.up), total: number(rated), share: share(a.thumbs.up, rated) }) : t('analytics.none')],
    ['analytics.ratings', a.ratings.count ? t('analytics.ratingsValue', { average: number(a.ratings.average), count: number(a.ratings.count) }) : t('analytics.none')],
    ['analytics.voice', number(a.voiceConversations)],
    ['analytics.voiceMinutes', number(a.voiceMinutes ?? 0)],
    ['analytics.leads', leads.length
      ? leads.map(([kind, n]) => t('analytics.leadKind', { kind: leadName(t, kind), count: number(n) })).join(' · ')
      : number(0)],
  ];
}

// Conversations per day: a table (day, count), a bar per row for the eye.
function perDayTable(t, lang, perDay) {
  if (perDay.length === 0) return h('p', { class: 'empty' }, t('analytics.noDays'));
  const most = Math.max(...perDay.map((d) => d.count));
  const dayText = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
  return h('table', { class: 'per-day' },
    h('caption', {}, t('analytics.perDay')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('analytics.day')), h('th', { scope: 'col' }, t('analytics.conversations')))),
    h('tbody', {}, perDay.map((d) => {
      const bar = h('span', { class: 'bar' });
      bar.style.inlineSize = `${Math.round((d.count / most) * 100)}%`; // CSSOM, allowed by the page's style-src
      return h('tr', {}, h('th', { scope: 'row' }, dayText.format(Date.parse(`${d.day}T00:00:00Z`))),
        h('td', {}, h('div', { class: 'day-count' }, h('span', { class: 'count' }, new Intl.NumberFormat(lang).format(d.count)),
          h('span', { class: 'track', 'aria-hidden': 'true' }, bar))));
    })));
}

// { client (staff-client.js), t, lang, now } → the view's root element.
export function analyticsView({ client, t, lang, now = Date.now() }) {
  const from = h('input', { id: 'analytics-from', type: 'date', value: isoDay(now - 29 * DAY_MS), required: true });
  const to = h('input', { id: 'analytics-to', type: 'date', value: isoDay(now), required: true });
  const heading = h('h2', { id: 'analytics-heading', tabindex: '-1' }, t('analytics.heading'));
  const status = h('p', { class: 'empty', role: 'status' });
  const figures = h('div', { class: 'figures' });
  const form = h('form', { class: 'analytics-range' },
    h('div', { class: 'field' }, h('label', { for: 'analytics-from' }, t('analytics.from')), from),
    h('div', { class: 'field' }, h('label', { for: 'analytics-to' }, t('analytics.to')), to),
    h('button', { type: 'submit' }, t('analytics.show')));

  async function load() {
    const start = Date.parse(`${from.value}T00:00:00Z`);
    const end = Date.parse(`${to.value}T00:00:00Z`) + DAY_MS; // "until" is the whole last day; the API's `to` excludes
    if (!(start < end)) { status.textContent = t('analytics.badRange'); figures.replaceChildren(); return; }
    status.textContent = t('analytics.loading');
    const answer = await client.analytics({ from: isoDay(start), to: isoDay(end) });
    if (!answer.ok) { status.textContent = t('analytics.failed'); figures.replaceChildren(); return; }
    const a = answer.body.analytics;
    const dayText = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
    status.textContent = t('analytics.range', { from: dayText.format(start), to: dayText.format(end - DAY_MS) });
    figures.replaceChildren(
      h('dl', { class: 'facts summary' }, summaryRows(t, lang, a).flatMap(([key, value]) => [h('dt', {}, t(key)), h('dd', {}, value)])),
      perDayTable(t, lang, a.perDay));
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
  return h('section', { class: 'analytics-view', 'aria-labelledby': 'analytics-heading' }, heading, form, status, figures);
}
