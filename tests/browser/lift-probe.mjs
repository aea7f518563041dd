// Run in the page before its own scripts (Playwright's addInitScript, a
// driver's init script): records in window.__liftedAtFirstBox whether the
// widget's host was already in the top layer (:popover-open) when a
// ResizeObserver first saw it with a box, i.e. after the layout of the
// first frame that gives it one. Self-contained: it is sent as source.
export function recordLiftedAtFirstBox() {
  new MutationObserver((_, observer) => {
    const host = document.querySelector('natter-widget');
    if (!host) return;
    observer.disconnect();
    new ResizeObserver((entries, sized) => {
      if (!entries[0].contentRect.width) return;
      sized.disconnect();
      window.__liftedAtFirstBox = host.matches(':popover-open');
    }).observe(host);
  }).observe(document, { childList: true, subtree: true });
}
