-- BM25 weighs a word by how many documents in the index hold it and by their lengths. The
-- one index held every article, drafts and scheduled ones too, so writing only drafts moved
-- the scores (and so the order) of what the public finds, and of related articles filled by
-- similar words.
--
-- `public_search_index` is a second index over the public documents (`public_search_documents`:
-- those of `search_documents`, 0010, but articles only while searchable); public searches and
-- related articles rank by it. Its content being exactly what it indexes, FTS5's own
-- integrity check (rank 1) can compare the two, as the tests do after every kind of write. `search_index` keeps every article, for the lists a token reads (drafts found by
-- their words). `articles.searchable` says whether an article is in the public index. The
-- stores set it: in the transaction of every article write, for that article, and for every
-- article whose publication time has come (`SQLiteSearchIndex`); a public search or related
-- read first lets in those whose time came since the last write. The triggers below follow
-- the flag, so the public index always holds exactly the searchable articles' text.

ALTER TABLE articles ADD COLUMN searchable INTEGER NOT NULL DEFAULT 0;

CREATE VIEW public_search_documents (doc_id, title, excerpt, body) AS
    SELECT d.doc_id, d.title, d.excerpt, d.body FROM search_documents d
    WHERE d.doc_id < 0 OR EXISTS (SELECT 1 FROM articles a WHERE a.id = d.doc_id AND a.searchable = 1);

CREATE VIRTUAL TABLE public_search_index USING fts5 (
    title,
    excerpt,
    body,
    content = 'public_search_documents',
    content_rowid = 'doc_id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO public_search_index (public_search_index, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)');

-- Published articles not yet in the public index, by time: what a public search asks first.
CREATE INDEX articles_awaiting_search ON articles (published_at) WHERE searchable = 0 AND status = 'published';

CREATE TRIGGER public_search_article_body_insert AFTER INSERT ON article_bodies BEGIN
    INSERT INTO public_search_index (rowid, title, excerpt, body)
    SELECT a.id, a.title, a.excerpt, masthead_inflate(new.plaintext) FROM articles a
    WHERE a.id = new.article_id AND a.searchable = 1;
END;
CREATE TRIGGER public_search_article_body_update AFTER UPDATE OF plaintext ON article_bodies
WHEN old.plaintext IS NOT new.plaintext BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    SELECT 'delete', a.id, a.title, a.excerpt, masthead_inflate(old.plaintext) FROM articles a
    WHERE a.id = old.article_id AND a.searchable = 1;
    INSERT INTO public_search_index (rowid, title, excerpt, body)
    SELECT a.id, a.title, a.excerpt, masthead_inflate(new.plaintext) FROM articles a
    WHERE a.id = new.article_id AND a.searchable = 1;
END;
-- One trigger, so that the old text always leaves before the new one enters.
CREATE TRIGGER public_search_article_update AFTER UPDATE OF title, excerpt, searchable ON articles
WHEN old.searchable IS NOT new.searchable
    OR (new.searchable = 1 AND (old.title IS NOT new.title OR old.excerpt IS NOT new.excerpt)) BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    SELECT 'delete', old.id, old.title, old.excerpt, masthead_inflate(b.plaintext) FROM article_bodies b
    WHERE b.article_id = old.id AND old.searchable = 1;
    INSERT INTO public_search_index (rowid, title, excerpt, body)
    SELECT new.id, new.title, new.excerpt, masthead_inflate(b.plaintext) FROM article_bodies b
    WHERE b.article_id = new.id AND new.searchable = 1;
END;
CREATE TRIGGER public_search_article_delete BEFORE DELETE ON articles WHEN old.searchable = 1 BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    SELECT 'delete', old.id, old.title, old.excerpt, masthead_inflate(b.plaintext) FROM article_bodies b
    WHERE b.article_id = old.id;
END;

-- Authors, tags, platforms and services are always public: in both indexes alike.
CREATE TRIGGER public_search_author_insert AFTER INSERT ON authors BEGIN
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4), new.name, coalesce(new.location, ''), coalesce(new.bio, ''));
END;
CREATE TRIGGER public_search_author_update AFTER UPDATE OF name, location, bio ON authors BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4), old.name, coalesce(old.location, ''), coalesce(old.bio, ''));
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4), new.name, coalesce(new.location, ''), coalesce(new.bio, ''));
END;
CREATE TRIGGER public_search_author_delete AFTER DELETE ON authors BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4), old.name, coalesce(old.location, ''), coalesce(old.bio, ''));
END;
CREATE TRIGGER public_search_tag_insert AFTER INSERT ON tags BEGIN
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4 + 1), new.name, coalesce(new.description, ''), '');
END;
CREATE TRIGGER public_search_tag_update AFTER UPDATE OF name, description ON tags BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 1), old.name, coalesce(old.description, ''), '');
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4 + 1), new.name, coalesce(new.description, ''), '');
END;
CREATE TRIGGER public_search_tag_delete AFTER DELETE ON tags BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 1), old.name, coalesce(old.description, ''), '');
END;
CREATE TRIGGER public_search_platform_insert AFTER INSERT ON platforms BEGIN
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4 + 2), new.name, new.focus || '. ' || new.tagline, new.description);
END;
CREATE TRIGGER public_search_platform_update AFTER UPDATE OF name, focus, tagline, description ON platforms BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 2), old.name, old.focus || '. ' || old.tagline, old.description);
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4 + 2), new.name, new.focus || '. ' || new.tagline, new.description);
END;
CREATE TRIGGER public_search_platform_delete AFTER DELETE ON platforms BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 2), old.name, old.focus || '. ' || old.tagline, old.description);
END;
CREATE TRIGGER public_search_service_insert AFTER INSERT ON services BEGIN
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4 + 3), new.title, new.subtitle, new.description);
END;
CREATE TRIGGER public_search_service_update AFTER UPDATE OF title, subtitle, description ON services BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 3), old.title, old.subtitle, old.description);
    INSERT INTO public_search_index (rowid, title, excerpt, body) VALUES (-(new.id * 4 + 3), new.title, new.subtitle, new.description);
END;
CREATE TRIGGER public_search_service_delete AFTER DELETE ON services BEGIN
    INSERT INTO public_search_index (public_search_index, rowid, title, excerpt, body)
    VALUES ('delete', -(old.id * 4 + 3), old.title, old.subtitle, old.description);
END;
-- Index what is there: every document but the articles, then the articles public now (by
-- the trigger above). Any whose time the server's clock says has come enter at its first
-- public search.
INSERT INTO public_search_index (rowid, title, excerpt, body)
SELECT doc_id, title, excerpt, body FROM search_documents WHERE doc_id < 0;
UPDATE articles SET searchable = 1
WHERE status = 'published' AND published_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
