import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines go without making the caller wait for the terminal, a pipe or a disk.
///
/// A line is appended to an in-memory buffer under a lock (no system call); one thread of
/// its own writes whatever has gathered in a single `write(2)` at most once a millisecond,
/// so a request never blocks on I/O to log, and ten thousand lines a second cost a few
/// hundred writes. Only a writer idle for a millisecond is woken (a futex call); a busy one
/// finds the next lines when it looks again. The buffer is
/// bounded: while the output cannot keep up and it holds `maximumBytes`, new lines are
/// dropped and counted, and a line saying how many is written once it can.
public final class LogOutput: Sendable {
    private struct State {
        package var pending: [UInt8] = []
        package var dropped = 0
        /// Bumped by every append; `flush` waits until the writer has written up to it.
        package var appended: UInt64 = 0
        package var written: UInt64 = 0
        /// The writer waits on `wake` and must be signalled.
        package var writerParked = false
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let descriptor: Int32
    private let maximumBytes: Int

    /// Standard output, for the whole process.
    public static let standardOutput = LogOutput(descriptor: STDOUT_FILENO)

    package init(descriptor: Int32, maximumBytes: Int = 8 << 20) {
        self.descriptor = descriptor
        self.maximumBytes = maximumBytes
        let thread = Thread { [self] in run() }
        thread.name = "masthead-log"
        thread.start()
    }

    /// Queues `line` (newline included) for writing; never blocks on the output.
    public func append(_ line: [UInt8]) {
        let wakeWriter = state.withLock { state -> Bool in
            guard state.pending.count + line.count <= maximumBytes else {
                state.dropped += 1
                return false
            }
            state.pending += line
            state.appended += 1
            defer { state.writerParked = false }
            return state.writerParked
        }
        if wakeWriter { wake.signal() }
    }

    /// Waits until every line appended so far is written (at shutdown, before exiting), or
    /// until `timeout` has passed: an output nobody reads must not keep the process alive.
    public func flush(timeout: Duration = .seconds(2)) {
        let (target, parked) = state.withLock { state in
            defer { state.writerParked = false }
            return (state.appended, state.writerParked)
        }
        if parked { wake.signal() }
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.written < target }), ContinuousClock.now < deadline {
            usleep(1000)
        }
    }

    private func run() {
        while true {
            let (bytes, dropped, upTo) = state.withLock { state in
                var taken: [UInt8] = []
                swap(&taken, &state.pending)
                defer { state.dropped = 0 }
                return (taken, state.dropped, state.appended)
            }
            if dropped > 0 { writeAll(Array("(\(dropped) log lines dropped: the output was too slow)\n".utf8)) }
            if !bytes.isEmpty { writeAll(bytes) }
            let idle = bytes.isEmpty && dropped == 0
            let parked = state.withLock { state -> Bool in
                state.written = max(state.written, upTo)
                // A whole millisecond brought nothing: wait to be woken. Else look again in a
                // millisecond, letting lines gather into one write; under steady logging the
                // writer is never woken, and appending costs no system call at all.
                state.writerParked = idle && state.pending.isEmpty
                return state.writerParked
            }
            if parked {
                wake.wait()
            } else {
                usleep(1000)
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return  // the output is gone (a closed pipe): nothing more to do with these lines
            }
        }
    }
}
