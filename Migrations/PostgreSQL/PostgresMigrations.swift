import MastheadMigrations

/// PostgreSQL's migrations, compiled into the binary from the `.sql` files beside this one,
/// under the same rules as SQLite's (`MastheadMigrations`): named `NNNN_verb_noun.sql`,
/// never edited once landed, registered here in order, each applied in a transaction.
public enum MastheadPostgresMigrations {
    public typealias Migration = MastheadMigrations.Migration

    /// Every migration, in the order it must run.
    public static let all: [Migration] = [
        Migration("0001_create_schema", PackageResources._001_create_schema_sql),
        Migration("0002_create_article_search", PackageResources._002_create_article_search_sql),
        Migration("0003_search_text_without_markup", PackageResources._003_search_text_without_markup_sql),
        Migration(
            "0004_store_catalog_search_documents",
            PackageResources._004_store_catalog_search_documents_sql
        ),
        Migration("0005_rank_articles_by_their_lead", PackageResources._005_rank_articles_by_their_lead_sql),
        Migration("0006_create_preview_links", PackageResources._006_create_preview_links_sql),
        Migration("0007_create_article_revisions", PackageResources._007_create_article_revisions_sql),
        Migration("0008_create_webhooks", PackageResources._008_create_webhooks_sql),
        Migration("0009_add_tagline_to_site", PackageResources._009_add_tagline_to_site_sql),
        Migration(
            "0010_add_message_id_to_webhook_events",
            PackageResources._010_add_message_id_to_webhook_events_sql
        ),
        Migration("0011_add_rate_limit_to_api_tokens", PackageResources._011_add_rate_limit_to_api_tokens_sql),
    ]
}
