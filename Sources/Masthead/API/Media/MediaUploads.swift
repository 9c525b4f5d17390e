import Foundation
import Hummingbird
import MastheadDomain
import NIOCore

/// Receives an upload's body into a temporary file, a buffer at a time, while its SHA-256 and
/// length are computed: memory holds one buffer whatever the file's size, and a body past
/// `maxBytes` is refused as soon as it passes the limit (or at once, from its
/// `Content-Length`).
package struct MediaUploads: Sendable {
    /// Where bodies are received; files there live only as long as their request.
    package let folder: String
    package let maxBytes: Int64

    /// Uploads left from an earlier run are deleted.
    package init(folder: String, maxBytes: Int64) {
        self.folder = folder
        self.maxBytes = maxBytes
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".upload")
        {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    package struct Received: Sendable {
        package let path: String
        package let hash: String
        package let byteSize: Int64

        package func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    package func receive(_ request: Request) async throws -> Received {
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > maxBytes {
            throw tooLarge
        }
        let path = folder + "/" + UUID().uuidString + ".upload"
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else {
            throw ProblemError(
                status: .serviceUnavailable,
                code: "storage_unavailable",
                detail: "The upload could not be received; try again later."
            )
        }
        var digest = ContentDigest()
        var size: Int64 = 0
        do {
            defer { try? file.close() }
            for try await buffer in request.body {
                size += Int64(buffer.readableBytes)
                guard size <= maxBytes else { throw tooLarge }
                buffer.withUnsafeReadableBytes { bytes in digest.update(bytes) }
                try file.write(contentsOf: buffer.readableBytesView)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        guard size > 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw ProblemError(status: .badRequest, code: "empty_upload", detail: "The upload has no bytes.")
        }
        return Received(path: path, hash: digest.hex(), byteSize: size)
    }

    private var tooLarge: ProblemError {
        ProblemError(
            status: .contentTooLarge,
            code: "payload_too_large",
            detail: "An upload may be at most \(ByteCountText.text(maxBytes))."
        )
    }
}
