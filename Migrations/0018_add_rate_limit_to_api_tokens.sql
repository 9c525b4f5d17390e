-- A token may have a rate limit of its own: units a minute (and at once) it may spend, as
-- requests without a token spend theirs. NULL: not limited (every token made before).
ALTER TABLE api_tokens ADD COLUMN rate_limit INTEGER CHECK (rate_limit IS NULL OR rate_limit > 0);
