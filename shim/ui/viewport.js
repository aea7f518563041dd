// Phones (the panel is full screen at <= 480px, ui/styles.js): while the
// panel is open, keep it the size of the VISUAL viewport, so the on-screen
// keyboard never covers the composer, and stop the page behind from
// scrolling. Desktop: nothing to do.
//
// The size goes into a constructable sheet (.panel{--natter-vv-h; --natter-vv-top}),
// never a style attribute, so strict-CSP pages are fine. The page lock sets
// overflow through the CSSOM (allowed under CSP) and restores what was there.
//
//   const fit = createViewportFit({ win, doc, root });
//   fit.opened(); fit.closed();   from the panel's open/close

export const PHONE_QUERY = '(max-width: 480px)';

export function createViewportFit({ win = window, doc = document, root }) {
  let sheet = null;
  let saved = null; // the page's overflow values while locked
  const vv = win.visualViewport;

  function write(css) {
    try {
      if (!sheet) {
        sheet = new win.CSSStyleSheet();
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      }
      sheet.replaceSync(css);
    } catch { /* no constructable sheets: 100dvh it is */ }
  }

  function fit() {
    if (!vv) return;
    write(`.panel{--natter-vv-h:${Math.round(vv.height)}px;--natter-vv-top:${Math.round(vv.offsetTop)}px}`);
  }

  function lock() {
    const html = doc.documentElement.style;
    const body = doc.body.style;
    saved = [html.overflow, body.overflow];
    html.overflow = 'hidden';
    body.overflow = 'hidden';
  }

  function unlock() {
    if (!saved) return;
    doc.documentElement.style.overflow = saved[0];
    doc.body.style.overflow = saved[1];
    saved = null;
  }

  return {
    opened() {
      if (!win.matchMedia?.(PHONE_QUERY).matches) return;
      lock();
      fit();
      vv?.addEventListener('resize', fit);
      vv?.addEventListener('scroll', fit);
    },
    closed() {
      unlock();
      vv?.removeEventListener('resize', fit);
      vv?.removeEventListener('scroll', fit);
      write('');
    },
  };
}
