// Entry of the thumbs chunk (natter.thumbs.<hash>.js, manifest key
// thumbs_js): an answer's thumbs and the stars after a person handed the
// conversation back, with their CSS, English and POST. Its only statement
// hands startThumbs to the hook load-thumbs.js set.
//
//   startThumbs({ ctx, doc, t })   adopts the CSS into ctx.root and watches its
//                                  conversation list (.log) for finished answers
//                                  and handed-back notices; nothing on a page
//                                  with a token URL (feedback-post.js)
import { createThumbs } from './thumbs.js';
import { THUMBS_CSS } from './thumbs-styles.js';
import { createHandoffRating } from './handoff-rating.js';
import { feedbackPoster } from './feedback-post.js';
import { sheetOf } from './dom.js';
import { withEnglish } from '../i18n/chunk-english.js';
import enThumbs from '../i18n/en-thumbs.js';
import { safeStorage } from '../platform.js';

function startThumbs({ ctx, doc, t }) {
  const win = doc.defaultView;
  const post = feedbackPoster({
    dataset: ctx.connection, pageUrl: win.location.href, storage: safeStorage(() => win.sessionStorage), fetch: (...a) => win.fetch(...a),
  });
  if (!post) return null;
  const sheet = ctx.root.adoptedStyleSheets ? sheetOf(THUMBS_CSS) : null;
  if (sheet) ctx.root.adoptedStyleSheets = [...ctx.root.adoptedStyleSheets, sheet];
  const list = ctx.root.querySelector('.log');
  const said = withEnglish(t, enThumbs);
  const watchers = [createThumbs({ doc, list, t: said, send: post.thumb }), createHandoffRating({ doc, list, t: said, rate: post.rate })];
  return { stop: () => watchers.forEach((w) => w.stop()) };
}

window.natter.__thumbs({ startThumbs });
