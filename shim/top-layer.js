// Lifts the widget's host into the top layer as a manual popover, once the
// core bundle starts, if the loader did not (a loader of an older release,
// cached by a shop's page: today's loader lifts it as it draws it). In the
// top layer neither the host's place in the page (a shop's <natter-widget>
// inside a transformed, clipped or low z-index container) nor the page's
// stacking contexts can move, clip or bury the widget. Browsers without
// popovers keep the loader's fixed, top z-index host.
//
//   liftToTopLayer(host)
//   host: the <natter-widget> element (connected)

export function liftToTopLayer(host) {
  if (typeof host.showPopover !== 'function' || host.matches(':popover-open')) return;
  host.popover = 'manual';
  try {
    host.showPopover();
  } catch { /* not in the page right now: it stays a fixed host */ }
}
