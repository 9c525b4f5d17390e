-- An article's feature image and an author's photo, as SQLite keeps them (0021 there).
ALTER TABLE articles ADD COLUMN feature_image integer;
ALTER TABLE authors ADD COLUMN avatar integer;
CREATE INDEX articles_by_feature_image ON articles (feature_image) WHERE feature_image IS NOT NULL;
CREATE INDEX authors_by_avatar ON authors (avatar) WHERE avatar IS NOT NULL;
