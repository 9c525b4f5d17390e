-- One full-text index for every kind of content, so that one query ranks articles,
-- authors, tags, platforms and services against each other with the same BM25 statistics.
-- It replaces article_search (0002). Rows are kept in sync by triggers, so every write
-- path updates the index in its own transaction.
--
-- rowid = ref_id * 8 + kind code (article 1, author 2, tag 3, platform 4, service 5):
-- a trigger finds its row by rowid, without scanning. `title`, `excerpt` and `body`
-- are weighted by the query (BM25), title highest.

DROP TRIGGER article_search_after_insert;
DROP TRIGGER article_search_after_delete;
DROP TRIGGER article_search_after_update;
DROP TABLE article_search;

CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref_id UNINDEXED,
    slug UNINDEXED,
    title,
    excerpt,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Articles (visibility is checked when searching: scheduled ones become visible by time).
CREATE TRIGGER search_article_insert AFTER INSERT ON articles BEGIN
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 1, 'article', new.id, new.slug, new.title, new.excerpt, new.body_plaintext);
END;
CREATE TRIGGER search_article_update AFTER UPDATE OF slug, title, excerpt, body_plaintext ON articles BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 1, 'article', new.id, new.slug, new.title, new.excerpt, new.body_plaintext);
END;
CREATE TRIGGER search_article_delete AFTER DELETE ON articles BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

CREATE TRIGGER search_author_insert AFTER INSERT ON authors BEGIN
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 2, 'author', new.id, new.slug, new.name, coalesce(new.location, ''), coalesce(new.bio, ''));
END;
CREATE TRIGGER search_author_update AFTER UPDATE OF slug, name, location, bio ON authors BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 2, 'author', new.id, new.slug, new.name, coalesce(new.location, ''), coalesce(new.bio, ''));
END;
CREATE TRIGGER search_author_delete AFTER DELETE ON authors BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

CREATE TRIGGER search_tag_insert AFTER INSERT ON tags BEGIN
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 3, 'tag', new.id, new.slug, new.name, coalesce(new.description, ''), '');
END;
CREATE TRIGGER search_tag_update AFTER UPDATE OF slug, name, description ON tags BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 3, 'tag', new.id, new.slug, new.name, coalesce(new.description, ''), '');
END;
CREATE TRIGGER search_tag_delete AFTER DELETE ON tags BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER search_platform_insert AFTER INSERT ON platforms BEGIN
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 4, 'platform', new.id, new.slug, new.name, new.focus || '. ' || new.tagline, new.description);
END;
CREATE TRIGGER search_platform_update AFTER UPDATE OF slug, name, focus, tagline, description ON platforms BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 4, 'platform', new.id, new.slug, new.name, new.focus || '. ' || new.tagline, new.description);
END;
CREATE TRIGGER search_platform_delete AFTER DELETE ON platforms BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;

CREATE TRIGGER search_service_insert AFTER INSERT ON services BEGIN
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 5, 'service', new.id, new.slug, new.title, new.subtitle, new.description);
END;
CREATE TRIGGER search_service_update AFTER UPDATE OF slug, title, subtitle, description ON services BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
    INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
    VALUES (new.id * 8 + 5, 'service', new.id, new.slug, new.title, new.subtitle, new.description);
END;
CREATE TRIGGER search_service_delete AFTER DELETE ON services BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;

-- Index what is already there.
INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
SELECT id * 8 + 1, 'article', id, slug, title, excerpt, body_plaintext FROM articles;
INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
SELECT id * 8 + 2, 'author', id, slug, name, coalesce(location, ''), coalesce(bio, '') FROM authors;
INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
SELECT id * 8 + 3, 'tag', id, slug, name, coalesce(description, ''), '' FROM tags;
INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
SELECT id * 8 + 4, 'platform', id, slug, name, focus || '. ' || tagline, description FROM platforms;
INSERT INTO search_index (rowid, kind, ref_id, slug, title, excerpt, body)
SELECT id * 8 + 5, 'service', id, slug, title, subtitle, description FROM services;
