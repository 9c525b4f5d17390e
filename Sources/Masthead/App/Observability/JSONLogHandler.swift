import Foundation
import Logging
import MastheadDomain
import Synchronization

/// Writes each log record as one JSON object on its own line (`--log-format json`), for
/// log shippers: `{"time":…,"level":…,"label":…,"message":…,"request_id":…,…}`. Metadata
/// keys become top-level keys, after the fixed ones.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    /// Writes to standard output through `LogOutput`, never blocking the caller on I/O.
    public static func standardOutput(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { LogOutput.standardOutput.append($0) }
    }

    /// Hands each line, newline included, to `output`.
    public init(label: String, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = LogField.of(event, handler: metadata, provider: metadataProvider)
        let level = event.level
        let message = event.message
        var json = JSONWriter(capacity: 256)
        json.object { object in
            object.field("time", Self.now())
            object.field("level", level.rawValue)
            object.field("label", label)
            object.field("message", message.description)
            for field in fields where !["time", "level", "label", "message"].contains(field.key) {
                object.field(field.key, field.text)
            }
        }
        output(json.bytes + [UInt8(ascii: "\n")])
    }

    /// The current time in RFC 3339 UTC with milliseconds: `2026-11-29T16:05:03.123Z`.
    private static func now() -> String {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Timestamp(secondsSinceEpoch: milliseconds / 1000).rfc3339
        let fraction = String(milliseconds % 1000)
        return seconds.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }
}

/// One field of a log record.
package struct LogField {
    package let key: String
    package var value: Logger.Metadata.Value

    /// What one log record carries, for the handlers of this module, sorted by key: the
    /// handler's own metadata, then the provider's, then the event's, a later value winning
    /// over an earlier. A handful of fields: a small array, not merged dictionaries (whose
    /// generic merging cost more than the rest of a request's line).
    package static func of(_ event: LogEvent, handler: Logger.Metadata, provider: Logger.MetadataProvider?)
        -> [LogField]
    {
        var fields: [LogField] = []
        fields.reserveCapacity(handler.count + (event.metadata?.count ?? 0))
        func overlay(_ metadata: Logger.Metadata) {
            for (key, value) in metadata {
                if let index = fields.firstIndex(where: { $0.key == key }) {
                    fields[index].value = value
                } else {
                    fields.append(LogField(key: key, value: value))
                }
            }
        }
        overlay(handler)
        if let provided = provider?.get() { overlay(provided) }
        if let explicit = event.metadata { overlay(explicit) }
        fields.sort { $0.key < $1.key }
        return fields
    }

    /// The value as text: strings as they are, anything else as it describes itself.
    package var text: String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array, .dictionary: value.description
        }
    }
}
