-- Each webhook event's `webhook-id`, made at random when it is recorded (`WebhookMessageID`),
-- so that ids never repeat across pruning, engines and imports; events already recorded keep
-- the id they were sent with (SQLite's 0017 is the twin).
ALTER TABLE webhook_events ADD COLUMN message_id text;
UPDATE webhook_events SET message_id = 'msg_' || id;
ALTER TABLE webhook_events ALTER COLUMN message_id SET NOT NULL;
CREATE UNIQUE INDEX webhook_events_by_message_id ON webhook_events (message_id);
