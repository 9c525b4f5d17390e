-- The sitemap lists up to 50,000 published articles by address and last change. Article
-- rows carry their bodies, so reading those three columns from the rows reads every large
-- record; this covering index answers the sitemap's query from the index alone.

CREATE INDEX articles_sitemap ON articles (status, published_at, id, slug, updated_at, canonical_url);
