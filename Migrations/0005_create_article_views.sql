-- Views per article and per UTC day ('YYYY-MM-DD'), so that popularity can be asked for
-- over a window. articles.views keeps the all-time total. Both are written only by the
-- view counter's periodic flush, one transaction per flush.

CREATE TABLE article_views_daily (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    views      INTEGER NOT NULL CHECK (views > 0),
    PRIMARY KEY (article_id, day)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_views_daily_by_day ON article_views_daily (day, article_id);
