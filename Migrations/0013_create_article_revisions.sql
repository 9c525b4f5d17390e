-- Article revisions: every write of an article keeps the version it stored, numbered by the
-- article's revision, with the token that wrote it (its id and name, never its secret).
-- `document` is the version's writable fields as JSON (ArticleSnapshot), deflated like bodies.
-- Only the newest N per article are kept; they go with their article.
CREATE TABLE article_revisions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    token_id   INTEGER,
    token_name TEXT,
    document   BLOB NOT NULL,
    PRIMARY KEY (article_id, revision)
) STRICT;
