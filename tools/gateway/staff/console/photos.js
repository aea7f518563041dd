// The shopper's photos on a transcript line, for one opened conversation
// (docs/protocol.md, "Attachments"). The staff credential is a Bearer
// header, which an <img src> cannot send: each photo is fetched with it
// (staff-client.js photo()) and shown from a blob: URL (the console's CSP
// allows img-src blob:). Whoever makes a shelf calls prune() after each
// redraw and release() when the conversation closes: a URL is revoked once
// no line lists its photo, so bytes do not pile up in a console left open.
//
// A thumbnail is drawn at its final size from the photo's width and height
// before the bytes arrive, so the transcript does not jump. A photo the
// gateway no longer holds (404: kept as long as its message's idempotency
// record, runTtlMs in store/limits.mjs, 24 h) becomes a line of text, not a
// broken image. A thumbnail is a button: it opens the photo whole in a
// modal <dialog> (Escape or Close shuts it; the focus goes back).
import { h } from './dom.js';

export const THUMB = Object.freeze({ width: 160, height: 120 });

// The drawn size: the photo's aspect within THUMB, never enlarged; a square
// when the gateway could not read its size.
export function thumbSize(width, height) {
  if (!(width > 0 && height > 0)) return { width: THUMB.height, height: THUMB.height };
  const scale = Math.min(1, THUMB.width / width, THUMB.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

// "Photo from the shopper (png, 640×480)".
export function photoAlt(t, { type, width, height }) {
  const kind = String(type ?? '').replace(/^image\//, '');
  return width > 0 && height > 0 ? t('photo.alt', { type: kind, size: `${width}×${height}` }) : t('photo.altNoSize', { type: kind });
}

// Opens `url` whole over the page; closing gives the focus back to the
// thumbnail (or to its redrawn twin when a poll replaced it meanwhile).
function showWhole(t, url, alt, opener) {
  const close = h('button', { type: 'button', class: 'secondary' }, t('photo.close'));
  const dialog = h('dialog', { class: 'photo-view', 'aria-label': alt }, h('img', { src: url, alt }), close);
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    const back = opener.isConnected ? opener
      : document.querySelector(`button.photo[data-attachment="${CSS.escape(opener.dataset.attachment)}"]`);
    back?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

// { client (staff-client.js), conversationId, t, urls (URL) } →
//   list(attachments) → <ul> of thumbnails, or null when there are none
//   prune(ids)        → revokes the URLs of photos not in `ids`
//   release()         → revokes every URL; later answers are dropped
export function createPhotoShelf({ client, conversationId, t, urls = URL }) {
  const held = new Map(); // attachment id → {ready: Promise<{url} | {status}>, url}

  function load(id) {
    if (held.has(id)) return held.get(id).ready;
    const entry = { url: null };
    held.set(id, entry);
    entry.ready = client.photo(conversationId, id).then((answer) => {
      if (!answer.ok) return { status: answer.status };
      if (held.get(id) !== entry) return { status: 'released' }; // its line went while it loaded
      entry.url = urls.createObjectURL(answer.blob);
      return { url: entry.url };
    });
    return entry.ready;
  }

  function item(a) {
    const alt = photoAlt(t, a);
    const size = thumbSize(a.width, a.height);
    const img = h('img', { alt, width: size.width, height: size.height });
    const button = h('button', { type: 'button', class: 'photo', 'data-attachment': a.id, 'aria-haspopup': 'dialog' }, img);
    const li = h('li', {}, button);
    let url = null;
    button.addEventListener('click', () => { if (url) showWhole(t, url, alt, button); });
    load(a.id).then((loaded) => {
      if (loaded.url) { url = loaded.url; img.src = url; return; }
      if (loaded.status === 'released') return;
      li.replaceChildren(h('p', { class: 'photo-missing', 'data-attachment': a.id },
        loaded.status === 404 ? t('photo.gone') : t('photo.failed', { status: loaded.status || '—' })));
    });
    return li;
  }

  function prune(ids) {
    const keep = new Set(ids);
    for (const [id, entry] of held) {
      if (keep.has(id)) continue;
      if (entry.url) urls.revokeObjectURL(entry.url);
      held.delete(id);
    }
  }

  return {
    list: (attachments) => (attachments?.length ? h('ul', { class: 'photos', 'aria-label': t('photo.list') }, attachments.map(item)) : null),
    prune,
    release: () => prune([]),
  };
}
