import MastheadDomain
import MastheadStorage

/// The syndication documents: RSS 2.0, JSON Feed 1.1 and a sitemaps.org sitemap. Links are
/// built on the site's URL, since readers follow them to the front end, not to this API.
package enum FeedDocuments {
    /// An article's public address: its canonical URL if it has one, else
    /// `{site url}/articles/{slug}`.
    package static func link(site: Site, slug: String, canonicalURL: String?) -> String {
        canonicalURL ?? base(site) + "/articles/" + slug
    }

    package static func base(_ site: Site) -> String {
        site.url.hasSuffix("/") ? String(site.url.dropLast()) : site.url
    }

    package static func rss(site: Site, articles: [Article]) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
            xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel>
            <title>\(XMLText.escape(site.title))</title>
            <link>\(XMLText.escape(base(site)))</link>
            <description>\(XMLText.escape(site.description))</description>
            <language>\(XMLText.escape(site.locale))</language>
            <generator>Masthead</generator>

            """
        if let newest = articles.compactMap(\.publishedAt).max() {
            xml += "<lastBuildDate>\(newest.httpDate)</lastBuildDate>\n"
        }
        for article in articles {
            let link = XMLText.escape(link(site: site, slug: article.slug, canonicalURL: article.details.canonicalURL))
            xml += "<item>\n<title>\(XMLText.escape(article.title))</title>\n<link>\(link)</link>\n"
            xml += "<guid isPermaLink=\"true\">\(link)</guid>\n"
            if let published = article.publishedAt {
                xml += "<pubDate>\(published.httpDate)</pubDate>\n"
            }
            xml += "<dc:creator>\(XMLText.escape(article.author.name))</dc:creator>\n"
            for tag in article.tags {
                xml += "<category>\(XMLText.escape(tag.name))</category>\n"
            }
            xml += "<description>\(XMLText.escape(article.excerpt))</description>\n"
            xml += "<content:encoded>\(XMLText.escape(article.bodyHTML ?? ""))</content:encoded>\n</item>\n"
        }
        return xml + "</channel>\n</rss>\n"
    }

    static func sitemap(site: Site, entries: [SitemapEntry]) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>\(XMLText.escape(base(site) + "/"))</loc></url>

            """
        for entry in entries {
            let link = link(site: site, slug: entry.slug, canonicalURL: entry.canonicalURL)
            xml += "<url><loc>\(XMLText.escape(link))</loc><lastmod>\(entry.updatedAt)</lastmod></url>\n"
        }
        return xml + "</urlset>\n"
    }
}

/// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
struct JSONFeed: JSONEncodable {
    let site: Site
    let articles: [Article]

    func encode(to json: inout JSONWriter) {
        json.object { feed in
            feed.field("version", "https://jsonfeed.org/version/1.1")
            feed.field("title", site.title)
            feed.field("home_page_url", FeedDocuments.base(site) + "/")
            feed.field("description", site.description)
            feed.field("language", site.locale)
            feed.field("items", articles.map { Item(site: site, article: $0) })
        }
    }

    struct Item: JSONEncodable {
        let site: Site
        let article: Article

        func encode(to json: inout JSONWriter) {
            let link = FeedDocuments.link(site: site, slug: article.slug, canonicalURL: article.details.canonicalURL)
            json.object { item in
                item.field("id", link)
                item.field("url", link)
                item.field("title", article.title)
                item.field("summary", article.excerpt)
                item.field("content_html", article.bodyHTML ?? "")
                item.field("date_published", article.publishedAt ?? article.createdAt)
                item.field("date_modified", article.updatedAt)
                item.field("authors", [Author(summary: article.author)])
                item.field("tags", article.tags.map(\.name))
            }
        }
    }

    struct Author: JSONEncodable {
        let summary: AuthorSummary

        func encode(to json: inout JSONWriter) {
            json.object { author in
                author.field("name", summary.name)
                if let avatar = summary.avatarURL { author.field("avatar", avatar) }
            }
        }
    }
}

/// Text made safe for XML 1.0 element content and attribute values.
enum XMLText {
    /// Escapes the five markup characters and drops what XML 1.0 cannot carry at all
    /// (control characters other than tab and line breaks, U+FFFE and U+FFFF).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": continue
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
