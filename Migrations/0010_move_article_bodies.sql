-- Article rows carried three copies of the body (Markdown, HTML, plaintext), and the search
-- index a fourth (0006). Every list, count, join and visibility check read the rows, and
-- so walked the bodies' overflow pages; the database was three times the size of its text.
--
-- Now:
--   * `articles` holds only what lists, filters, counts and joins read;
--   * `article_bodies` holds the Markdown as written and the plaintext (deflated, see
--     CompressedText.swift: `masthead_deflate`/`masthead_inflate`), one row per article;
--   * HTML is not stored: it is rendered from the Markdown when read, and the response
--     cache keeps what it renders;
--   * `search_index` is an external-content FTS5 index: it stores its postings, not the
--     text, and reads the text (for snippets) through the view `search_documents`.
--
-- Documents in the index, by rowid ("doc id"): an article is its own id (> 0); the other
-- kinds are negative, -(id * 4 + k) with k = 0 author, 1 tag, 2 platform, 3 service. So a
-- search filters kinds and joins articles by rowid alone, without reading any text.
-- Each negative mapping has an index on its expression, so that the view finds one
-- document by doc id without scanning its table.
--
-- External content means the index is told what it held when a document changes: the
-- triggers below pass the old text with 'delete' before the new one is inserted.

DROP TRIGGER search_article_insert;
DROP TRIGGER search_article_update;
DROP TRIGGER search_article_delete;
DROP TRIGGER search_author_insert;
DROP TRIGGER search_author_update;
DROP TRIGGER search_author_delete;
DROP TRIGGER search_tag_insert;
DROP TRIGGER search_tag_update;
DROP TRIGGER search_tag_delete;
DROP TRIGGER search_platform_insert;
DROP TRIGGER search_platform_update;
DROP TRIGGER search_platform_delete;
DROP TRIGGER search_service_insert;
DROP TRIGGER search_service_update;
DROP TRIGGER search_service_delete;
DROP TABLE search_index;

CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    markdown   TEXT NOT NULL,
    plaintext  BLOB NOT NULL
) STRICT;

INSERT INTO article_bodies (article_id, markdown, plaintext)
SELECT id, body_markdown, masthead_deflate(body_plaintext) FROM articles;

-- The narrow table, copied in one pass; its indexes are those of 0001, 0007 and 0009.
CREATE TABLE articles_narrow (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    title                TEXT NOT NULL,
    custom_excerpt       TEXT,
    excerpt              TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    featured             INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    published_at         TEXT,
    author_id            INTEGER NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
    word_count           INTEGER NOT NULL CHECK (word_count >= 0),
    reading_time_minutes INTEGER NOT NULL CHECK (reading_time_minutes >= 1),
    views                INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
    cover_image_url      TEXT,
    cover_image_alt      TEXT,
    seo_title            TEXT,
    seo_description      TEXT,
    canonical_url        TEXT,
    revision             INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (status = 'draft' OR published_at IS NOT NULL)
) STRICT;

INSERT INTO articles_narrow
SELECT id, slug, title, custom_excerpt, excerpt, status, featured, published_at, author_id, word_count,
       reading_time_minutes, views, cover_image_url, cover_image_alt, seo_title, seo_description,
       canonical_url, revision, created_at, updated_at
FROM articles;

DROP TABLE articles;
ALTER TABLE articles_narrow RENAME TO articles;

CREATE INDEX articles_by_published_at ON articles (status, published_at, id);
CREATE INDEX articles_by_author ON articles (author_id, published_at, id);
CREATE INDEX articles_by_updated_at ON articles (updated_at, id);
CREATE INDEX articles_by_title ON articles (title COLLATE NOCASE, id);
CREATE INDEX articles_by_views ON articles (views, id);
CREATE INDEX articles_featured ON articles (published_at, id) WHERE featured = 1;
CREATE INDEX articles_visibility ON articles (id, status, published_at, author_id);
CREATE INDEX articles_sitemap ON articles (status, published_at, id, slug, updated_at, canonical_url);

CREATE VIEW search_documents (doc_id, title, excerpt, body) AS
    SELECT a.id, a.title, a.excerpt, masthead_inflate(b.plaintext)
    FROM articles a JOIN article_bodies b ON b.article_id = a.id
    UNION ALL SELECT -(id * 4), name, coalesce(location, ''), coalesce(bio, '') FROM authors
    UNION ALL SELECT -(id * 4 + 1), name, coalesce(description, ''), '' FROM tags
    UNION ALL SELECT -(id * 4 + 2), name, focus || '. ' || tagline, description FROM platforms
    UNION ALL SELECT -(id * 4 + 3), title, subtitle, description FROM services;

