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
        let (path, file) = try temporaryFile()
        var digest = ContentDigest()
        var size: Int64 = 0
        do {
            defer { try? file.close() }
            for try await buffer in request.body {
                size += Int64(buffer.readableBytes)
                guard size <= maxBytes else { throw tooLarge }
                buffer.withUnsafeReadableBytes { bytes in digest.update(bytes) }
                do { try file.write(contentsOf: buffer.readableBytesView) } catch { throw Self.unavailable }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return try received(path, digest, size)
    }

    /// A new file for an upload's bytes; a 503 (leaving nothing behind) when none can be made.
    private func temporaryFile() throws -> (path: String, file: FileHandle) {
        let path = folder + "/" + UUID().uuidString + ".upload"
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw Self.unavailable }
        guard let file = FileHandle(forWritingAtPath: path) else {
            try? FileManager.default.removeItem(atPath: path)
            throw Self.unavailable
        }
        return (path, file)
    }

    /// The upload received whole into `path`; a 400 (and the file removed) when it is empty.
    private func received(_ path: String, _ digest: consuming ContentDigest, _ size: Int64) throws -> Received {
        guard size > 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw ProblemError(status: .badRequest, code: "empty_upload", detail: "The upload has no bytes.")
        }
        return Received(path: path, hash: digest.hex(), byteSize: size)
    }

    static let unavailable = ProblemError(
        status: .serviceUnavailable,
        code: "storage_unavailable",
        detail: "The upload could not be received; try again later.",
        headers: [.retryAfter: "5"]
    )

    var tooLarge: ProblemError {
        ProblemError(
            status: .contentTooLarge,
            code: "payload_too_large",
            detail: "An upload may be at most \(ByteCountText.text(maxBytes))."
        )
    }
}

extension MediaUploads {
    /// The boundary of a `multipart/form-data` Content-Type, if that is what it is: nil for
    /// any other type; a 400 when its boundary is missing or not one RFC 2046 allows (1 to
    /// 70 of its characters, not ending in a space).
    package static func formBoundary(of contentType: String?) throws -> String? {
        guard let contentType, HeaderParameters.type(of: contentType) == "multipart/form-data" else { return nil }
        let boundary = HeaderParameters.value("boundary", in: contentType)
        let allowed = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ")
        guard let boundary, (1...70).contains(boundary.count), boundary.allSatisfy(allowed.contains),
            boundary.last != " "
        else {
            throw ProblemError(
                status: .badRequest,
                code: "malformed_multipart",
                detail:
                    "A multipart/form-data body needs a boundary of 1 to 70 letters, digits or '()+_,-./:=? in its Content-Type."
            )
        }
        return boundary
    }

    /// Receives the `file` part of a `multipart/form-data` body (a browser's form upload)
    /// into a temporary file as `receive` does the raw body, with the name its part gives.
    /// Any other part is refused (400), and so is a body without a whole `file` part.
    package func receiveForm(_ request: Request, boundary: String) async throws -> (Received, filename: String?) {
        // Part headers, delimiters and the preamble ride on top of the file, within `FormReader`'s bounds.
        let bodyLimit = maxBytes + (64 << 10)
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > bodyLimit { throw tooLarge }
        let (path, file) = try temporaryFile()
        var form = FormReader(boundary: boundary)
        var digest = ContentDigest()
        var size: Int64 = 0
        do {
            defer { try? file.close() }
            var received: Int64 = 0
            for try await buffer in request.body {
                received += Int64(buffer.readableBytes)
                guard received <= bodyLimit else { throw tooLarge }
                let bytes: [UInt8]
                do {
                    bytes = try form.feed(buffer.readableBytesView)
                } catch {
                    throw Self.malformed(error.detail)
                }
                guard !bytes.isEmpty else { continue }
                size += Int64(bytes.count)
                guard size <= maxBytes else { throw tooLarge }
                digest.update(bytes)
                // One write per buffer received, whatever the part's bytes look like.
                do { try file.write(contentsOf: bytes) } catch { throw Self.unavailable }
            }
            guard form.fileComplete else { throw Self.malformed("it has no whole part named file") }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return (try received(path, digest, size), form.filename)
    }

    private static func malformed(_ why: String) -> ProblemError {
        ProblemError(status: .badRequest, code: "malformed_multipart", detail: "The form cannot be read: \(why).")
    }
}

/// Why a form cannot be read.
struct FormProblem: Error {
    let detail: String
}

/// Reads a `multipart/form-data` body (RFC 7578) as it streams by, for its one part named
/// `file`: `feed` hands back that part's bytes as they arrive. Every bound is its own: a
/// preamble and a part's headers of at most 16 KiB, header names of token characters, any
/// other part refused as its headers end; the bytes held back between buffers are at most a
/// delimiter's length.
struct FormReader {
    static let maximumHeaderBytes = 16 << 10

