-- Article rows carry their Markdown, HTML and plaintext, so reading a row to learn whether
-- it is visible reads a large record. This covering index answers "is article N published,
-- since when, by whom" without touching the rows: counts of filtered lists, tag counts and
-- related-article scoring over large catalogues read only the index.

CREATE INDEX articles_visibility ON articles (id, status, published_at, author_id);
