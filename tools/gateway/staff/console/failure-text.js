// What the console says when a staff write was refused or never arrived
// (staff-client.js answers {ok, status, body}), for the live detail and
// History alike. A 401 is the caller's to handle first (sign in again).

export function failureText(t, answer) {
  // A lead with the record off: nowhere to keep it (the form keeps its text).
  if (answer.body?.error?.code === 'record_off') return t('error.recordOff');
  if (answer.status === 404) return t('error.gone');
  // Past this credential's writes a minute (staff-api.mjs): nothing was done.
  if (answer.status === 429) return t('error.busy');
  if (answer.status === 0) return t('error.network');
  return answer.body?.error?.message ?? t('error.generic', { status: answer.status });
}
