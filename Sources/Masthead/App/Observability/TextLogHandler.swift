import Foundation
import Logging
import MastheadDomain
import Synchronization

/// Writes each log record as one line of text (`--log-format text`, the default), for
/// people: `2026-11-29T16:05:03Z info masthead: method=GET route=/v1/articles/{slug} … [Masthead] request`.
/// Metadata keys are sorted, so lines of one kind line up.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    /// Writes to standard output through `LogOutput`, never blocking the caller on I/O.
    public static func standardOutput(label: String) -> TextLogHandler {
        TextLogHandler(label: label) { LogOutput.standardOutput.append($0) }
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
        var line: [UInt8] = []
        line.reserveCapacity(320)
        line.append(contentsOf: Self.timestamp().utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: event.level.rawValue.utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: label.utf8)
        line.append(UInt8(ascii: ":"))
        for field in LogField.of(event, handler: metadata, provider: metadataProvider) {
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: field.key.utf8)
            line.append(UInt8(ascii: "="))
            line.append(contentsOf: field.text.utf8)
        }
        line.append(contentsOf: " [".utf8)
        line.append(contentsOf: event.source.utf8)
        line.append(contentsOf: "] ".utf8)
        line.append(contentsOf: event.message.description.utf8)
        line.append(UInt8(ascii: "\n"))
        output(line)
    }

    /// The current second in RFC 3339 UTC, formatted once per second for every line in it.
    private static func timestamp() -> String {
        let now = ContentClock.system.now
        return lastSecond.withLock { last in
            if last.second != now.secondsSinceEpoch { last = (now.secondsSinceEpoch, now.rfc3339) }
            return last.text
        }
    }

    private static let lastSecond = Mutex<(second: Int64, text: String)>((0, ""))
}
