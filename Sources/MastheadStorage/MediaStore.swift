import Foundation
import MastheadDomain

/// Media assets: their rows and their bytes.
///
/// Both engines keep the bytes in the database, in parts of `MediaRows.partSize`, so that a
/// backup, Litestream and every instance on PostgreSQL see exactly the assets the rows
/// describe. This protocol is the seam for keeping them elsewhere (an S3-compatible store):
/// such a store would write the parts under the hash, and the rows would stay here.
public protocol MediaStore: Sendable {
    /// Stores the upload's file with its row, in one transaction, reading the file a part at
    /// a time; when an asset already has those bytes, it is returned untouched with
    /// `created` false.
    func add(_ upload: MediaUpload) async throws -> (asset: MediaAsset, created: Bool)
    /// `StoreError.notFound` when there is none.
    func find(id: Int64) async throws -> MediaAsset
    /// The asset with these bytes; `StoreError.notFound` when there is none.
    func find(hash: String) async throws -> MediaAsset
    /// Those of `ids` that exist, in any order: one query for a page of content.
    func find(ids: Set<Int64>) async throws -> [MediaAsset]
    /// Newest first.
    func list(_ query: MediaQuery, page: PageRequest) async throws -> Page<MediaAsset>
    func update(id: Int64, with details: MediaDetails) async throws -> MediaAsset
    /// The asset and its bytes; a 409 (`MediaRows.inUse`) naming where content uses it.
    func delete(id: Int64) async throws
    /// Stores each upload (as `add` does, the same bytes once) and makes it what `shows`
    /// names, in one transaction, outside the resources' revisions and raising no events:
    /// for content being loaded (the demo's pictures), not for edits.
    func load(_ pictures: [(upload: MediaUpload, shows: MediaReference.Field, of: String)]) async throws
    /// Part `part` (from 0) of the asset's bytes; nil past the last one, or when the asset
    /// has gone. Each part is one indexed read, so a reader holds one part at a time.
    func part(_ part: Int, of id: Int64) async throws -> [UInt8]?
}

/// What both engines store for media.
package enum MediaRows {
    /// The bytes are stored in rows of this many (the last one shorter).
    package static let partSize = 256 << 10

    package static func notFound(_ id: Int64) -> StoreError { .notFound(resource: .media, slug: String(id)) }

    /// The same bytes were uploaded and deleted at once elsewhere: the write may be tried again.
    package static let changedMeanwhile = StoreError.conflict(
        code: "media_changed",
        detail: "The same file was being uploaded and deleted at once; send it again."
    )

    /// At most this many uses are named when a deletion is refused.
    package static let usesNamed = 5

    /// The refusal to delete an asset that content uses: `uses` as `article 'slug'`.
    package static func inUse(_ uses: [String]) -> StoreError {
        .conflict(
            code: "media_in_use",
            detail: "This asset is used by \(uses.joined(separator: ", ")); remove it from there first."
        )
    }

    /// The event a write of asset `id` raises (`media.created`, …), naming it by its id.
    package static func event(_ id: Int64, _ change: ContentEvent.Change) -> ContentEvent {
        .write(of: .media, slug: String(id), kind: change)
    }
}

/// Reads a file a part (`MediaRows.partSize`) at a time, so that storing it holds one part in
/// memory whatever the file's size.
package struct MediaParts: ~Copyable {
    private let file: FileHandle

    package init(path: String) throws {
        guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        self.file = file
    }

    deinit { try? file.close() }

    /// The next part, or nil at the end of the file.
    package func next() throws -> [UInt8]? {
        guard let data = try file.read(upToCount: MediaRows.partSize), !data.isEmpty else { return nil }
        return Array(data)
    }
}
