-- The one line a front page says about the whole catalog ("One login. One data model. …").
ALTER TABLE site ADD COLUMN tagline text NOT NULL DEFAULT '';
