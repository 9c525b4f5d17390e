-- Article revisions, as SQLite keeps them (0013 there): every write of an article keeps the
-- version it stored, numbered by the article's revision, with the token that wrote it (its id
-- and name, never its secret). `document` is the version's writable fields as JSON
-- (ArticleSnapshot; TOAST compresses it). Only the newest N per article are kept.
CREATE TABLE article_revisions (
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision   integer NOT NULL,
    created_at timestamptz NOT NULL,
    token_id   bigint,
    token_name text,
    document   text NOT NULL,
    PRIMARY KEY (article_id, revision)
);
