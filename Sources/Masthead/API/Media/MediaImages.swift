import Foundation
import HTTPTypes
import MastheadDomain
import MastheadMedia
import MastheadStorage
import NIOCore
import NIOPosix

/// What the image routes do that takes time: reading uploads' headers, copying originals out
/// of the database, and making variants. Renders run on a thread pool of their own, at most
/// one per core, with a bounded queue behind them (past it, 503); identical requests at once
/// share one render; and what it made is kept in `MediaCache`, a bounded folder of this
/// instance's own.
package actor MediaImages {
    package let cache: MediaCache
    private let store: any MediaStore
    private let permits: Permits
    private let maximumWidth: Int
    private var renders: [String: Task<[UInt8], any Error>] = [:]
    private var copies: [String: Task<String, any Error>] = [:]

    /// Images' own threads, one per core, for renders and upload probes, so that they never
    /// hold up what else uses NIO's shared pool (files, DNS look-ups for webhooks).
    package static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    package init(store: any MediaStore, cache: MediaCache, maximumWidth: Int, concurrentRenders: Int = System.coreCount)
    {
        self.store = store
        self.cache = cache
        self.maximumWidth = maximumWidth
        self.permits = Permits(count: max(1, concurrentRenders), queue: 64)
    }

    /// The header of the file at `path`, and for an image within the limit its average
    /// colour (its only full decode), read off the event loops.
    package static func probe(_ path: String, pixelLimit: Int) async throws
        -> Result<(image: ProbedImage, placeholder: String?), ImageRefusal>
    {
        try await threads.runIfActive {
            do throws(ImageRefusal) {
                let image = try ImageProbe.probe(fileAt: path, pixelLimit: pixelLimit)
                return .success((image, try? ImageRenderer.averageColour(fileAt: path, source: image)))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The bytes of the variant cached under `key`, if this instance made it: read without
    /// the database, since the key names the content, and outside this actor, so that
    /// requests for images already made never queue behind each other here.
    nonisolated package func cached(_ key: String) async -> [UInt8]? {
        guard let path = await cache.path(of: key) else { return nil }
        return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The bytes of `variant` of `asset` in `format`, kept under `key`: from the cache, or
    /// made now.
    package func variant(_ variant: ImageVariant, format: ImageFormat, of asset: MediaAsset, key: String) async throws
        -> [UInt8]
    {
        if let cached = await cached(key) { return cached }
        if let running = renders[key] { return try await running.value }
        let task = Task { try await self.render(variant, format: format, of: asset, key: key) }
        renders[key] = task
        defer { renders[key] = nil }
        return try await task.value
    }

    /// Forgets what this instance made of the asset with `hash` (it was deleted).
    package func forget(_ hash: String) async {
        await cache.remove(prefix: hash + "-")
    }

    private func render(_ variant: ImageVariant, format: ImageFormat, of asset: MediaAsset, key: String) async throws
        -> [UInt8]
    {
        let originalKey = "\(asset.hash)-original"
        let original = try await originalFile(of: asset)
        // Kept while in use: the cache may not evict it under the render.
        await cache.pin(originalKey)
        let maximumWidth = maximumWidth
        let bytes: [UInt8]
        do {
            bytes = try await permits.run {
                try await Self.threads.runIfActive {
                    let source = try ImageProbe.probe(fileAt: original, pixelLimit: .max)
                    return try ImageRenderer.render(
                        fileAt: original,
                        source: source,
                        variant: variant,
                        format: format,
                        maximumWidth: maximumWidth
                    )
                }
            }
        } catch {
            await cache.unpin(originalKey)
            // A copy that cannot be read is copied again next time.
            if error is ImageRefusal { await cache.remove(prefix: originalKey) }
            throw error
        }
        await cache.unpin(originalKey)
        await cache.write(bytes, as: key)
        return bytes
    }

    /// The original's bytes as a file in the cache, copied out of the store a part at a time
    /// when it is not there (one copy at a time per asset), kept only when whole.
    private func originalFile(of asset: MediaAsset) async throws -> String {
        let key = "\(asset.hash)-original"
        if let path = await cache.path(of: key) { return path }
        if let running = copies[key] { return try await running.value }
        let store = store
        let cache = cache
        let task = Task {
            try await cache.writeFile(as: key) { file in
                var part = 0
                var copied: Int64 = 0
                var digest = ContentDigest()
                while let bytes = try await store.part(part, of: asset.id) {
                    try file.write(contentsOf: bytes)
                    digest.update(bytes)
                    copied += Int64(bytes.count)
                    part += 1
                }
                // Deleted while copied, or changed: never kept as if it were the asset.
                guard copied == asset.byteSize, digest.hex() == asset.hash else {
                    throw StoreError.notFound(resource: .media, slug: asset.hash)
                }
            }
        }
        copies[key] = task
        defer { copies[key] = nil }
        return try await task.value
    }
}

/// At most `count` bodies run at once; up to `queue` others wait in order, and any more are
/// refused at once with a 503 (`Permits.busy`).
package actor Permits {
    private var available: Int
    private let queue: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    package init(count: Int, queue: Int = .max) {
        available = count
        self.queue = queue
    }

    package static let busy = ProblemError(
        status: .serviceUnavailable,
        code: "busy",
        detail: "This server is making as many images as it can; try again shortly.",
        headers: [.retryAfter: "1"]
    )

    package func run<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        if available > 0 {
            available -= 1
        } else {
            guard waiting.count < queue else { throw Self.busy }
            await withCheckedContinuation { waiting.append($0) }
        }
        defer {
            if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

/// Files this instance made (variants, and originals copied out of the database), in a
/// folder of its own, at most `maxBytes` in all: the least recently used go first. Files are
/// written under a temporary name and renamed, so a reader never sees half of one. Files of
/// its own left from an earlier run are deleted at start (what they held can always be made
/// again); nothing else in the folder is touched.
package actor MediaCache {
    package let folder: String
    package let maxBytes: Int
    private var entries: [String: Entry] = [:]
    private var total = 0
    private var tick: UInt64 = 0
    /// Files in use (an original under a render): never evicted until let go.
    private var pinned: [String: Int] = [:]

    private struct Entry {
        var size: Int
        var lastUse: UInt64
    }

    /// By default one folder per port under the system's temporary folder, made readable by
    /// this user alone: a restart finds (and clears) its own files. Port 0 (a test's), or a
    /// folder of that name someone else made first, gets a folder of its own.
    package static func defaultFolder(port: Int) -> String {
        let temporary = NSTemporaryDirectory() as NSString
        if port != 0 {
            let folder = temporary.appendingPathComponent("masthead-media-\(port)")
            try? FileManager.default.createDirectory(
                atPath: folder,
                withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o700]
            )
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder)
            if (attributes?[.ownerAccountID] as? NSNumber)?.uint32Value == getuid(),
                (attributes?[.posixPermissions] as? NSNumber)?.intValue == 0o700
            {
                return folder
            }
        }
        return temporary.appendingPathComponent("masthead-media-\(UUID().uuidString)")
    }

    /// A folder that cannot be made leaves every write failing, each with a 503.
    package init(folder: String, maxBytes: Int) {
        self.folder = folder
        self.maxBytes = maxBytes
        try? FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Self.isOwn(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// A name this cache writes: a content hash, then `-` and the rest of the key.
    private static func isOwn(_ name: String) -> Bool {
        name.utf8.count > 65 && ContentDigest.isHex(name.prefix(64)) && name.dropFirst(64).hasPrefix("-")
    }

    package var totalBytes: Int { total }

    /// The path of `key`'s file, if it is cached (and still there).
    package func path(of key: String) -> String? {
        guard let entry = entries[key] else { return nil }
        let path = filePath(key)
        guard FileManager.default.fileExists(atPath: path) else {
            entries[key] = nil
            total -= entry.size
            return nil
        }
        tick += 1
        entries[key]?.lastUse = tick
        return path
    }

    package func pin(_ key: String) { pinned[key, default: 0] += 1 }

    package func unpin(_ key: String) {
        pinned[key, default: 1] -= 1
        if pinned[key] == 0 { pinned[key] = nil }
    }

    /// Deletes every file whose key starts with `prefix` that is not in use.
    package func remove(prefix: String) {
        for (key, entry) in entries where key.hasPrefix(prefix) && pinned[key] == nil {
            try? FileManager.default.removeItem(atPath: filePath(key))
            entries[key] = nil
            total -= entry.size
        }
    }

    package func write(_ bytes: [UInt8], as key: String) async {
        _ = try? await writeFile(as: key) { file in try file.write(contentsOf: bytes) }
    }

    /// Writes `key`'s file with `fill`, then keeps it; returns its path.
    package func writeFile(as key: String, _ fill: @Sendable (FileHandle) async throws -> Void) async throws -> String {
        let temporary = filePath("\(key).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let file = FileHandle(forWritingAtPath: temporary)
        else { throw MediaCache.unavailable }
        do {
            try await fill(file)
            try file.close()
        } catch {
            try? file.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        let path = filePath(key)
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw MediaCache.unavailable
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        tick += 1
        if let old = entries.updateValue(Entry(size: size, lastUse: tick), forKey: key) { total -= old.size }
        total += size
        evict(keeping: key)
        return path
    }

    /// Deletes the least recently used files until the total fits, never `kept` (just
    /// written, about to be read).
    private func evict(keeping kept: String) {
        guard total > maxBytes else { return }
        for (key, entry) in entries.sorted(by: { $0.value.lastUse < $1.value.lastUse })
        where key != kept && pinned[key] == nil {
            try? FileManager.default.removeItem(atPath: filePath(key))
            entries[key] = nil
            total -= entry.size
            if total <= maxBytes { return }
        }
    }

    package static let unavailable = ProblemError(
        status: .serviceUnavailable,
        code: "media_cache_unavailable",
        detail: "This server cannot write images just now; try again shortly.",
        headers: [.retryAfter: "30"]
    )

    /// Keys are made here of hex digits, variant names and `-`: never a path of their own.
    private func filePath(_ key: String) -> String { folder + "/" + key }
}
