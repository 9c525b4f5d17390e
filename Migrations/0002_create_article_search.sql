-- Full-text search over articles (SQLite FTS5), kept in sync by triggers so that
-- every write path, present and future, updates it in the same transaction.
-- Porter stemming lets "deploying" find "deployment"; diacritics are folded.
-- An external-content table: the text lives once, in `articles`.

CREATE VIRTUAL TABLE article_search USING fts5 (
    title,
    excerpt,
    body_plaintext,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER article_search_after_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search (rowid, title, excerpt, body_plaintext)
    VALUES (new.id, new.title, new.excerpt, new.body_plaintext);
END;

CREATE TRIGGER article_search_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, title, excerpt, body_plaintext)
    VALUES ('delete', old.id, old.title, old.excerpt, old.body_plaintext);
END;

-- Only a change to the indexed text touches the index: view counts do not.
CREATE TRIGGER article_search_after_update AFTER UPDATE OF title, excerpt, body_plaintext ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, title, excerpt, body_plaintext)
    VALUES ('delete', old.id, old.title, old.excerpt, old.body_plaintext);
    INSERT INTO article_search (rowid, title, excerpt, body_plaintext)
    VALUES (new.id, new.title, new.excerpt, new.body_plaintext);
END;
