import Foundation
import Hummingbird
import MastheadDomain
import MultipartKit
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
        else { throw Self.unavailable }
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
        // Headers of the parts and the parser's own bytes ride on top of the file.
        let bodyLimit = maxBytes + 64 << 10
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > bodyLimit { throw tooLarge }
        let path = folder + "/" + UUID().uuidString + ".upload"
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw Self.unavailable }
        let form = FormReceiver(file: file, maxBytes: maxBytes)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in form.header(name, value) }
        parser.onBody = { body in form.body(&body) }
        parser.onPartComplete = { form.partComplete() }
        do {
            defer { try? file.close() }
            var received: Int64 = 0
            for try await buffer in request.body {
                received += Int64(buffer.readableBytes)
                guard received <= bodyLimit else { throw tooLarge }
                do {
                    try parser.execute(buffer)
                } catch {
                    throw Self.malformed("it is not well-formed multipart/form-data")
                }
                if let problem = form.problem { throw problem == .tooLarge ? tooLarge : Self.malformed(problem.detail) }
            }
            guard form.fileComplete else { throw Self.malformed("it has no whole part named file") }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        guard form.size > 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw ProblemError(status: .badRequest, code: "empty_upload", detail: "The upload has no bytes.")
        }
        return (Received(path: path, hash: form.digest.hex(), byteSize: form.size), form.filename)
    }

    private static func malformed(_ why: String) -> ProblemError {
        ProblemError(status: .badRequest, code: "malformed_multipart", detail: "The form cannot be read: \(why).")
    }
}

/// What a form's parts come to as they stream by: the `file` part's bytes go to the file
/// (hashed, counted, limited); any other part is a problem. Used by one request's task only.
private final class FormReceiver {
    enum Problem: Equatable {
        case tooLarge
        case unknownPart(String)
        case twoFiles

        var detail: String {
            switch self {
            case .tooLarge: "it is too large"
            case .unknownPart(let name):
                "it has a part named \(TextRules.printable(String(name.prefix(40)))); send the file alone, as file"
            case .twoFiles: "it has more than one part named file"
            }
        }
    }

    let file: FileHandle
    let maxBytes: Int64
    var digest = ContentDigest()
    var size: Int64 = 0
    var filename: String?
    var problem: Problem?
    var fileComplete = false
    private var inFile = false
    private var disposition: String?

    init(file: FileHandle, maxBytes: Int64) {
        self.file = file
        self.maxBytes = maxBytes
    }

    func header(_ name: String, _ value: String) {
        if name.lowercased() == "content-disposition" { disposition = value }
    }

    func body(_ body: inout ByteBuffer) {
        guard problem == nil else { return }
        if !inFile {
            guard let disposition, let name = HeaderParameters.value("name", in: disposition), name == "file" else {
                problem = .unknownPart(self.disposition.flatMap { HeaderParameters.value("name", in: $0) } ?? "(none)")
                return
            }
            guard !fileComplete else {
                problem = .twoFiles
                return
            }
            inFile = true
            filename = ContentDisposition.filename(in: disposition)
        }
        size += Int64(body.readableBytes)
        guard size <= maxBytes else {
            problem = .tooLarge
            return
        }
        body.withUnsafeReadableBytes { digest.update($0) }
        do {
            try file.write(contentsOf: body.readableBytesView)
        } catch {
            problem = .tooLarge
        }
    }

    func partComplete() {
        if inFile {
            fileComplete = true
            inFile = false
        } else if problem == nil, let disposition, HeaderParameters.value("name", in: disposition) == "file" {
            // A file part with no bytes at all.
            fileComplete = true
        }
        disposition = nil
    }
}
