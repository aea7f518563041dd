// Product cards and reply chips, what a reply may carry beyond its text
// (product_card_shown, suggestions_shown). Their own chunk
// (reply-parts-chunk.js): a first chat's reply is text, so the core bundle
// does not carry their drawing, CSS or English; messages.js places them
// and load-reply-parts.js downloads this once the panel opened, or when the
// first card or chip set arrives.
//
//   const parts = createReplyParts({ doc, root, t, dispatch });   adopts the CSS into root
//   createReplyParts({ doc, ctx, t, dispatch })   the same in root = ctx.root
//                                  (build-ui.js), and starts the answers'
//                                  thumbs (load-thumbs.js) with boot.js's ctx
//   parts.card(card, onToggle)     {node, button}: the card, with its Save
//                                  toggle beside it when savable (button null
//                                  otherwise); onToggle(product_id)
//   parts.suggestions(e, onTap)    the chips' row; onTap(text)
//   parts.action(e, available)    an action's confirm card (action-card.js):
//                                  its taps are the core's events, dispatch(event)
//   parts.setAction(e)             action_changed: the card of e.action_id shows it
import { renderProductCard, renderSaveToggle } from './product-card.js';
import { renderSuggestions } from './suggestions.js';
import { renderActionCard } from './action-card.js';
import { replyPartsSheet } from './reply-parts-styles.js';
import { withEnglish } from '../i18n/chunk-english.js';
import { startLazyThumbs } from './load-thumbs.js';
import enReplyParts from '../i18n/en-reply-parts.js';

export function createReplyParts({ doc, ctx = null, root = ctx?.root, t: translate, dispatch = () => {} }) {
  if (ctx) startLazyThumbs({ ctx, doc, t: translate });
  const sheet = root?.adoptedStyleSheets ? replyPartsSheet() : null;
  if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const t = withEnglish(translate, enReplyParts);
  const actionCards = new Map(); // action_id -> {node, set}: every conversation's
  function card(c, onToggle) {
    const link = renderProductCard(doc, c, { locale: t.tag });
    if (c.savable === false) return { node: link, button: null };
    const node = doc.createElement('div');
    node.className = 'card-item';
    const button = renderSaveToggle(doc, c, { t, onToggle });
    node.append(link, button);
    return { node, button };
  }
  return {
    card,
    suggestions: (e, onTap) => renderSuggestions(doc, e, { t, onTap }),
    action(e, available) {
      const drawn = renderActionCard(doc, e, { t, locale: t.tag, available, dispatch });
      actionCards.set(e.action_id, drawn);
      return drawn.node;
    },
    setAction: (e) => actionCards.get(e.action_id)?.set(e),
  };
}
