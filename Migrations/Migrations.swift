/// The database migrations, compiled into the binary from the `.sql` files beside this one.
///
/// Each file is named `NNNN_verb_noun.sql` and is never edited once it has landed: a
/// change to the schema is a new file, added here in order (a test checks that every
/// file is registered, in order).
public enum MastheadMigrations {
    /// One migration: its identifier (the file name without `.sql`), its SQL, and the tables
    /// it rebuilds with `AUTOINCREMENT` after the SQL has run (what SQL alone cannot do: see
    /// 0019).
    public struct Migration: Sendable {
        public let identifier: String
        public let sql: String
        public let rebuildsWithAutoincrement: [String]

        public init(_ identifier: String, _ bytes: [UInt8], rebuildingWithAutoincrement tables: [String] = []) {
            self.identifier = identifier
            self.sql = String(decoding: bytes, as: UTF8.self)
            self.rebuildsWithAutoincrement = tables
        }
    }

    /// Every migration, in the order it must run.
    public static let all: [Migration] = [
        Migration("0001_create_content_schema", PackageResources._001_create_content_schema_sql),
        Migration("0002_create_article_search", PackageResources._002_create_article_search_sql),
        Migration("0003_create_api_tokens", PackageResources._003_create_api_tokens_sql),
        Migration("0004_create_article_redirects", PackageResources._004_create_article_redirects_sql),
        Migration("0005_create_article_views", PackageResources._005_create_article_views_sql),
        Migration("0006_create_search_index", PackageResources._006_create_search_index_sql),
        Migration(
            "0007_create_article_visibility_index",
            PackageResources._007_create_article_visibility_index_sql
        ),
        Migration("0008_canonicalize_stored_times", PackageResources._008_canonicalize_stored_times_sql),
        Migration("0009_create_article_sitemap_index", PackageResources._009_create_article_sitemap_index_sql),
        Migration("0010_move_article_bodies", PackageResources._010_move_article_bodies_sql),
        Migration(
            "0011_add_visible_from_to_article_tags",
            PackageResources._011_add_visible_from_to_article_tags_sql
        ),
        Migration("0012_create_preview_links", PackageResources._012_create_preview_links_sql),
        Migration("0013_create_article_revisions", PackageResources._013_create_article_revisions_sql),
        Migration("0014_create_webhooks", PackageResources._014_create_webhooks_sql),
        Migration("0015_add_tagline_to_site", PackageResources._015_add_tagline_to_site_sql),
        Migration("0016_create_public_search_index", PackageResources._016_create_public_search_index_sql),
        Migration(
            "0017_add_message_id_to_webhook_events",
            PackageResources._017_add_message_id_to_webhook_events_sql
        ),
        Migration("0018_add_rate_limit_to_api_tokens", PackageResources._018_add_rate_limit_to_api_tokens_sql),
        Migration(
            "0019_never_reuse_row_ids",
            PackageResources._019_never_reuse_row_ids_sql,
            rebuildingWithAutoincrement: [
                "articles", "authors", "tags", "platforms", "services", "api_tokens", "preview_links", "webhooks",
                "webhook_events", "webhook_deliveries",
            ]
        ),
    ]
}
