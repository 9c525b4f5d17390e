-- Every stored time in its one canonical form: RFC 3339 UTC, second precision, a
-- four-digit year ("2026-11-28T09:30:00Z"), the only form that compares as text the way
-- the instants compare. Earlier versions could store other forms: `masthead import` kept
-- times as written ("2026-11-28T09:30:00-10:00" sorted ten hours early), and the API
-- stored instants past 9999-12-31T23:59:59Z as five-digit years ("10000-01-01T00:59:59Z",
-- which sorts before every four-digit year, so a far-future article went live at once).
--
-- strftime converts any offset to UTC and drops fractions; it gives NULL for an instant
-- past the year 9999, which becomes the latest representable time (a scheduled article
-- stays scheduled), and an instant before the year 0001 becomes the earliest.

UPDATE site SET updated_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) END
    WHERE updated_at IS NOT NULL AND updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', updated_at);

UPDATE authors SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE authors SET updated_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) END
    WHERE updated_at IS NOT NULL AND updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', updated_at);

UPDATE tags SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE tags SET updated_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) END
    WHERE updated_at IS NOT NULL AND updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', updated_at);

UPDATE articles SET published_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', published_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', published_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', published_at) END
    WHERE published_at IS NOT NULL AND published_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', published_at);

UPDATE articles SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE articles SET updated_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) END
    WHERE updated_at IS NOT NULL AND updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', updated_at);

UPDATE platforms SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE platforms SET updated_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) END
    WHERE updated_at IS NOT NULL AND updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', updated_at);

UPDATE services SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE services SET updated_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) END
    WHERE updated_at IS NOT NULL AND updated_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', updated_at);

UPDATE article_redirects SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE api_tokens SET created_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created_at) END
    WHERE created_at IS NOT NULL AND created_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', created_at);

UPDATE api_tokens SET last_used_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', last_used_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', last_used_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', last_used_at) END
    WHERE last_used_at IS NOT NULL AND last_used_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', last_used_at);

UPDATE api_tokens SET expires_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', expires_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', expires_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', expires_at) END
    WHERE expires_at IS NOT NULL AND expires_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', expires_at);

UPDATE api_tokens SET revoked_at = CASE
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at) IS NULL THEN '9999-12-31T23:59:59Z'
        WHEN strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at) < '0001' THEN '0001-01-01T00:00:00Z'
        ELSE strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at) END
    WHERE revoked_at IS NOT NULL AND revoked_at IS NOT strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at);
