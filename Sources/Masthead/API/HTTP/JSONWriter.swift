import MastheadDomain

/// Writes JSON straight to bytes, keys in the order they are written.
///
/// Responses are written field by field by their own types (`JSONEncodable`): typed, with
/// keys in the contract's order, and without the intermediate tree and per-key reflection
/// of `JSONEncoder`.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next value or key needs a comma before it.
    private var needsComma = false

    package init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    package mutating func array<Elements: Sequence>(_ elements: Elements) where Elements.Element: JSONEncodable {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for element in elements {
            element.encode(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"key":value` inside an object. A nil optional is written as `null`, never dropped:
    /// clients can rely on every documented key being present.
    package mutating func field(_ key: String, _ value: some JSONEncodable) {
        separate()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
        value.encode(to: &self)
    }

    package mutating func string(_ value: String) {
        separate()
        writeString(value)
        needsComma = true
    }

    package mutating func raw(_ literal: StaticString) {
        separate()
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    /// A number already written as JSON text.
    package mutating func number(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    package mutating func integer(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// RFC 8259 escaping: quote, backslash and control characters; everything else as UTF-8.
    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: utf8[start..<index])
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    bytes.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    ])
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A value that writes itself as JSON.
package protocol JSONEncodable {
    func encode(to json: inout JSONWriter)
}

extension String: JSONEncodable {
    package func encode(to json: inout JSONWriter) { json.string(self) }
}

extension Int: JSONEncodable {
    package func encode(to json: inout JSONWriter) { json.integer(Int64(self)) }
}

extension Int64: JSONEncodable {
    package func encode(to json: inout JSONWriter) { json.integer(self) }
}

extension Double: JSONEncodable {
    /// Rounded to four decimals; JSON has no infinity or NaN, so those are written as 0.
    package func encode(to json: inout JSONWriter) {
        let rounded = isFinite ? (self * 10_000).rounded() / 10_000 : 0
        json.number(rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded))
    }
}

extension Timestamp: JSONEncodable {
    package func encode(to json: inout JSONWriter) { json.string(rfc3339) }
}

extension Bool: JSONEncodable {
    package func encode(to json: inout JSONWriter) { json.raw(self ? "true" : "false") }
}

extension DetailValue: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        switch self {
        case .text(let text): text.encode(to: &json)
        case .flag(let flag): flag.encode(to: &json)
        case .number(let number): number.encode(to: &json)
        case .time(let time): time.encode(to: &json)
        }
    }
}

extension Optional: JSONEncodable where Wrapped: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        switch self {
        case .some(let value): value.encode(to: &json)
        case .none: json.raw("null")
        }
    }
}

extension Array: JSONEncodable where Element: JSONEncodable {
    package func encode(to json: inout JSONWriter) { json.array(self) }
}
