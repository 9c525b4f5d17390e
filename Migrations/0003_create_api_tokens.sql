-- API tokens. Only the SHA-256 of a token is stored: a copy of the database cannot be
-- used to authenticate. `scopes` is a space-separated list (content:read, content:write,
-- admin). A token is valid while it is neither revoked nor past `expires_at`.

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT
) STRICT;
