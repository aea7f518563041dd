// One answer's thumb, apart from its buttons (thumbs.js draws them): what the
// shopper chose, what the gateway took, and the one post on its way.
//
//   const choice = createThumbChoice({ send, show });
//   choice.choose(rating)   1 (up) or -1 (down): shows it at once, posts it
//   send(rating) -> Promise<boolean>: true once the gateway took it
//   show({ chosen, failed }): what the buttons and the note say now
//
// Rules: the other thumb replaces the choice; the same one again keeps it
// (the endpoint cannot clear a thumb) and is not sent again once taken. One
// post at a time: the gateway keeps the latest it receives, so a change made
// while one is on its way follows when it settles, in the shopper's order. A
// post that failed (refused, offline, thrown) leaves the choice shown and
// says so; choosing again retries.
export function createThumbChoice({ send, show }) {
  let chosen = 0; // 1, -1, or 0 before the first press
  let taken = 0; // what the gateway accepted last
  let sending = false;
  function flush() {
    if (sending || chosen === taken) return;
    sending = true;
    const rating = chosen;
    Promise.resolve().then(() => send(rating)).catch(() => false).then((ok) => {
      sending = false;
      if (ok) taken = rating;
      if (!ok && chosen === rating) show({ chosen, failed: true });
      else flush(); // changed meanwhile: the latest goes next
    });
  }
  return {
    choose(rating) {
      chosen = rating;
      show({ chosen, failed: false });
      flush();
    },
  };
}
