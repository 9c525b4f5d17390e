/// The ranges of the numbers Masthead keeps and counts on from: view counts and revisions.
/// Every input that can set one (the API, `masthead import`, the command line) is held to
/// these, and every sum or increment of a stored number is checked, so no value any input can
/// put in the database makes a later read or write trap.
public enum StoredNumbers {
    /// The most views one article (or one day of it) may hold: a trillion, beyond any real
    /// publication, and far enough below `Int64.max` that adding up every article's views in
    /// a database of a million articles cannot overflow either.
    public static let views: ClosedRange<Int> = 0...1_000_000_000_000
    /// A resource's revision: from 1 to what PostgreSQL's `integer` column holds, two
    /// billion writes.
    public static let revisions: ClosedRange<Int> = 1...Int(Int32.max)

    /// `a + b`, or `StoreError.outOfRange` naming `what` when the sum leaves `range`.
    public static func add(_ a: Int, _ b: Int, within range: ClosedRange<Int>, _ what: String) throws(StoreError)
        -> Int
    {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, range.contains(sum) else { throw StoreError.outOfRange(what) }
        return sum
    }
}
