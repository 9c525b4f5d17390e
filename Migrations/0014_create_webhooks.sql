-- Webhooks and their outbox. A content write records its event (webhook_events) and one
-- delivery per subscribed webhook (webhook_deliveries) in its own transaction, so there is
-- no event without its change and no change without its event; a background service sends
-- the deliveries, each webhook's in order, and keeps trying for a day.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    -- The event types it wants, comma-separated, each a type, `kind.*` or `*`.
    events          TEXT NOT NULL,
    active          INTEGER NOT NULL CHECK (active IN (0, 1)),
    description     TEXT,
    secret          BLOB NOT NULL CHECK (length(secret) = 32),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- Why delivery stopped by itself (failing for a day), until someone sets it active again.
    disabled_reason TEXT
) STRICT;

CREATE TABLE webhook_events (
    id            INTEGER PRIMARY KEY,
    type          TEXT NOT NULL,
    resource      TEXT NOT NULL,
    slug          TEXT,
    previous_slug TEXT,
    occurred_at   TEXT NOT NULL,
    -- Not sent before this time: a scheduled article's article.published waits for its
    -- published_at, and is dropped if the article is no longer published at that time then.
    available_at  TEXT NOT NULL,
    published_at  TEXT,
    -- The payload, made once when first sent, so that every attempt sends the same bytes.
    body          BLOB
) STRICT;

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id         INTEGER NOT NULL REFERENCES webhook_events(id),
    -- pending, delivered, failed (gave up after a day), skipped (superseded before it was sent)
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    available_at     TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    leased_until     TEXT,
    last_status_code INTEGER,
    last_error       TEXT,
    last_latency_ms  INTEGER,
    created_at       TEXT NOT NULL,
    finished_at      TEXT
) STRICT;
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, available_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
