-- A token's own rate limit, units a minute; NULL: not limited (SQLite's 0018 is the twin).
ALTER TABLE api_tokens ADD COLUMN rate_limit integer CHECK (rate_limit IS NULL OR rate_limit > 0);
