// One answer's thumb, apart from its buttons (thumbs.js draws them): what the
// shopper chose, what the gateway took, and the one post on its way.
//
//   const choice = createThumbChoice({ send, show });
//   choice.choose(rating, reason)   1 (up) or -1 (down), with an optional
//                                   reason (a thumb down's): shows it at once, posts it
//   send(rating, reason) -> Promise<boolean>: true once the gateway took it
//   show({ chosen, failed }): what the buttons and the note say now
//
// Rules: the other thumb replaces the choice; the same one again keeps it
// (the endpoint cannot clear a thumb) and is not sent again once taken, nor
// is a reason already taken. One post at a time: the gateway keeps the
// latest it receives, so a change made while one is on its way follows when
// it settles, in the shopper's order. A post that failed (refused, offline,
// thrown) leaves the choice shown and says so; choosing again retries.
export function createThumbChoice({ send, show }) {
  let chosen = { rating: 0, reason: '' }; // rating 0 before the first press
  let taken = chosen; // what the gateway accepted last
  let sending = false;
  const same = (a, b) => a.rating === b.rating && a.reason === b.reason;
  function flush() {
    if (sending || same(chosen, taken)) return;
    sending = true;
    const value = chosen;
    Promise.resolve().then(() => send(value.rating, value.reason || undefined)).catch(() => false).then((ok) => {
      sending = false;
      if (ok) taken = value;
      if (!ok && chosen === value) show({ chosen: value.rating, failed: true });
      else flush(); // changed meanwhile: the latest goes next
    });
  }
  return {
    choose(rating, reason = '') {
      // The same thumb pressed again keeps the reason it was sent with.
      const kept = rating === chosen.rating && !reason ? chosen.reason : reason;
      chosen = { rating, reason: kept };
      show({ chosen: rating, failed: false });
      flush();
    },
  };
}
