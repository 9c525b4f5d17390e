-- Ranking a search read every match's whole document: an article's is about 9 KB, kept out
-- of line (TOAST, and it does not compress), and reading it back cost ~8 µs a match, 10-15 ms
-- for a common word on 10,000 articles. Matches are still found in the whole document
-- (`search`); they are ranked by a small one kept in the row: the title (A), the excerpt (B)
-- and the body's first 1,000 characters (C), about 1.4 KB, read in ~1 µs. An article that
-- matches only further into its body ranks after those that match in its title, excerpt or
-- lead.
-- The document matched, as 0003 made it, now named so that writes and migrations share it.
CREATE FUNCTION masthead_article_document(title text, excerpt text, plaintext text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN setweight(to_tsvector('english', masthead_search_text(title)), 'A')
        || setweight(to_tsvector('english', masthead_search_text(excerpt)), 'B')
        || setweight(to_tsvector('english', masthead_search_text(plaintext)), 'C');

CREATE FUNCTION masthead_rank_document(title text, excerpt text, plaintext text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN setweight(to_tsvector('english', masthead_search_text(title)), 'A')
        || setweight(to_tsvector('english', masthead_search_text(excerpt)), 'B')
        || setweight(to_tsvector('english', masthead_search_text(left(plaintext, 1000))), 'C');

ALTER TABLE article_bodies ADD COLUMN rank_document tsvector NOT NULL DEFAULT '';
-- In the row unless it cannot fit (a title and an excerpt at their limits).
ALTER TABLE article_bodies ALTER COLUMN rank_document SET STORAGE MAIN;

-- A search joined every visible article to its matches (a hash of all of them: 8 ms at
-- 10,000). The body now carries when the public may see it, as tag links do (0001): the
-- article's published_at while its stored status is published, NULL otherwise.
ALTER TABLE article_bodies ADD COLUMN visible_from timestamptz;

UPDATE article_bodies b
SET rank_document = masthead_rank_document(a.title, a.excerpt, b.plaintext),
    visible_from = CASE WHEN a.status = 'published' THEN a.published_at END
FROM articles a
WHERE a.id = b.article_id;

-- Every body row was written again: move their new entries out of the search index's pending
-- list and refresh the statistics now, not at the next autovacuum (searches scan the pending
-- list and plan from statistics).
SELECT gin_clean_pending_list('article_bodies_search'::regclass);
ANALYZE article_bodies;
