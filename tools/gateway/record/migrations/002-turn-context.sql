-- The page context a shopper's turn was sent from (JSON: page path and
-- title, product, variant, cart), so a conversation reads back with the
-- page it had at each turn.
ALTER TABLE turns ADD COLUMN context TEXT;
