-- An article's feature image and an author's photo: media assets, by id. Not foreign keys:
-- an export of content can be imported without its media, and an asset that content uses
-- is refused deletion by the media store itself (409, naming where it is used).
ALTER TABLE articles ADD COLUMN feature_image INTEGER;
ALTER TABLE authors ADD COLUMN avatar INTEGER;
CREATE INDEX articles_by_feature_image ON articles (feature_image) WHERE feature_image IS NOT NULL;
CREATE INDEX authors_by_avatar ON authors (avatar) WHERE avatar IS NOT NULL;
