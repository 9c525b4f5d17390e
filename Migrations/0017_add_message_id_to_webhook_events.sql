-- A webhook event's `webhook-id` was `msg_` and its rowid, and SQLite gives a rowid again
-- once the largest is deleted: after pruning, a later event could carry an id a receiver had
-- already seen, and be dropped as a repeat. Each event now gets a random id when it is
-- recorded (`WebhookMessageID`); events already recorded keep the id they were sent with.
ALTER TABLE webhook_events ADD COLUMN message_id TEXT;
UPDATE webhook_events SET message_id = 'msg_' || id;
CREATE UNIQUE INDEX webhook_events_by_message_id ON webhook_events (message_id);