    private enum State {
        case preamble, afterDelimiter, headers, file, epilogue
    }

    /// `CRLF--boundary`; the body is read as if it began with a CRLF, so the first
    /// delimiter is found as every other is.
    private let delimiter: [UInt8]
    private var pending: [UInt8] = Array("\r\n".utf8)
    private var state = State.preamble
    private var preambleBytes = 0
    private(set) var filename: String?
    private(set) var fileComplete = false

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// The `file` part's bytes among `bytes`; throws at the first thing that is not a form
    /// Masthead takes.
    mutating func feed(_ bytes: some Collection<UInt8>) throws(FormProblem) -> [UInt8] {
        pending += bytes
        var output: [UInt8] = []
        var progressing = true
        while progressing {
            progressing = false
            switch state {
            case .preamble:
                if let found = pending.firstRange(of: delimiter) {
                    pending.removeSubrange(..<found.upperBound)
                    state = .afterDelimiter
                    progressing = true
                } else {
                    let dropped = max(0, pending.count - (delimiter.count - 1))
                    preambleBytes += dropped
                    pending.removeFirst(dropped)
                    guard preambleBytes <= Self.maximumHeaderBytes else {
                        throw FormProblem(detail: "its boundary does not come")
                    }
                }
            case .afterDelimiter:
                guard pending.count >= 2 else { break }
                let next = Array(pending.prefix(2))
                pending.removeFirst(2)
                if next == Array("--".utf8) {
                    state = .epilogue
                } else if next == Array("\r\n".utf8) {
                    state = .headers
                } else {
                    throw FormProblem(detail: "it is not well-formed multipart/form-data")
                }
                progressing = true
            case .headers:
                let end = Array("\r\n\r\n".utf8)
                let found: Range<Int>?
                if pending.starts(with: Array("\r\n".utf8)) {
                    found = 0..<2
                } else {
                    found = pending.firstRange(of: end)
                }
                guard let found else {
                    guard pending.count <= Self.maximumHeaderBytes else {
                        throw FormProblem(detail: "a part's headers are longer than 16 KiB")
                    }
                    break
                }
                try startPart(headers: Array(pending[..<found.lowerBound]))
                pending.removeSubrange(..<found.upperBound)
                state = .file
                progressing = true
            case .file:
                if let found = pending.firstRange(of: delimiter) {
                    output += pending[..<found.lowerBound]
                    pending.removeSubrange(..<found.upperBound)
                    fileComplete = true
                    state = .afterDelimiter
                    progressing = true
                } else {
                    // What could be the start of a delimiter waits for the next buffer.
                    let ready = max(0, pending.count - (delimiter.count - 1))
                    output += pending[..<ready]
                    pending.removeFirst(ready)
                }
            case .epilogue:
                pending.removeAll()
            }
        }
        return output
    }

    /// A part's headers: it must be the one file, by its Content-Disposition's name.
    private mutating func startPart(headers: [UInt8]) throws(FormProblem) {
        var disposition: String?
        for line in headers.split(separator: 13, omittingEmptySubsequences: true) {
            let line = line.first == 10 ? line.dropFirst() : line[...]
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                line[..<colon].allSatisfy(Self.isTokenByte)
            else { throw FormProblem(detail: "a part's header is not a name and a value") }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            if name == "content-disposition" {
                disposition = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            }
        }
        let name = disposition.flatMap { HeaderParameters.value("name", in: $0) }
        guard name == "file" else {
            let shown = TextRules.printable(String((name ?? "(none)").prefix(40)))
            throw FormProblem(detail: "it has a part named \(shown); send the file alone, as file")
        }
        guard !fileComplete else { throw FormProblem(detail: "it has more than one part named file") }
        filename = disposition.flatMap(ContentDisposition.filename(in:))
    }

    /// RFC 9110's token characters, which a header's name is made of.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
