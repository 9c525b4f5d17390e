import Foundation

/// A header's `type; name=value; name="quoted value"` form, as Content-Type and
/// Content-Disposition write it.
package enum HeaderParameters {
    /// The value before the first `;`, lower-cased and trimmed.
    package static func type(of header: String) -> String {
        (header.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The parameter `name` (matched in any case): a quoted value without its quotes and with
    /// `\"` as `"`; nil when absent.
    package static func value(_ name: String, in header: String) -> String? {
        for parameter in header.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            let value = pair[1]
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
            return String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}
