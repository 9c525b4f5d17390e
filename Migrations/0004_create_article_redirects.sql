-- Slugs an article used to have. `GET /v1/articles/{old}` answers 301 to the current
-- slug, so links keep working after a rename. An old slug is freed again (its row
-- deleted) when another article takes it.

CREATE TABLE article_redirects (
    old_slug   TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX article_redirects_by_article ON article_redirects (article_id);
