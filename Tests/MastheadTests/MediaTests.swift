import CVips
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import MastheadMedia
import MastheadTestSupport
import NIOCore
import Testing

@testable import Masthead
@testable import MastheadDomain

/// `/v1/media` and `/media/{hash}/{variant}/{filename}`, on both engines, with images the
/// tests make with libvips (and, for the metadata a camera writes, by hand).
@Suite struct MediaTests {
    // MARK: - Images made in the test

    /// A `width` × `height` JPEG with EXIF orientation `orientation` and a GPS block whose map
    /// datum is `MediaTests.secretPlace`, as a phone's photo carries where it was taken.
    static func photo(width: Int = 1200, height: Int = 800, orientation: Int = 6) throws -> [UInt8] {
        let folder = try TemporaryFolder()
        let path = try ImageProbeTests.image("photo.jpg", in: folder, width: width, height: height)
        var jpeg = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // The EXIF segment libvips wrote (for the resolution) gives way to the camera's.
        var offset = 2
        while offset + 4 <= jpeg.count, jpeg[offset] == 0xff, (0xe0...0xef).contains(jpeg[offset + 1]) {
            let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
            if jpeg[offset + 1] == 0xe1, Array(jpeg[(offset + 4)..<(offset + 8)]) == Array("Exif".utf8) {
                jpeg.removeSubrange(offset..<(offset + 2 + length))
                break
            }
            offset += 2 + length
        }
        jpeg.insert(contentsOf: exifSegment(orientation: orientation), at: 2)
        return jpeg
    }

    static let secretPlace = "MASTHEAD-SECRET-PLACE"