CREATE INDEX authors_search_document ON authors (-(id * 4));
CREATE INDEX tags_search_document ON tags (-(id * 4 + 1));
CREATE INDEX platforms_search_document ON platforms (-(id * 4 + 2));
CREATE INDEX services_search_document ON services (-(id * 4 + 3));

-- Porter stemming lets "deploying" find "deployment"; diacritics are folded. Ranking is
-- BM25 with the title weighing 10, the excerpt 5 and the body 1 (the index's `rank`).
CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    excerpt,
    body,
    content = 'search_documents',
    content_rowid = 'doc_id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)');

-- An article enters the index with its body (the row in `articles` comes first).
CREATE TRIGGER search_article_body_insert AFTER INSERT ON article_bodies BEGIN
    INSERT INTO search_index (rowid, title, excerpt, body)
    SELECT a.id, a.title, a.excerpt, masthead_inflate(new.plaintext) FROM articles a WHERE a.id = new.article_id;
END;
CREATE TRIGGER search_article_body_update AFTER UPDATE OF plaintext ON article_bodies
WHEN old.plaintext IS NOT new.plaintext BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    SELECT 'delete', a.id, a.title, a.excerpt, masthead_inflate(old.plaintext) FROM articles a WHERE a.id = old.article_id;
    INSERT INTO search_index (rowid, title, excerpt, body)
    SELECT a.id, a.title, a.excerpt, masthead_inflate(new.plaintext) FROM articles a WHERE a.id = new.article_id;
END;
CREATE TRIGGER search_article_update AFTER UPDATE OF title, excerpt ON articles
WHEN old.title IS NOT new.title OR old.excerpt IS NOT new.excerpt BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    SELECT 'delete', old.id, old.title, old.excerpt, masthead_inflate(b.plaintext) FROM article_bodies b WHERE b.article_id = old.id;
    INSERT INTO search_index (rowid, title, excerpt, body)
    SELECT new.id, new.title, new.excerpt, masthead_inflate(b.plaintext) FROM article_bodies b WHERE b.article_id = new.id;
END;
-- Before the row goes: its body goes with it (ON DELETE CASCADE) and the old text is needed.
CREATE TRIGGER search_article_delete BEFORE DELETE ON articles BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    SELECT 'delete', old.id, old.title, old.excerpt, masthead_inflate(b.plaintext) FROM article_bodies b WHERE b.article_id = old.id;
END;

CREATE TRIGGER search_author_insert AFTER INSERT ON authors BEGIN
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4), new.name, coalesce(new.location, ''), coalesce(new.bio, ''));
END;
CREATE TRIGGER search_author_update AFTER UPDATE OF name, location, bio ON authors BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4), old.name, coalesce(old.location, ''), coalesce(old.bio, ''));
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4), new.name, coalesce(new.location, ''), coalesce(new.bio, ''));
END;
CREATE TRIGGER search_author_delete AFTER DELETE ON authors BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4), old.name, coalesce(old.location, ''), coalesce(old.bio, ''));
END;

CREATE TRIGGER search_tag_insert AFTER INSERT ON tags BEGIN
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4 + 1), new.name, coalesce(new.description, ''), '');
END;
CREATE TRIGGER search_tag_update AFTER UPDATE OF name, description ON tags BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 1), old.name, coalesce(old.description, ''), '');
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4 + 1), new.name, coalesce(new.description, ''), '');
END;
CREATE TRIGGER search_tag_delete AFTER DELETE ON tags BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 1), old.name, coalesce(old.description, ''), '');
END;

CREATE TRIGGER search_platform_insert AFTER INSERT ON platforms BEGIN
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4 + 2), new.name, new.focus || '. ' || new.tagline, new.description);
END;
CREATE TRIGGER search_platform_update AFTER UPDATE OF name, focus, tagline, description ON platforms BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 2), old.name, old.focus || '. ' || old.tagline, old.description);
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4 + 2), new.name, new.focus || '. ' || new.tagline, new.description);
END;
CREATE TRIGGER search_platform_delete AFTER DELETE ON platforms BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 2), old.name, old.focus || '. ' || old.tagline, old.description);
END;

CREATE TRIGGER search_service_insert AFTER INSERT ON services BEGIN
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4 + 3), new.title, new.subtitle, new.description);
END;
CREATE TRIGGER search_service_update AFTER UPDATE OF title, subtitle, description ON services BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 3), old.title, old.subtitle, old.description);
    INSERT INTO search_index (rowid, title, excerpt, body)
    VALUES (-(new.id * 4 + 3), new.title, new.subtitle, new.description);
END;
CREATE TRIGGER search_service_delete AFTER DELETE ON services BEGIN
    INSERT INTO search_index (search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 3), old.title, old.subtitle, old.description);
END;

-- Index what is already there, reading it through the view.
INSERT INTO search_index (search_index) VALUES ('rebuild');
