-- The publication's content: site settings, authors, tags, articles and the
-- product catalog (platforms, services and the links between them).
--
-- Times are TEXT in RFC 3339 UTC with second precision ("2026-11-28T09:30:00Z"):
-- the API's own format, fixed width, so they compare and sort as text.
-- `revision` starts at 1 and grows with every write to a row; it feeds ETags.

CREATE TABLE site (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL,
    locale      TEXT NOT NULL DEFAULT 'en',
    timezone    TEXT NOT NULL DEFAULT 'UTC',
    revision    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE authors (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    bio         TEXT,
    avatar_url  TEXT,
    website_url TEXT,
    location    TEXT,
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX authors_by_name ON authors (name COLLATE NOCASE, id);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT,
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX tags_by_name ON tags (name COLLATE NOCASE, id);

-- `status` is what an editor chose: 'draft' or 'published'. A published article
-- whose published_at is still in the future is served as 'scheduled' and stays
-- invisible to the public until then, so no job has to flip it.
-- `custom_excerpt` is the editor's excerpt, if any; `excerpt` is what is served
-- (the custom one, or the start of the plaintext), computed on write like the
-- rendered HTML, the plaintext, the word count and the reading time.
CREATE TABLE articles (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    title                TEXT NOT NULL,
    custom_excerpt       TEXT,
    excerpt              TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    featured             INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    published_at         TEXT,
    author_id            INTEGER NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
    body_markdown        TEXT NOT NULL,
    body_html            TEXT NOT NULL,
    body_plaintext       TEXT NOT NULL,
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

-- The public list: visible articles newest first, keyset-paged on (published_at, id).
CREATE INDEX articles_by_published_at ON articles (status, published_at, id);
CREATE INDEX articles_by_author ON articles (author_id, published_at, id);
CREATE INDEX articles_by_updated_at ON articles (updated_at, id);
CREATE INDEX articles_by_title ON articles (title COLLATE NOCASE, id);
CREATE INDEX articles_by_views ON articles (views, id);
CREATE INDEX articles_featured ON articles (published_at, id) WHERE featured = 1;

-- An article's tags, in the editor's order; position 0 is the primary tag.
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (article_id, tag_id),
    UNIQUE (article_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

CREATE TABLE platforms (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    focus       TEXT NOT NULL,
    tagline     TEXT NOT NULL,
    description TEXT NOT NULL,
    url         TEXT,
    position    INTEGER NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX platforms_by_position ON platforms (position, id);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    subtitle    TEXT NOT NULL,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX services_by_position ON services (position, id);

-- Which platforms deliver which service. Both sides are listed in their own
-- `position` order, so the link needs no order of its own.
CREATE TABLE platform_services (
    platform_id INTEGER NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (platform_id, service_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX platform_services_by_service ON platform_services (service_id, platform_id);

-- A new database serves placeholder settings until an admin (or --demo) sets its own.
INSERT INTO site (id, title, description, url, locale, timezone, updated_at)
VALUES (1, 'Untitled publication', '', 'http://127.0.0.1:8080', 'en', 'UTC', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
