-- PostgreSQL's text parser reads "<...>" as markup and drops it with the words around it
-- ("like <script> tags & deployment" kept neither "script" nor "deployment"), where SQLite's
-- tokenizer reads < and > as separators. Every text searched goes through masthead_search_text
-- first: < and > become two private-use characters (U+E002, U+E003; snippets mark matches
-- with U+E000 and U+E001), which the parser reads as separators and
-- snippets turn back (PostgresSearchStore). The stored article documents are made again.
CREATE FUNCTION masthead_search_text(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN translate($1, '<>', U&'\E002\E003');

UPDATE article_bodies b
SET search = setweight(to_tsvector('english', masthead_search_text(a.title)), 'A')
    || setweight(to_tsvector('english', masthead_search_text(a.excerpt)), 'B')
    || setweight(to_tsvector('english', masthead_search_text(b.plaintext)), 'C')
FROM articles a
WHERE a.id = b.article_id;
