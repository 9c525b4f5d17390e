-- A tag's timeline (the newest 20 tagged `go`, and how many there are) read the row of
-- every article with the tag, to check that it is visible and to order it. `visible_from`
-- copies onto each link the time its article is public from: the article's published_at
-- when an editor published it, NULL for a draft. "Visible at t" is then
-- `visible_from <= t` (PublicVisibility.taggedCondition), and the index below answers a
-- tag's count and its newest pages from the index alone. Triggers keep the copy exact.

ALTER TABLE article_tags ADD COLUMN visible_from TEXT;

UPDATE article_tags SET visible_from = (
    SELECT CASE WHEN a.status = 'published' THEN a.published_at END FROM articles a WHERE a.id = article_tags.article_id
);

CREATE INDEX article_tags_by_tag_and_time ON article_tags (tag_id, visible_from, article_id);

CREATE TRIGGER article_tags_visible_from_insert AFTER INSERT ON article_tags BEGIN
    UPDATE article_tags SET visible_from = (
        SELECT CASE WHEN a.status = 'published' THEN a.published_at END FROM articles a WHERE a.id = new.article_id
    )
    WHERE article_id = new.article_id AND tag_id = new.tag_id;
END;

CREATE TRIGGER article_tags_visible_from_update AFTER UPDATE OF status, published_at ON articles
WHEN old.status IS NOT new.status OR old.published_at IS NOT new.published_at BEGIN
    UPDATE article_tags SET visible_from = CASE WHEN new.status = 'published' THEN new.published_at END
    WHERE article_id = new.id;
END;