    /// An APP1 EXIF segment: a little-endian TIFF header; IFD0 with the orientation and a
    /// GPSInfo pointer; a GPS IFD with GPSLatitudeRef `N` and GPSMapDatum `secretPlace`.
    static func exifSegment(orientation: Int) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
        func u32(_ value: Int) -> [UInt8] { u16(value & 0xffff) + u16(value >> 16) }
        let datum = Array(secretPlace.utf8) + [0]
        // The header (8 bytes); IFD0 at 8, two entries (2 + 24 + 4); the GPS IFD at 38, two
        // entries (2 + 24 + 4); the datum's text at 68.
        var tiff: [UInt8] = [0x49, 0x49] + u16(42) + u32(8)
        tiff += u16(2)
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        tiff += u16(0x8825) + u16(4) + u32(1) + u32(38)
        tiff += u32(0)
        tiff += u16(2)
        tiff += u16(0x0001) + u16(2) + u32(2) + [0x4e, 0, 0, 0]
        tiff += u16(0x0012) + u16(2) + u32(datum.count) + u32(68)
        tiff += u32(0)
        tiff += datum
        let body = Array("Exif".utf8) + [0, 0] + tiff
        let length = body.count + 2
        return [0xff, 0xe1, UInt8(length >> 8), UInt8(length & 0xff)] + body
    }

    /// A grey PNG `width` × `height`, black on its left half and white on its right.
    static func halves(width: Int = 200, height: Int = 100) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for row in 0..<height { for column in width / 2..<width { pixels[row * width + column] = 255 } }
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("halves.png").path
        let image = try #require(
            pixels.withUnsafeBytes { bytes in
                vips_image_new_from_memory_copy(
                    bytes.baseAddress,
                    bytes.count,
                    Int32(width),
                    Int32(height),
                    1,
                    VIPS_FORMAT_UCHAR
                )
            }
        )
        defer { masthead_vips_release(image) }
        #expect(masthead_vips_save(image, path) == 0)
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The image in `bytes` as libvips reads it: its header, and its pixels, band by band.
    static func decode(_ bytes: [UInt8]) throws -> (ProbedImage, [UInt8]) {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("served").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let probed = try ImageProbe.probe(fileAt: path)
        let image = try #require(masthead_vips_open(probed.loader, path))
        defer { masthead_vips_release(image) }
        var size = 0
        let memory = try #require(vips_image_write_to_memory(image, &size))
        defer { g_free(memory) }
        return (probed, Array(UnsafeRawBufferPointer(start: memory, count: size)))
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Requests

    static func upload(
        _ client: any TestClientProtocol,
        _ bytes: [UInt8],
        query: String = "?filename=photo.jpg",
        token: String?,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: "/v1/media" + query,
            method: .post,
            headers: fields,
            body: ByteBuffer(bytes: bytes)
        ) { $0 }
    }

    static func counts(_ storage: TestStorage) async throws -> (assets: Int?, bytes: Int?) {
        let length = storage.sqlite != nil ? "length" : "octet_length"
        return (
            try await storage.integer("SELECT count(*) FROM media"),
            try await storage.integer("SELECT coalesce(sum(\(length)(bytes)), 0) FROM media_parts")
        )
    }

    // MARK: - Uploads

    @Test(arguments: AppEngine.available) func anUploadIsKeptByItsBytesAndDescribedFromThem(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite], name: "photo desk")
            let photo = try Self.photo()
            // The request says PNG and names it with a header: the bytes say JPEG.
            let created = try await Self.upload(
                client,
                photo,
                query: "",
                token: writer,
                headers: [.contentType: "image/png", .contentDisposition: #"attachment; filename="Paris trip.jpg""#]
            )
            #expect(created.status == .created)
            let asset = try created.json["data"]
            let id = try #require(asset["id"].int)
            #expect(created.headers[.location] == "/v1/media/\(id)")
            #expect(asset["hash"].string == Self.sha256(photo))
            #expect(asset["filename"].string == "Paris trip.jpg")
            #expect(asset["media_type"].string == "image/jpeg")
            #expect(asset["byte_size"].int == photo.count)
            // Orientation 6 turns it a quarter: 1200 × 800 as stored, 800 × 1200 upright.
            #expect(asset["width"].int == 800 && asset["height"].int == 1200)
            #expect(asset["alt"] == .null && asset["caption"] == .null && asset["credit"] == .null)
            #expect(asset["focal_point"]["x"].number == 0.5 && asset["focal_point"]["y"].number == 0.5)
            #expect(asset["uploaded_by"].string == "photo desk")
            let hash = Self.sha256(photo)
            #expect(asset["url"].string == "/media/\(hash)/full/Paris-trip.jpg")
            #expect(
                asset["srcset"].string
                    == "/media/\(hash)/w320/Paris-trip.jpg 320w, /media/\(hash)/w640/Paris-trip.jpg 640w, "
                    + "/media/\(hash)/full/Paris-trip.jpg 800w"
            )
            #expect(try await Self.counts(storage) == (1, photo.count))

            // The same bytes again are the same asset, stored once.
            let again = try await Self.upload(client, photo, query: "?filename=copy.jpg", token: writer)
            #expect(again.status == .ok)
            #expect(try again.json["data"]["id"].int == id && again.json["data"]["filename"].string == "Paris trip.jpg")
            #expect(try await Self.counts(storage) == (1, photo.count))

            // The exact bytes, metadata and all, go to a token holder only.
            let reader = try await storage.token([.contentRead])
            let original = try await client.get(
                "/v1/media/\(id)/original",
                headers: [.authorization: "Bearer \(reader)"]
            )
            #expect(original.status == .ok)
            #expect(Array(original.body.readableBytesView) == photo)
            #expect(original.headers[.contentType] == "image/jpeg")
            #expect(original.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(original.headers[.xContentTypeOptions] == "nosniff")
            #expect(try await client.get("/v1/media/\(id)/original").status == .unauthorized)
        }
    }

    /// A file larger than one stored part comes back whole, in order.
    @Test(arguments: AppEngine.available) func aFileOfManyPartsComesBackWhole(engine: AppEngine) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            // Noise does not compress: a PNG of random grey is larger than a part.
            var generator = SystemRandomNumberGenerator()
            let pixels = (0..<(700 * 700)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let folder = try TemporaryFolder()
            let path = folder.url.appendingPathComponent("noise.png").path
            let image = try #require(
                pixels.withUnsafeBytes {
                    vips_image_new_from_memory_copy($0.baseAddress, $0.count, 700, 700, 1, VIPS_FORMAT_UCHAR)
                }
            )
            #expect(masthead_vips_save(image, path) == 0)
            masthead_vips_release(image)
            let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(png.count > 256 << 10)
            let created = try await Self.upload(client, png, query: "?filename=noise.png", token: writer)
            #expect(created.status == .created)
            let id = try #require(try created.json["data"]["id"].int)
            #expect(
                try await storage.integer("SELECT count(*) FROM media_parts") == (png.count + (256 << 10) - 1)
                    / (256 << 10)
            )
            let original = try await client.get(
                "/v1/media/\(id)/original",
                headers: [.authorization: "Bearer \(writer)"]
            )
            #expect(Array(original.body.readableBytesView) == png)
        }
    }

    /// What is refused changes nothing: no row, no bytes.
    @Test(arguments: AppEngine.available) func refusedUploadsStoreNothing(engine: AppEngine) async throws {
        try await withApp(on: engine, configure: { $0.media.maxUploadBytes = 100_000 }) {
            client,
            storage async throws in
            let writer = try await storage.token([.contentWrite])
            let reader = try await storage.token([.contentRead])
            let photo = try Self.photo(width: 300, height: 200)
            func refusal(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String) throws {
                #expect(response.status == status)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(try response.json["code"].string == code)
            }
            try refusal(try await Self.upload(client, photo, token: nil), .unauthorized, "unauthorized")
            try refusal(try await Self.upload(client, photo, token: reader), .forbidden, "insufficient_scope")
            try refusal(
                try await Self.upload(client, photo, query: "", token: writer),
                .badRequest,
                "filename_required"
            )
            try refusal(
                try await Self.upload(client, photo, query: "?filename=a/b.jpg", token: writer),
                .badRequest,
                "invalid_parameter"
            )
            try refusal(
                try await Self.upload(client, photo, query: "?filename=a.jpg&size=2", token: writer),
                .badRequest,
                "unknown_parameter"
            )
            try refusal(try await Self.upload(client, [], token: writer), .badRequest, "empty_upload")
            try refusal(
                try await Self.upload(client, Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), token: writer),
                .unsupportedMediaType,
                "unsupported_media_type"
            )
            let bomb = [UInt8](ImageProbeTests.pngHeader(width: 30_000, height: 30_000))
            let refusedBomb = try await Self.upload(client, bomb, query: "?filename=bomb.png", token: writer)
            try refusal(refusedBomb, .unprocessableContent, "too_many_pixels")
            #expect(try refusedBomb.json["detail"].string?.contains("30000 × 30000") == true)
            let large = [UInt8](repeating: 0xff, count: 100_001)
            try refusal(try await Self.upload(client, large, token: writer), .contentTooLarge, "payload_too_large")
            #expect(try await Self.counts(storage) == (0, 0))
        }
    }

    // MARK: - The library

    @Test(arguments: AppEngine.available) func theLibraryIsListedSearchedEditedAndDeleted(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let auth: HTTPFields = [.authorization: "Bearer \(writer)"]
            let jpeg = try await Self.upload(
                client,
                try Self.photo(width: 100, height: 80),
                query: "?filename=harbour.jpg",
                token: writer
            )
            let png = try await Self.upload(
                client,
                try Self.halves(),
                query: "?filename=chart_50%25.png",
                token: writer
            )
            let jpegID = try #require(try jpeg.json["data"]["id"].int)
            let pngID = try #require(try png.json["data"]["id"].int)

            #expect(try await client.get("/v1/media").status == .unauthorized)
            let all = try await client.get("/v1/media", headers: auth)
            #expect(all.status == .ok && all.headers[.cacheControl] == "no-store")
            #expect(try all.json["data"].array.map { $0["id"].int } == [pngID, jpegID])
            #expect(try all.json["meta"]["pagination"]["total"].int == 2)
            let pngs = try await client.get("/v1/media?type=image/png", headers: auth)
            #expect(try pngs.json["data"].array.map { $0["id"].int } == [pngID])
            let images = try await client.get("/v1/media?type=image&limit=1&page=2", headers: auth)
            #expect(try images.json["data"].array.map { $0["id"].int } == [jpegID])
            // `%` and `_` are themselves, not patterns.
            let percent = try await client.get("/v1/media?q=50%25", headers: auth)
            #expect(try percent.json["data"].array.map { $0["id"].int } == [pngID])
            let underscore = try await client.get("/v1/media?q=c_a", headers: auth)
            #expect(try underscore.json["data"].array.isEmpty)
            #expect(try await client.get("/v1/media?q=", headers: auth).status == .badRequest)
            #expect(try await client.get("/v1/media?type=image%2F*%27", headers: auth).status == .badRequest)

            let patched = try await client.send(
                .patch,
                "/v1/media/\(jpegID)",
                json:
                    #"{"alt": "Boats in the harbour", "caption": "Morning", "credit": "Alex Kim", "focal_point": {"x": 0.25, "y": 1}}"#,
                token: writer
            )
            #expect(patched.status == .ok)
            #expect(try patched.json["data"]["alt"].string == "Boats in the harbour")
            #expect(try patched.json["data"]["focal_point"]["x"].number == 0.25)
            #expect(try await storage.text("SELECT credit FROM media WHERE id = \(jpegID)") == "Alex Kim")
            let searched = try await client.get("/v1/media?q=harbour", headers: auth)
            #expect(try searched.json["data"].array.map { $0["id"].int } == [jpegID])
            // null clears; a bad focal point or an unknown field changes nothing.
            let cleared = try await client.send(
                .patch,
                "/v1/media/\(jpegID)",
                json: #"{"caption": null, "focal_point": null}"#,
                token: writer
            )
            #expect(
                try cleared.json["data"]["caption"] == .null && cleared.json["data"]["focal_point"]["x"].number == 0.5
            )
            for body in [
                #"{"focal_point": {"x": 2, "y": 0}}"#, #"{"focal_point": {"x": 0.5}}"#, #"{"hash": "x"}"#,
                #"{"filename": "a/b"}"#,
            ] {
                let refused = try await client.send(.patch, "/v1/media/\(jpegID)", json: body, token: writer)
                #expect(refused.status == .unprocessableContent, "\(body)")
            }
            #expect(try await storage.text("SELECT alt FROM media WHERE id = \(jpegID)") == "Boats in the harbour")

            #expect(try await client.get("/v1/media/\(jpegID)", headers: auth).status == .ok)
            #expect(try await client.get("/v1/media/999", headers: auth).status == .notFound)
            #expect(try await client.get("/v1/media/x", headers: auth).status == .notFound)
            #expect(try await client.send(.delete, "/v1/media/\(jpegID)").status == .unauthorized)
            #expect(try await client.send(.delete, "/v1/media/\(jpegID)", token: writer).status == .noContent)
            #expect(try await client.get("/v1/media/\(jpegID)", headers: auth).status == .notFound)
            #expect(try await client.send(.delete, "/v1/media/\(jpegID)", token: writer).status == .notFound)
            #expect(try await storage.integer("SELECT count(*) FROM media_parts WHERE media_id = \(jpegID)") == 0)
            #expect(try await storage.integer("SELECT count(*) FROM media_parts WHERE media_id = \(pngID)") == 1)
        }
    }

    // MARK: - Images

    @Test(arguments: AppEngine.available) func variantsAreUprightStrippedAndCachedForAYear(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let photo = try Self.photo()
            #expect(String(decoding: photo, as: UTF8.self).contains(Self.secretPlace))
            let created = try await Self.upload(client, photo, token: writer)
            let hash = try #require(try created.json["data"]["hash"].string)

            for (accept, format) in [
                ("image/avif,image/webp,*/*", "image/avif"), ("image/webp,*/*", "image/webp"), ("*/*", "image/jpeg"),
                ("image/avif;q=0,image/webp", "image/webp"),
            ] {
                let served = try await client.get("/media/\(hash)/w320/photo.jpg", headers: [.accept: accept])
                #expect(served.status == .ok)
                #expect(served.headers[.contentType] == format, "\(accept)")
                #expect(served.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(served.headers[.vary]?.contains("Accept") == true)
                #expect(served.headers[.xContentTypeOptions] == "nosniff")
                let bytes = Array(served.body.readableBytesView)
                let (image, _) = try Self.decode(bytes)
                #expect(image.mediaType == format)
                #expect(image.uprightWidth == 320 && image.uprightHeight == 480, "\(format): upright, 320 wide")
                #expect(image.orientation == 1, "\(format): turned, not just labelled")
                #expect(!String(decoding: bytes, as: UTF8.self).contains(Self.secretPlace), "\(format): no GPS")
            }
            // A named format does not vary; the ETag names the bytes; a match is a 304.
            let webp = try await client.get("/media/\(hash)/w640-webp/anything.webp")
            #expect(webp.headers[.contentType] == "image/webp" && webp.headers[.vary]?.contains("Accept") != true)
            let tag = try #require(webp.headers[.eTag])
            let again = try await client.get("/media/\(hash)/w640-webp/photo.jpg", headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            #expect(try Self.decode(Array(webp.body.readableBytesView)).0.uprightWidth == 640)
            // Never larger than the original.
            let full = try await client.get("/media/\(hash)/full-png/photo.png")
            #expect(try Self.decode(Array(full.body.readableBytesView)).0.uprightWidth == 800)
        }
    }

    /// Only the configured sizes are made, and a cover crop only at the asset's own focal
    /// point: nobody can make the server render arbitrary sizes.
    @Test(arguments: AppEngine.available) func onlyServedVariantsAreMade(engine: AppEngine) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let created = try await Self.upload(client, try Self.photo(), token: writer)
            let hash = try #require(try created.json["data"]["hash"].string)
            let unknown = String(repeating: "0", count: 64)
            for path in [
                "/media/\(hash)/w333/photo.jpg", "/media/\(hash)/w0320/photo.jpg",
                "/media/\(hash)/w320-webp-webp/p.jpg",
                "/media/\(hash)/w320-16x9/p.jpg", "/media/\(hash)/w320-16x9-f10x10/p.jpg",
                "/media/\(hash)/w320-7x5-f50x50/p.jpg",
                "/media/\(hash)/h320/p.jpg", "/media/\(hash)/w320-gif/p.jpg", "/media/\(unknown)/w320/p.jpg",
                "/media/\(hash.uppercased())/w320/p.jpg", "/media/../w320/p.jpg",
            ] {
                let response = try await client.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(path)")
            }
            #expect(try await client.get("/media/\(hash)/w320-16x9-f50x50/p.jpg").status == .ok)
            #expect(try await client.get("/media/\(hash)/w320/p.jpg?w=4000").status == .badRequest)
        }
    }

    /// A cover crop keeps the focal point in frame: a square from a black-and-white image
    /// focused on its right edge is all white, and on its left edge all black.
    @Test(arguments: AppEngine.available) func aCoverCropKeepsTheFocalPoint(engine: AppEngine) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let created = try await Self.upload(client, try Self.halves(), query: "?filename=halves.png", token: writer)
            let id = try #require(try created.json["data"]["id"].int)
            let hash = try #require(try created.json["data"]["hash"].string)
            for (x, expected) in [(1.0, UInt8(255)), (0.0, UInt8(0))] {
                let moved = try await client.send(
                    .patch,
                    "/v1/media/\(id)",
                    json: #"{"focal_point": {"x": \#(x), "y": 0.5}}"#,
                    token: writer
                )
                #expect(moved.status == .ok)
                let focus = x == 1 ? "f100x50" : "f0x50"
                let square = try await client.get("/media/\(hash)/w320-1x1-\(focus)-png/halves.png")
                #expect(square.status == .ok)
                let (image, pixels) = try Self.decode(Array(square.body.readableBytesView))
                #expect(image.width == 100 && image.height == 100)
                #expect(pixels.allSatisfy { $0 == expected }, "focused at x = \(x)")
            }
            // A contained image keeps all of it.
            let contained = try await client.get("/media/\(hash)/w320-1x1-contain-png/halves.png")
            let (whole, pixels) = try Self.decode(Array(contained.body.readableBytesView))
            #expect(whole.width == 200 && whole.height == 100)
            #expect(pixels.contains(0) && pixels.contains(255))
        }
    }

    // MARK: - Content that shows media

    /// An article's feature image and an author's photo are ids in a write and objects a page
    /// uses as they are in a read; an id that names no image is refused; an asset in use
    /// cannot be deleted; editing an asset shows in content at once (no stale cache).
    @Test(arguments: AppEngine.available) func contentShowsItsImagesAndKeepsThem(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: { try await $0.author("ann") }) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let uploaded = try await Self.upload(
                client,
                try Self.halves(),
                query: "?filename=halves.png",
                token: writer
            )
            let id = try #require(try uploaded.json["data"]["id"].int)
            let hash = try #require(try uploaded.json["data"]["hash"].string)
            // Black and white halves average to mid grey.
            #expect(try uploaded.json["data"]["placeholder"].string == "#808080")

            let article =
                #"{"title": "Pictured", "body_markdown": "Words.", "author": "ann", "status": "published", "feature_image": \#(id)}"#
            let created = try await client.send(.post, "/v1/articles", json: article, token: writer)
            #expect(created.status == .created)
            // Read once, so that the public answer is cached before the asset changes.
            let image = try await client.get("/v1/articles/pictured").json["data"]["feature_image"]
            #expect(image["id"].int == id)
            #expect(image["url"].string == "/media/\(hash)/full/halves.png")
            #expect(image["width"].int == 200 && image["height"].int == 100)
            #expect(image["srcset"].string == "/media/\(hash)/full/halves.png 200w")
            #expect(image["placeholder"].string == "#808080" && image["alt"] == .null)
            let listed = try await client.get("/v1/articles?fields=slug,feature_image").json["data"][0]
            #expect(listed["feature_image"]["id"].int == id)
            #expect(try await storage.integer("SELECT feature_image FROM articles WHERE slug = 'pictured'") == id)

            let photographed = try await client.send(
                .patch,
                "/v1/authors/ann",
                json: #"{"avatar": \#(id)}"#,
                token: writer
            )
            #expect(photographed.status == .ok)
            #expect(try photographed.json["data"]["avatar"]["url"].string == "/media/\(hash)/full/halves.png")
            // A PATCH that does not name the photo keeps it.
            let renamed = try await client.send(.patch, "/v1/authors/ann", json: #"{"name": "Ann"}"#, token: writer)
            #expect(try renamed.json["data"]["avatar"]["id"].int == id)

            // An id that names no image changes nothing.
            let unknown = try await client.send(
                .patch,
                "/v1/articles/pictured",
                json: #"{"feature_image": 999}"#,
                token: writer
            )
            #expect(unknown.status == .unprocessableContent)
            #expect(try unknown.json["errors"][0]["code"].string == "unknown_media")
            #expect(try unknown.json["errors"][0]["pointer"].string == "/feature_image")
            #expect(
                try await client.send(.patch, "/v1/authors/ann", json: #"{"avatar": 0}"#, token: writer).status
                    == .unprocessableContent
            )
            #expect(try await storage.integer("SELECT feature_image FROM articles WHERE slug = 'pictured'") == id)

            // In use: not deleted, and told where.
            let refused = try await client.send(.delete, "/v1/media/\(id)", token: writer)
            #expect(refused.status == .conflict)
            #expect(try refused.json["code"].string == "media_in_use")
            #expect(try refused.json["detail"].string?.contains("article 'pictured'") == true)
            #expect(try refused.json["detail"].string?.contains("author 'ann'") == true)
            #expect(try await Self.counts(storage).assets == 1)

            // Described: the article shows the new alt text at once.
            let described = try await client.send(
                .patch,
                "/v1/media/\(id)",
                json: #"{"alt": "Night and day"}"#,
                token: writer
            )
            #expect(described.status == .ok)
            #expect(
                try await client.get("/v1/articles/pictured").json["data"]["feature_image"]["alt"].string
                    == "Night and day"
            )

            // Once nothing uses it, it goes.
            #expect(
                try await client.send(.patch, "/v1/articles/pictured", json: #"{"feature_image": null}"#, token: writer)
                    .status == .ok
            )
            #expect(
                try await client.send(.patch, "/v1/authors/ann", json: #"{"avatar": null}"#, token: writer).status
                    == .ok
            )
            #expect(try await client.get("/v1/articles/pictured").json["data"]["feature_image"] == .null)
            #expect(try await client.send(.delete, "/v1/media/\(id)", token: writer).status == .noContent)
        }
    }

    // MARK: - Bounds found in review

    /// `full` is the image's own width up to the largest served width, never a 50-megapixel
    /// render for anyone who asks.
    @Test(arguments: AppEngine.available) func fullIsNoWiderThanTheLargestServedWidth(engine: AppEngine) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let folder = try TemporaryFolder()
            let path = try ImageProbeTests.image("wide.jpg", in: folder, width: 2400, height: 100)
            let wide = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let created = try await Self.upload(client, wide, query: "?filename=wide.jpg", token: writer)
            let hash = try #require(try created.json["data"]["hash"].string)
            #expect(try created.json["data"]["width"].int == 2400)
            #expect(try created.json["data"]["srcset"].string?.hasSuffix("/media/\(hash)/full/wide.jpg 1920w") == true)
            #expect(try created.json["data"]["focus"].string == "f50x50")
            let full = try await client.get("/media/\(hash)/full-jpeg/wide.jpg")
            #expect(try Self.decode(Array(full.body.readableBytesView)).0.width == 1920)
        }
    }

    /// A variant this instance made is served again without the database (the URL names the
    /// content); deleting the asset through the API forgets it here.
    @Test(arguments: AppEngine.available) func aMadeVariantNeedsNoDatabaseAndGoesWithItsAsset(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let created = try await Self.upload(client, try Self.photo(width: 300, height: 200), token: writer)
            let id = try #require(try created.json["data"]["id"].int)
            let hash = try #require(try created.json["data"]["hash"].string)
            let url = "/media/\(hash)/w320-png/photo.jpg"
            let first = try await client.get(url)
            #expect(first.status == .ok)
            // Rows renamed away behind the server's back: a made variant is still served.
            let table = "media_parked"
            try await storage.execute("ALTER TABLE media RENAME TO \(table)")
            let again = try await client.get(url)
            #expect(again.status == .ok && again.body == first.body)
            try await storage.execute("ALTER TABLE \(table) RENAME TO media")
            #expect(try await client.send(.delete, "/v1/media/\(id)", token: writer).status == .noContent)
            #expect(try await client.get(url).status == .notFound)
        }
    }

    /// An image deleted while content still named it (restored from a revision, imported
    /// without its media) reads as null and does not block edits of anything else.
    @Test(arguments: AppEngine.available) func aDanglingImageDoesNotBlockEdits(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: { try await $0.author("ann") }) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let created = try await Self.upload(client, try Self.halves(), query: "?filename=h.png", token: writer)
            let id = try #require(try created.json["data"]["id"].int)
            let article = #"{"title": "Kept", "body_markdown": "Words.", "author": "ann", "feature_image": \#(id)}"#
            #expect(try await client.send(.post, "/v1/articles", json: article, token: writer).status == .created)
            try await storage.execute("DELETE FROM media WHERE id = \(id)")
            let edited = try await client.send(
                .patch,
                "/v1/articles/kept",
                json: #"{"title": "Still kept"}"#,
                token: writer
            )
            #expect(edited.status == .ok)
            #expect(try edited.json["data"]["feature_image"] == .null)
            // Naming it anew is refused: it is gone.
            let renamed = try await client.send(
                .patch,
                "/v1/articles/kept",
                json: #"{"feature_image": \#(id + 1)}"#,
                token: writer
            )
            #expect(renamed.status == .unprocessableContent)
        }
    }

    /// Past the queue, a render is refused at once instead of waiting without end.
    @Test func rendersPastTheQueueAreRefused() async throws {
        let permits = Permits(count: 1, queue: 0)
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        let (started, starting) = AsyncStream.makeStream(of: Void.self)
        let running = Task {
            try await permits.run {
                starting.yield()
                for await _ in release { break }
            }
        }
        var startedIterator = started.makeAsyncIterator()
        await startedIterator.next()
        await #expect(throws: ProblemError.self) { try await permits.run {} }
        releasing.yield()
        releasing.finish()
        try await running.value
        // Free again: the next one runs.
        try await permits.run {}
    }

    // MARK: - Forms

    /// A `multipart/form-data` body with the given parts, each `(name, filename, bytes)`.
    static func form(_ parts: [(String, String?, [UInt8])], boundary: String = "mhBoundary7MA4YWxk") -> [UInt8] {
        var body: [UInt8] = []
        for (name, filename, bytes) in parts {
            let disposition = "form-data; name=\"\(name)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "")
            body += Array(
                "--\(boundary)\r\nContent-Disposition: \(disposition)\r\nContent-Type: image/png\r\n\r\n".utf8
            )
            body += bytes + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    /// A browser's form upload: the part named file, named by its filename; anything else in
    /// the form, or a form that ends early, stores nothing.
    @Test(arguments: AppEngine.available) func aFormUploadIsTakenFromItsFilePart(engine: AppEngine) async throws {
        try await withApp(on: engine, configure: { $0.media.maxUploadBytes = 200_000 }) {
            client,
            storage async throws in
            let writer = try await storage.token([.contentWrite])
            let form: HTTPFields = [.contentType: "multipart/form-data; boundary=mhBoundary7MA4YWxk"]
            // Noise: carriage returns and hyphens inside the file must not end the part.
            let photo = try Self.photo(width: 120, height: 90) + Array("\r\n--mhBoundary7MA4YWx\r\r\n-".utf8)
            let created = try await Self.upload(
                client,
                Self.form([("file", "From the form.jpg", photo)]),
                query: "",
                token: writer,
                headers: form
            )
            #expect(created.status == .created)
            let id = try #require(try created.json["data"]["id"].int)
            #expect(try created.json["data"]["filename"].string == "From the form.jpg")
            #expect(try created.json["data"]["byte_size"].int == photo.count)
            #expect(try created.json["data"]["hash"].string == Self.sha256(photo))
            let original = try await client.get(
                "/v1/media/\(id)/original",
                headers: [.authorization: "Bearer \(writer)"]
            )
            #expect(Array(original.body.readableBytesView) == photo)

            let other = try Self.photo(width: 60, height: 40)
            for (body, headers, code) in [
                (Self.form([("title", nil, Array("Hi".utf8)), ("file", "a.jpg", other)]), form, "malformed_multipart"),
                (Self.form([("file", "a.jpg", other), ("file", "b.jpg", other)]), form, "malformed_multipart"),
                (Array(Self.form([("file", "a.jpg", other)]).dropLast(40)), form, "malformed_multipart"),
                (Self.form([("file", "a.jpg", other)]), [.contentType: "multipart/form-data"], "malformed_multipart"),
                (
                    Self.form([("file", "a.jpg", other)]), [.contentType: "multipart/form-data; boundary=\"\""],
                    "malformed_multipart"
                ),
                // A header name with a byte over 127 (multipart-kit 4.7.1 trapped on it, ending the process).
                (
                    Array("--mhBoundary7MA4YWxk\r\n\u{C3}x: y\r\n\r\nz\r\n--mhBoundary7MA4YWxk--\r\n".utf8), form,
                    "malformed_multipart"
                ),
                // Headers without end: refused past 16 KiB, not held.
                (
                    Array("--mhBoundary7MA4YWxk\r\nX-Long: ".utf8) + [UInt8](repeating: 0x61, count: 100_000), form,
                    "malformed_multipart"
                ),
                (Self.form([("file", "a.jpg", [])]), form, "empty_upload"),
                (Self.form([("file", nil, other)]), form, "filename_required"),
                (Self.form([("file", "big.jpg", [UInt8](repeating: 0xff, count: 200_001))]), form, "payload_too_large"),
            ] {
                let refused = try await Self.upload(client, body, query: "", token: writer, headers: headers)
                #expect(refused.status.code >= 400 && refused.status.code < 500, "\(code)")
                #expect(try refused.json["code"].string == code)
            }
            #expect(try await Self.counts(storage).assets == 1)
        }
    }
}
