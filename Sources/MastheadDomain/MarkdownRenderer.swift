import CMarkGFM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a write computes from an article's Markdown.
public struct RenderedBody: Sendable, Equatable {
    /// The text a reader sees, blocks separated by newlines: for word counts, excerpts and search.
    public let plaintext: String
    public let wordCount: Int

    /// Minutes at 230 words a minute, rounded up, at least one.
    public var readingTimeMinutes: Int {
        max(1, (wordCount + 229) / 230)
    }

    /// The text of the top-level paragraphs: the prose, without headings, lists, tables or code.
    public let leadText: String

    /// The safe HTML (`MarkdownRenderer.html`), when it was asked for: a write that answers
    /// with the article renders it from the same parse.
    public let html: String?

    /// The first ~160 characters of the prose (of the plaintext when there is no prose),
    /// cut at a word boundary.
    public var fallbackExcerpt: String {
        Excerpt.make(from: leadText.isEmpty ? plaintext : leadText)
    }
}

/// GitHub-flavoured Markdown through the reference cmark-gfm library, with the table,
/// strikethrough, autolink, task list and tag filter extensions.
public enum MarkdownRenderer {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    /// cmark-gfm keeps its extension registry in process-wide state; register it once.
    /// Swift runs a static initialiser exactly once, however many threads ask.
    private static let registration: Void = cmark_gfm_core_extensions_ensure_registered()

    /// Without CMARK_OPT_UNSAFE, raw HTML becomes `<!-- raw HTML omitted -->` and
    /// `javascript:`-style link destinations are emptied.
    private static let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8

    /// Everything a write computes from the Markdown (the HTML is rendered when read).
    public static func render(_ markdown: String, html: Bool = false) -> RenderedBody {
        withDocument(markdown) { document, extensions in
            let html = html ? takeString(cmark_render_html(document, options, extensions)) : nil
            let (plaintext, leadText) = PlaintextCollector.collect(document)
            return RenderedBody(plaintext: plaintext, wordCount: countWords(plaintext), leadText: leadText, html: html)
        }
    }

    /// Safe HTML: raw HTML in the source is omitted and dangerous link schemes dropped.
    /// What a read serves; it is not stored.
    public static func html(_ markdown: String) -> String {
        withDocument(markdown) { document, extensions in
            takeString(cmark_render_html(document, options, extensions))
        }
    }

    private static func withDocument<Result>(
        _ markdown: String,
        _ body: (_ document: OpaquePointer, _ extensions: UnsafeMutablePointer<cmark_llist>?) -> Result
    ) -> Result {
        _ = registration
        guard let parser = cmark_parser_new(options) else {
            fatalError("cmark-gfm could not allocate a parser")
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        var source = markdown
        source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                cmark_parser_feed(parser, characters.baseAddress, characters.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else {
            fatalError("cmark-gfm could not finish a document")
        }
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }

    /// Words are runs of non-space characters holding at least one letter or digit.
    package static func countWords(_ text: String) -> Int {
        var count = 0
        var inWord = false
        var wordHasAlphanumeric = false
        for scalar in text.unicodeScalars {
            if TextScalar.isWhitespace(scalar) {
                if inWord && wordHasAlphanumeric { count += 1 }
                inWord = false
                wordHasAlphanumeric = false
            } else {
                inWord = true
                if !wordHasAlphanumeric && TextScalar.isAlphanumeric(scalar) {
                    wordHasAlphanumeric = true
                }
            }
        }
        if inWord && wordHasAlphanumeric { count += 1 }
        return count
    }

    private static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// Walks a cmark document and keeps the text a reader would see.
private enum PlaintextCollector {
    /// The whole plaintext, and the text of the top-level paragraphs alone.
    package static func collect(_ document: OpaquePointer) -> (plaintext: String, leadText: String) {
        guard let iterator = cmark_iter_new(document) else { return ("", "") }
        defer { cmark_iter_free(iterator) }
        var text = ""
        var lead = ""
        var leadParagraph: OpaquePointer?
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if event == CMARK_EVENT_ENTER {
                var piece = ""
                switch type {
                case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                    if let literal = cmark_node_get_literal(node) {
                        piece = String(cString: literal)
                    }
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                    piece = " "
                case CMARK_NODE_PARAGRAPH where cmark_node_parent(node) == document:
                    leadParagraph = node
                default:
                    break
                }
                text += piece
                if leadParagraph != nil { lead += piece }
            } else if event == CMARK_EVENT_EXIT {
                if node == leadParagraph {
                    leadParagraph = nil
                    lead += "\n"
                }
                if let name = cmark_node_get_type_string(node), String(cString: name) == "table_cell" {
                    text += " "
                } else if UInt32(type.rawValue) & UInt32(CMARK_NODE_TYPE_MASK) == UInt32(CMARK_NODE_TYPE_BLOCK) {
                    text += "\n"
                }
            }
        }
        return (normalise(text), normalise(lead))
    }

    /// One line per block: spaces folded, blank lines dropped. Builds UTF-8 bytes: appending
    /// scalar by scalar to a String costs more than the rest of a write.
    private static func normalise(_ text: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var lineHasText = false
        for scalar in text.unicodeScalars {
            if TextScalar.isNewline(scalar) {
                if lineHasText { result.append(UInt8(ascii: "\n")) }
                pendingSpace = false
                lineHasText = false
            } else if TextScalar.isWhitespace(scalar) {
                pendingSpace = lineHasText
            } else {
                if pendingSpace { result.append(UInt8(ascii: " ")) }
                if scalar.isASCII {
                    result.append(UInt8(scalar.value))
                } else {
                    result.append(contentsOf: UTF8.encode(scalar)!)
                }
                pendingSpace = false
                lineHasText = true
            }
        }
        if result.last == UInt8(ascii: "\n") { result.removeLast() }
        return String(decoding: result, as: UTF8.self)
    }
}

/// Scalar classes for the text of bodies, with an ASCII fast path: Unicode property lookups
/// cost more than everything else a write does to a long body.
package enum TextScalar {
    package static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    /// Line breaks: LF, VT, FF, CR, NEL, LINE and PARAGRAPH SEPARATOR.
    package static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    package static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value | 0x20
            return (0x61...0x7A).contains(value) || (0x30...0x39).contains(scalar.value)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

/// Excerpts made from plaintext.
public enum Excerpt {
    public static let targetLength = 160

    /// The whole text on one line if it fits in `targetLength` characters; otherwise as many
    /// whole words as fit, followed by an ellipsis. Reads no further than it needs to.
    public static func make(from plaintext: String) -> String {
        var oneLine = ""
        var length = 0
        var pendingSpace = false
        for character in plaintext {
            if character.isWhitespace {
                pendingSpace = length > 0
                continue
            }
            if pendingSpace {
                oneLine.append(" ")
                length += 1
                pendingSpace = false
            }
            oneLine.append(character)
            length += 1
            if length > targetLength { break }
        }
        guard length > targetLength else { return oneLine }
        let head = oneLine.prefix(targetLength)
        let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
        let trimmed = cut.trimmingSuffix { $0.isPunctuation || $0.isWhitespace }
        return trimmed + "…"
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
