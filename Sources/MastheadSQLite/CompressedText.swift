import CZlib
import Foundation
import GRDB

/// Text stored deflated: an article's plaintext is read only for search snippets, the
/// `plaintext` format and the index itself, and kept whole it would double the database.
///
/// The stored form is the text's UTF-8 length as four little-endian bytes, then the zlib
/// stream of those bytes. SQL sees it through two functions that every connection has:
/// `masthead_deflate(text)` and `masthead_inflate(blob)` (the search index reads the
/// plaintext through the latter).
package enum CompressedText {
    /// Longer than any text Masthead stores (article bodies are at most 200,000 characters):
    /// a corrupt length never makes inflating allocate more.
    package static let maximumLength = 4 << 20

    /// zlib's fastest level: 6, its default, took a fifth of an import's time for a few
    /// percent less space.
    package static let level: Int32 = 1

    package static func compress(_ text: String) -> Data {
        var text = text
        return text.withUTF8 { source in
            var capacity = compressBound(uLong(source.count))
            var stored = Data(count: 4 + Int(capacity))
            let status = stored.withUnsafeMutableBytes { buffer in
                let base = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                withUnsafeBytes(of: UInt32(source.count).littleEndian) { length in
                    base.update(from: length.bindMemory(to: Bytef.self).baseAddress!, count: 4)
                }
                return compress2(base + 4, &capacity, source.baseAddress, uLong(source.count), Self.level)
            }
            // compressBound is an upper bound for exactly these bytes: zlib cannot fail here.
            precondition(status == Z_OK, "zlib could not compress \(source.count) bytes")
            stored.count = 4 + Int(capacity)
            return stored
        }
    }

    /// Nil when `stored` is not what `compress` makes.
    package static func decompress(_ stored: Data) -> String? {
        guard stored.count >= 4 else { return nil }
        let length = stored.prefix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length <= maximumLength else { return nil }
        guard length > 0 else { return "" }
        return stored.withUnsafeBytes { buffer -> String? in
            let source = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self) + 4
            var produced = uLong(length)
            let text = String(unsafeUninitializedCapacity: length) { (target: UnsafeMutableBufferPointer<UInt8>) in
                let status = uncompress(target.baseAddress, &produced, source, uLong(buffer.count - 4))
                return status == Z_OK ? Int(produced) : 0
            }
            return text.utf8.count == length ? text : nil
        }
    }

    /// The text of a stored value; a value `compress` did not make is a corrupt database.
    package static func text(stored: Data) throws -> String {
        guard let text = decompress(stored) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a stored text does not inflate")
        }
        return text
    }

    /// The SQL functions, added to every connection before migrations run.
    package static let functions: [DatabaseFunction] = [
        DatabaseFunction("masthead_deflate", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(compress)
        },
        DatabaseFunction("masthead_inflate", argumentCount: 1, pure: true) { values in
            Data.fromDatabaseValue(values[0]).flatMap(decompress)
        },
    ]
}
