// The codes of "continue on your phone" (wasm/src/people/device_link.cpp) and
// their catalogue keys, merged into core-text.js's tables: kept apart so
// the feature's words are in one place.
export const CONTINUE_NOTICES = {
  continued_here: 'notice.continuedHere',
  continue_revoked: 'notice.continueRevoked',
  continue_used: 'notice.continueUsed',
  continue_expired: 'notice.continueExpired',
  continue_unknown: 'notice.continueUnknown',
  continue_bad_code: 'notice.continueUnknown',
  continue_rate_limited: 'notice.continueRateLimited',
  continue_failed: 'notice.continueFailed',
  continue_refused: 'notice.continueFailed',
  continue_offline: 'notice.continueOffline',
  continue_not_here: 'notice.continueNotHere',
};

export const CONTINUE_STATUS = {
  continued_elsewhere: 'status.continuedElsewhere',
  closed_other_device: 'status.closedOtherDevice',
  revoked: 'status.revoked',
};
