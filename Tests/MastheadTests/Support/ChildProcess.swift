import Foundation
import Synchronization

/// Held while a test starts a child process. Foundation's `Process.run()` on Linux crashed
/// (a bad pointer in the memcpy of its launch) when the parallel suites started several at
/// once, so every launch in the tests goes through `launch`, one at a time.
private let launching = Mutex(())

/// Starts `process`, never beside another launch.
func launch(_ process: Process) throws {
    try launching.withLock { _ in try process.run() }
}

/// Runs `executable` to its end without holding a thread of the test pool while it runs:
/// its exit status and everything it wrote to standard output and error.
func runToEnd(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String]? = nil,
    directory: URL? = nil
) async throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let output = Mutex(Data())
    pipe.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        output.withLock { $0.append(data) }
    }
    let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try launch(process)
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    pipe.fileHandleForReading.readabilityHandler = nil
    let rest = pipe.fileHandleForReading.readDataToEndOfFile()
    return (status, output.withLock { String(decoding: $0 + rest, as: UTF8.self) })
}
