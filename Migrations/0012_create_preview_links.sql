-- Preview links: each lets anyone holding its token read one article, draft or scheduled,
-- until it expires or is deleted (with its article, too). Tokens are not stored: they are
-- an HMAC under the secret kept in server_secrets, which rotating revokes them all.

CREATE TABLE preview_links (
    id                    INTEGER PRIMARY KEY,
    article_id            INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    created_at            TEXT NOT NULL,
    expires_at            TEXT NOT NULL,
    created_by_token_id   INTEGER,
    created_by_token_name TEXT
) STRICT;
CREATE INDEX preview_links_by_article ON preview_links (article_id, id);

CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    secret BLOB NOT NULL CHECK (length(secret) = 32)
) STRICT, WITHOUT ROWID;
