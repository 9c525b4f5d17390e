import CSpawn
import Foundation
import Synchronization

/// A program a test runs: started with `posix_spawn` with none of the test process's
/// descriptors but the output it is given (`CSpawn`), and reaped by `waitpid` on a thread of
/// its own.
///
/// Not Foundation's `Process`: on Linux it lists /proc/self/fd to close the descriptors a
/// child should not inherit, and crashed there (a bad pointer in a memcpy of `run()`) when the
/// parallel suites had over a thousand open; and it learns that a child ended when a socket it
/// hands the child closes, which a daemon the child starts inherits and keeps open
/// (swift-corelibs-foundation#4795), so `pg_ctl start` never seemed to end.
package final class ChildProcess: Sendable {
    package let pid: pid_t
    private let state = Mutex<(status: Int32?, waiting: [CheckedContinuation<Int32, Never>])>((nil, []))

    /// Starts `executable` (a path) with `arguments`; standard input is /dev/null, standard
    /// output and error go to the descriptor `output` (which the caller still owns), or nowhere.
    package init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil,
        output: Int32 = -1
    ) throws {
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status =
            if let directory {
                directory.path.withCString { masthead_spawn(&pid, executable, argv, envp, output, $0) }
            } else {
                masthead_spawn(&pid, executable, argv, envp, output, nil)
            }
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        self.pid = pid
        Thread.detachNewThread { [self] in reap() }
    }

    private func reap() {
        // Waits for the end without reaping (the pid stays the child's while it is a zombie),
        // then reaps under the lock `send` takes: a signal is never sent to a pid the system
        // may already have given to another process (a PostgreSQL backend, say).
        var info = siginfo_t()
        var waited: Int32 = 0
        repeat { waited = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) } while waited == -1 && errno == EINTR
        if waited != 0 { print("ChildProcess: waitid(\(pid)) failed, errno \(errno)") }
        let (status, waiting) = state.withLock { state in
            var raw: Int32 = 0
            var result: pid_t = 0
            repeat { result = waitpid(pid, &raw, 0) } while result == -1 && errno == EINTR
            // The exit status, or 128 plus the signal that ended it, as a shell says; 255 when
            // it could not be read, never a success.
            let status: Int32
            if result == pid {
                status = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            } else {
                print("ChildProcess: waitpid(\(pid)) = \(result), errno \(errno)")
                status = 255
            }
            state.status = status
            defer { state.waiting = [] }
            return (status, state.waiting)
        }
        for continuation in waiting { continuation.resume(returning: status) }
    }

    package var isRunning: Bool { state.withLock { $0.status == nil } }

    /// Its exit status, once it has ended.
    package func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiting.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Sends `signal` unless it has ended already.
    package func send(_ signal: Int32) {
        state.withLock { state in
            if state.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Blocks until it has ended (for places that cannot wait asynchronously); its exit status.
    @discardableResult
    package func waitUntilExit() -> Int32 {
        while true {
            if let status = state.withLock({ $0.status }) { return status }
            usleep(2_000)
        }
    }
}

/// What a child writes to a pipe, read on a thread of its own as it comes, so that the child
/// never blocks on a full pipe; the first `limit` bytes are kept.
package final class ChildOutput: Sendable {
    /// The end to hand the child (`ChildProcess(output:)`); close it once the child started.
    package let writeEnd: Int32
    private let state = Mutex<(data: Data, ended: Bool, waiting: [CheckedContinuation<Data, Never>])>(
        (Data(), false, [])
    )

    package init(limit: Int = 1 << 20) throws {
        var ends: [Int32] = [0, 0]
        guard masthead_pipe(&ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        writeEnd = ends[1]
        let readEnd = ends[0]
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                state.withLock { state in
                    let room = max(0, limit - state.data.count)
                    state.data.append(contentsOf: buffer[0..<min(count, room)])
                }
            }
            close(readEnd)
            let (data, waiting) = state.withLock { state in
                state.ended = true
                defer { state.waiting = [] }
                return (state.data, state.waiting)
            }
            for continuation in waiting { continuation.resume(returning: data) }
        }
    }

    private let writeEndOpen = Mutex(true)

    /// Closes this process's copy of the write end (once): the output ends when the child's does.
    package func closeWriteEnd() {
        let open = writeEndOpen.withLock { open in
            defer { open = false }
            return open
        }
        if open { close(writeEnd) }
    }

    /// What has been read so far.
    package var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }

    /// Everything, once every writer has closed its end, blocking until then (for places that
    /// cannot wait asynchronously).
    package func waitUntilEnded() -> String {
        while !state.withLock({ $0.ended }) { usleep(2_000) }
        return text
    }

    /// Everything, once every writer has closed its end.
    package func all() async -> String {
        let data = await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> Data? in
                if state.ended { return state.data }
                state.waiting.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `executable` to its end without holding a thread of the test pool while it runs:
/// its exit status and everything it wrote to standard output and error.
package func runToEnd(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String]? = nil,
    directory: URL? = nil
) async throws -> (Int32, String) {
    let output = try ChildOutput()
    let child: ChildProcess
    do {
        child = try ChildProcess(
            executable,
            arguments,
            environment: environment,
            directory: directory,
            output: output.writeEnd
        )
    } catch {
        output.closeWriteEnd()
        throw error
    }
    output.closeWriteEnd()
    let status = await child.exitStatus()
    return (status, await output.all())
}

/// `runToEnd` for places that cannot wait asynchronously (a test's `.enabled(if:)`).
package func runToEndBlocking(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let output = try ChildOutput()
    defer { output.closeWriteEnd() }
    let child = try ChildProcess(executable, arguments, output: output.writeEnd)
    let status = child.waitUntilExit()
    output.closeWriteEnd()
    return (status, output.waitUntilEnded())
}
