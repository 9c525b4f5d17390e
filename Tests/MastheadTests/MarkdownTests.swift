import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct MarkdownTests {
    @Test func gfmTablesRenderAsHTMLTables() {
        let rendered = Rendering(
            """
            | Name | Words |
            |------|-------|
            | Go   | 230   |
            """
        )
        #expect(rendered.html.contains("<table>"))
        #expect(rendered.html.contains("<th>Name</th>"))
        #expect(rendered.html.contains("<td>Go</td>"))
        #expect(rendered.plaintext == "Name Words\nGo 230")
    }

    @Test func rawHTMLIsNotPassedThrough() {
        let rendered = Rendering(
            """
            Hello <script>alert('x')</script> world.

            <div onclick="steal()">block</div>

            <iframe src="https://evil.example"></iframe>
            """
        )
        #expect(!rendered.html.contains("<script"))
        #expect(!rendered.html.contains("<div"))
        #expect(!rendered.html.contains("<iframe"))
        #expect(!rendered.html.contains("onclick"))
        #expect(!rendered.plaintext.contains("script"))
    }

    @Test func codeBlocksAreEscaped() {
        let rendered = Rendering(
            """
            ```html
            <script>alert("x") && 1 < 2</script>
            ```
            """
        )
        #expect(rendered.html.contains(#"<pre><code class="language-html">"#))
        #expect(rendered.html.contains("&lt;script&gt;alert(&quot;x&quot;) &amp;&amp; 1 &lt; 2&lt;/script&gt;"))
        #expect(!rendered.html.contains("<script>"))
    }

    @Test func dangerousLinkSchemesAreDropped() {
        let rendered = Rendering("[click](javascript:alert(1)) and [ok](https://example.com)")
        #expect(!rendered.html.contains("javascript:"))
        #expect(rendered.html.contains(#"<a href="https://example.com">ok</a>"#))
    }

    @Test func strikethroughAutolinksAndTaskListsRender() {
        let rendered = Rendering(
            """
            ~~gone~~ and www.example.com

            - [x] done
            - [ ] to do
            """
        )
        #expect(rendered.html.contains("<del>gone</del>"))
        #expect(rendered.html.contains(#"<a href="http://www.example.com">www.example.com</a>"#))
        #expect(rendered.html.contains(#"type="checkbox""#))
    }

    @Test func plaintextHasOneLinePerBlockAndNoMarkup() {
        let rendered = Rendering(
            """
            # Title

            Some *emphasis* and `code`,
            over two lines.

            - one
            - two
            """
        )
        #expect(rendered.plaintext == "Title\nSome emphasis and code, over two lines.\none\ntwo")
        #expect(rendered.wordCount == 10)
    }

    @Test func readingTimeIsWordsOver230RoundedUpAndAtLeastOne() {
        func body(words: Int) -> RenderedBody {
            MarkdownRenderer.render(Array(repeating: "word", count: words).joined(separator: " "))
        }
        #expect(Rendering("").readingTimeMinutes == 1)
        #expect(body(words: 1).readingTimeMinutes == 1)
        #expect(body(words: 230).readingTimeMinutes == 1)
        #expect(body(words: 231).readingTimeMinutes == 2)
        #expect(body(words: 460).readingTimeMinutes == 2)
        #expect(body(words: 461).wordCount == 461)
        #expect(body(words: 461).readingTimeMinutes == 3)
    }

    @Test func fallbackExcerptIsTheProseCutAtAWordNear160Characters() {
        let sentence = "Masthead serves content to every front end over plain JSON. "
        let rendered = Rendering("## Heading\n\n" + String(repeating: sentence, count: 5))
        let excerpt = rendered.fallbackExcerpt
        #expect(excerpt.hasSuffix("…"))
        #expect(excerpt.count <= Excerpt.targetLength + 1)
        #expect(excerpt.count > 120)
        #expect(excerpt.hasPrefix("Masthead serves"))
        #expect(Rendering("Short and sweet.").fallbackExcerpt == "Short and sweet.")
    }
}

/// Both things made from one body: the HTML a read serves, and what a write computes.
@dynamicMemberLookup
private struct Rendering {
    let html: String
    let body: RenderedBody

    init(_ markdown: String) {
        html = MarkdownRenderer.html(markdown)
        body = MarkdownRenderer.render(markdown)
    }

    subscript<Value>(dynamicMember keyPath: KeyPath<RenderedBody, Value>) -> Value { body[keyPath: keyPath] }
}
