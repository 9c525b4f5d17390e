import CVips
import CZlib
import Foundation
import MastheadMedia
import MastheadTestSupport
import Testing

/// What an upload is, read from its header (`ImageProbe`), on images the tests make with
/// libvips itself and on files made by hand to lie about themselves.
@Suite struct ImageProbeTests {
    /// A `width` × `height` image of `bands` bands written to `name` in `folder`, its format
    /// from the suffix, with an EXIF orientation when one is given.
    static func image(
        _ name: String,
        in folder: TemporaryFolder,
        width: Int,
        height: Int,
        bands: Int = 3,
        orientation: Int? = nil
    ) throws -> String {
        #expect(ImageProbe.isStarted)
        let path = folder.url.appendingPathComponent(name).path
        var image = try #require(masthead_vips_flat(Int32(width), Int32(height), Int32(bands), 128))
        if let orientation {
            let oriented = try #require(masthead_vips_oriented(image, Int32(orientation)))
            masthead_vips_release(image)
            image = oriented
        }
        defer { masthead_vips_release(image) }
        #expect(masthead_vips_save(image, path) == 0, "\(name) written")
        return path
    }

    @Test func eachFormatIsSniffedFromItsBytesWithItsSizeAndOrientation() throws {
        let folder = try TemporaryFolder()
        let jpeg = try Self.image("photo.jpg", in: folder, width: 640, height: 480, orientation: 6)
        #expect(
            try ImageProbe.probe(fileAt: jpeg)
                == ProbedImage(mediaType: "image/jpeg", width: 640, height: 480, orientation: 6, loader: "jpegload")
        )
        #expect(try ImageProbe.probe(fileAt: jpeg).isTurned)
        let png = try Self.image("alpha.png", in: folder, width: 300, height: 200, bands: 4)
        #expect(
            try ImageProbe.probe(fileAt: png)
                == ProbedImage(mediaType: "image/png", width: 300, height: 200, orientation: 1, loader: "pngload")
        )
        let webp = try Self.image("small.webp", in: folder, width: 64, height: 32)
        #expect(try ImageProbe.probe(fileAt: webp).mediaType == "image/webp")
        let avif = try Self.image("small.avif", in: folder, width: 64, height: 32)
        #expect(
            try ImageProbe.probe(fileAt: avif)
                == ProbedImage(mediaType: "image/avif", width: 64, height: 32, orientation: 1, loader: "heifload")
        )
        // The name says nothing: a PNG called .jpg is a PNG.
        let renamed = folder.url.appendingPathComponent("not-a-jpeg.jpg").path
        try FileManager.default.copyItem(atPath: png, toPath: renamed)
        #expect(try ImageProbe.probe(fileAt: renamed).mediaType == "image/png")
    }

    /// A PNG whose header claims 30,000 × 30,000 pixels in a few dozen bytes: refused from
    /// the header, before a row of it is decoded.
    @Test func aDecompressionBombIsRefusedFromItsHeader() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("bomb.png").path
        try Self.pngHeader(width: 30_000, height: 30_000).write(to: URL(fileURLWithPath: path))
        #expect(throws: ImageRefusal.tooManyPixels(width: 30_000, height: 30_000, limit: 50_000_000)) {
            try ImageProbe.probe(fileAt: path)
        }
        // Under a lower limit, an ordinary image is refused the same way.
        let photo = try Self.image("photo.jpg", in: folder, width: 100, height: 100)
        #expect(throws: ImageRefusal.tooManyPixels(width: 100, height: 100, limit: 9_999)) {
            try ImageProbe.probe(fileAt: photo, pixelLimit: 9_999)
        }
    }

    /// A PNG whose text chunks would be inflated while its header is read is refused before.
    @Test func aPNGWithMoreCompressedMetadataThanAPictureIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("chatty.png").path
        let text = Self.chunk(
            "zTXt",
            Array("Comment".utf8) + [0, 0, 0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1]
        )
        var png = Self.pngHeader(width: 10, height: 10)
        // Nine text chunks, between the header and the image data.
        png.insert(contentsOf: Array(repeating: text, count: 9).joined(), at: 33)
        try png.write(to: URL(fileURLWithPath: path))
        #expect(throws: ImageRefusal.tooMuchMetadata) { try ImageProbe.probe(fileAt: path) }
        // Eight are still a picture's.
        var fewer = Self.pngHeader(width: 10, height: 10)
        fewer.insert(contentsOf: Array(repeating: text, count: 8).joined(), at: 33)
        try fewer.write(to: URL(fileURLWithPath: path))
        #expect(try ImageProbe.probe(fileAt: path).mediaType == "image/png")
    }

    /// The file's name is only a name: libvips reads no options from brackets in it.
    @Test func aNameWithBracketsIsJustAName() throws {
        let folder = try TemporaryFolder()
        let plain = try Self.image("photo.jpg", in: folder, width: 40, height: 30)
        let bracketed = folder.url.appendingPathComponent("photo.jpg[shrink=2]").path
        try FileManager.default.copyItem(atPath: plain, toPath: bracketed)
        #expect(
            try ImageProbe.probe(fileAt: bracketed)
                == ProbedImage(mediaType: "image/jpeg", width: 40, height: 30, orientation: 1, loader: "jpegload")
        )
    }

    /// Files libvips could read but that are no picture, or that it would hand to another
    /// library, are refused before any loader runs; so are text and nothing at all.
    @Test(arguments: [
        ("table.csv", "1,2,3\n4,5,6\n"),
        ("matrix.mat", "2 2\n1 2\n3 4\n"),
        ("drawing.svg", #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#),
        ("notes.txt", "Not an image."),
        ("document.pdf", "%PDF-1.4\n%%EOF\n"),
        ("scan.tif", "II*\u{0}\u{8}\u{0}\u{0}\u{0}"),
        ("empty.png", ""),
    ])
    func whatIsNoPictureIsRefused(name: String, content: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent(name).path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ImageRefusal.notAnImage) { try ImageProbe.probe(fileAt: path) }
    }

    /// A PNG's signature, its IHDR chunk for an 8-bit grey image of the given size, a
    /// truncated IDAT and IEND: enough for any reader of headers.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        let header = bigEndian(width) + bigEndian(height) + [8, 0, 0, 0, 0]
        let signature: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
        // zlib: no compression level, then a stored block of a few zero bytes.
        let data: [UInt8] = [0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0]
        return Data(signature + chunk("IHDR", header) + chunk("IDAT", data) + chunk("IEND", []))
    }

    /// A PNG chunk: its length, type, body and CRC.
    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        let crc = UInt32(typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
