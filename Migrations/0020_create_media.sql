-- Media assets: uploaded files, addressed by id in the API and by the SHA-256 of their bytes
-- in image URLs. The bytes live in this database too (media_parts, 256 KiB a row), so that
-- `masthead backup`, Litestream and every reader of the file see the same assets as the rows
-- that describe them, and a write of both is one transaction.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Lower-case hex SHA-256 of the bytes: the same bytes are one asset.
    hash        TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    filename    TEXT NOT NULL,
    -- Sniffed from the bytes, never taken from the upload's headers.
    media_type  TEXT NOT NULL,
    byte_size   INTEGER NOT NULL CHECK (byte_size >= 0),
    width       INTEGER,
    height      INTEGER,
    -- An image's average colour as #rrggbb: what a page shows while the image loads.
    placeholder TEXT,
    alt         TEXT,
    caption     TEXT,
    credit      TEXT,
    -- Where a cover crop keeps its centre, each 0…1 from the left and from the top.
    focal_x     REAL NOT NULL DEFAULT 0.5 CHECK (focal_x BETWEEN 0 AND 1),
    focal_y     REAL NOT NULL DEFAULT 0.5 CHECK (focal_y BETWEEN 0 AND 1),
    -- The name of the token that uploaded it.
    uploaded_by TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX media_by_type ON media (media_type, id);

CREATE TABLE media_parts (
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    part     INTEGER NOT NULL,
    bytes    BLOB NOT NULL,
    PRIMARY KEY (media_id, part)
) STRICT;
