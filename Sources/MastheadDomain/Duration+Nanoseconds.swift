extension Duration {
    /// The whole nanoseconds of this duration (saturating at about 292 years): for metrics,
    /// budgets and messages.
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
