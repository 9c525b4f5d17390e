import Logging

/// A background loop's failures, logged once a spell rather than once a pass: the first
/// failure of a spell as it happens, then, when a pass succeeds again, how many failed. So a
/// database away for minutes costs a loop two lines, not one a second.
package struct FailureSpell {
    private var failures = 0

    package mutating func failed(_ message: Logger.Message, _ error: any Error, logger: Logger) {
        failures += 1
        guard failures == 1 else { return }
        logger.error(message, metadata: ["error": "\(error)"])
    }

    package mutating func succeeded(_ message: Logger.Message, logger: Logger) {
        guard failures > 0 else { return }
        logger.notice(message, metadata: ["failed_passes": "\(failures)"])
        failures = 0
    }

    package init() {}
}
