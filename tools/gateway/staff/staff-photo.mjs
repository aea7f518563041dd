// GET /staff/conversations/{id}/attachments/{attachment id}: a photo a
// shopper uploaded, for staff only (the staff API's bearer credential,
// checked before this is called; no CORS). Served as the type its bytes
// were checked to be (http/attachment-endpoint.mjs), never sniffed by the
// browser, inline, under a CSP that lets the response run nothing and load
// nothing: even bytes that fooled the check cannot act as a page.
import { sendError } from '../http/http-util.mjs';

export const PHOTO_HEADERS = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Disposition': 'inline',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'private, no-store',
  'Referrer-Policy': 'no-referrer',
});

export async function servePhoto(res, store, conversationId, attachmentId) {
  const held = await store.readAttachment(conversationId, attachmentId);
  if (!held) return sendError(res, 404, 'no_attachment', 'No such photo is held for this conversation (or it expired).');
  res.writeHead(200, { ...PHOTO_HEADERS, 'Content-Type': held.meta.type, 'Content-Length': held.bytes.length });
  res.end(held.bytes);
  return undefined;
}
