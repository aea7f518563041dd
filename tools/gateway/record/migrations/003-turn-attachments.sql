-- The photos a shopper's turn named (JSON: [{id, type, size, width,
-- height}]): what they were, not their bytes. The bytes stay in the
-- gateway's store only as long as the message's idempotency record (24 h),
-- so History shows a photo while it is held and says it is no longer kept
-- after; erasing the conversation erases this with its turns.
ALTER TABLE turns ADD COLUMN attachments TEXT;
