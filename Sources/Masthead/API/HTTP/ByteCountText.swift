/// Sizes as operators write them: `67108864`, `64MiB`, `512KiB`, `1GiB` (or KB, MB, GB as the same powers of 2).
package enum ByteCountText {
    package static func bytes(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30),
        ]
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 1)
        guard let value = Int(text.dropLast(unit.suffix.count)), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit.factor)
        return overflow ? nil : bytes
    }

    /// Sizes for people: `25 MiB`, `512 KiB`, `300 bytes`.
    package static func text(_ bytes: Int64) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
