-- Full-text search of articles: each body carries its article's weighted document (title A,
-- excerpt B, body C, English stemming), written by the article writes, with a GIN index.
-- Authors, tags, platforms and services are few and short; their documents are made when
-- searched.
ALTER TABLE article_bodies ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX article_bodies_search ON article_bodies USING gin (search);
