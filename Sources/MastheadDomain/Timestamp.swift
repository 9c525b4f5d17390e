#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time with second precision, from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z,
/// written as RFC 3339 UTC (`2026-11-28T09:30:00Z`).
///
/// Models, records and queries hold times as this type, never as text. Its one written form
/// is the API's format and the database's: fixed width (a four-digit year, `Z`), so stored
/// times compare and sort as text exactly as the instants do. Input in any other form
/// (offsets, fractions) is converted on parsing; an instant outside the range is refused
/// then, so a time can never be written in a form that sorts out of place.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int64

    /// 0001-01-01T00:00:00Z.
    public static let earliest = Timestamp(secondsSinceEpoch: -62_135_596_800)
    /// 9999-12-31T23:59:59Z.
    public static let latest = Timestamp(secondsSinceEpoch: 253_402_300_799)

    /// `secondsSinceEpoch` is clamped to the representable range.
    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = min(max(secondsSinceEpoch, -62_135_596_800), 253_402_300_799)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(secondsSinceEpoch: secondsSinceEpoch + seconds)
    }

    public func adding(days: Int64) -> Timestamp {
        adding(seconds: days * 86_400)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var rfc3339: String {
        var time = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        return Self.pad(Int(parts.tm_year) + 1900, 4) + "-" + Self.pad(Int(parts.tm_mon) + 1, 2) + "-"
            + Self.pad(Int(parts.tm_mday), 2) + "T" + Self.pad(Int(parts.tm_hour), 2) + ":"
            + Self.pad(Int(parts.tm_min), 2) + ":" + Self.pad(Int(parts.tm_sec), 2) + "Z"
    }

    public var description: String { rfc3339 }

    /// The HTTP date format (RFC 9110 §5.6.7): `Sun, 29 Nov 2026 11:00:32 GMT`.
    public var httpDate: String {
        var time = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return days[Int(parts.tm_wday)] + ", " + Self.pad(Int(parts.tm_mday), 2) + " " + months[Int(parts.tm_mon)]
            + " " + Self.pad(Int(parts.tm_year) + 1900, 4) + " " + Self.pad(Int(parts.tm_hour), 2) + ":"
            + Self.pad(Int(parts.tm_min), 2) + ":" + Self.pad(Int(parts.tm_sec), 2) + " GMT"
    }

    /// Parses an RFC 3339 date-time (`2026-11-28T09:30:00Z`, `2026-11-28T10:30:00.5+01:00`)
    /// or a full date (`2026-11-28`, meaning its midnight UTC). Fractions of a second are
    /// dropped. Nil for text that is not such a time, and for an instant that falls outside
    /// years 0001–9999 once converted to UTC (`9999-12-31T23:59:59-01:00`).
    public init?(rfc3339 text: some StringProtocol) {
        guard case .instant(let time) = Self.parse(rfc3339: text) else { return nil }
        self = time
    }

    /// What a text names: an instant, a well-formed time outside the representable range,
    /// or nothing at all.
    public enum Parsed: Sendable, Equatable {
        case instant(Timestamp)
        case outOfRange
        case malformed
    }

    public static func parse(rfc3339 text: some StringProtocol) -> Parsed {
        guard let seconds = secondsSinceEpoch(rfc3339: text) else { return .malformed }
        guard (earliest.secondsSinceEpoch...latest.secondsSinceEpoch).contains(seconds) else { return .outOfRange }
        return .instant(Timestamp(secondsSinceEpoch: seconds))
    }

    private static func secondsSinceEpoch(rfc3339 text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8.prefix(64))
        guard bytes.count == text.utf8.count else { return nil }
        var reader = DigitReader(bytes: bytes)
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var offsetSeconds = 0
        if !reader.atEnd {
            guard reader.skip("T") || reader.skip("t") || reader.skip(" "),
                let h = reader.number(2), reader.skip(":"), let m = reader.number(2), reader.skip(":"),
                let s = reader.number(2)
            else { return nil }
            (hour, minute, second) = (h, m, s)
            if reader.skip(".") {
                guard reader.skipDigits() else { return nil }
            }
            if reader.skip("Z") || reader.skip("z") {
                offsetSeconds = 0
            } else if let sign = reader.sign(), let oh = reader.number(2), reader.skip(":"), let om = reader.number(2),
                oh < 24, om < 60
            {
                offsetSeconds = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
            guard reader.atEnd else { return nil }
        }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads fixed-width ASCII numbers and separators from the front of a byte array.
private struct DigitReader {
    package let bytes: [UInt8]
    package var index = 0

    package var atEnd: Bool { index == bytes.count }

    package mutating func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + width] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }

    package mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    package mutating func skipDigits() -> Bool {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            index += 1
        }
        return index > start
    }

    package mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}

/// Where the application reads the current time, so that tests can move it.
public struct ContentClock: Sendable {
    private let read: @Sendable () -> Timestamp

    public init(_ read: @escaping @Sendable () -> Timestamp) {
        self.read = read
    }

    public var now: Timestamp { read() }

    /// The system's wall clock.
    public static let system = ContentClock {
        Timestamp(secondsSinceEpoch: Int64(time(nil)))
    }
}

extension Timestamp: Codable {
    /// Written as `rfc3339`; read from any RFC 3339 time in range.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch Self.parse(rfc3339: text) {
        case .instant(let time): self = time
        case .outOfRange:
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is outside years 0001 to 9999 in UTC"
            )
        case .malformed:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}
