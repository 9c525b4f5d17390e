import Foundation
import MastheadDomain
import MastheadMedia
import MastheadSQLite
import MastheadStorage
import NIOPosix

/// The demo's pictures: Alex Kim's photo and a feature image for each article. There is no
/// network to fetch photographs from and the seed page ships none, so they are made with
/// libvips (colour gradients, honestly abstract), then stored and shown as uploads are, and
/// attached outside revisions and events, as the rest of the demo is loaded.
enum DemoPictures {
    /// A picture made: its file's bytes and what an upload of it records.
    struct Made: Sendable {
        let name: String
        let bytes: [UInt8]
        let hash: String
        let image: ProbedImage
        let placeholder: String?
        let alt: String?
        let slug: String
        let field: MediaReference.Field
    }

    /// The brand's colours, light to dark pairs, taken in turn.
    private static let palette: [((Double, Double, Double), (Double, Double, Double))] = [
        ((37, 99, 235), (14, 30, 84)), ((234, 88, 12), (124, 45, 18)), ((13, 148, 136), (19, 78, 74)),
        ((147, 51, 234), (59, 7, 100)), ((202, 138, 4), (113, 63, 18)), ((219, 39, 119), (112, 26, 62)),
    ]

    /// Made once per process, on the images' threads (the work blocks), whatever number of
    /// demos load.
    private static let made = Task { try await MediaImages.threads.runIfActive { try make() } }

    static func add(to stores: Stores, settings: MediaSettings) async throws {
        let folder = (settings.cacheFolder ?? NSTemporaryDirectory()) + "/demo-pictures-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var pictures: [(upload: MediaUpload, shows: MediaReference.Field, of: String)] = []
        for picture in try await made.value {
            let path = folder + "/" + picture.name
            try Data(picture.bytes).write(to: URL(fileURLWithPath: path))
            let upload = MediaUpload(
                path: path,
                hash: picture.hash,
                byteSize: Int64(picture.bytes.count),
                mediaType: picture.image.mediaType,
                width: picture.image.uprightWidth,
                height: picture.image.uprightHeight,
                placeholder: picture.placeholder,
                details: MediaDetails(filename: picture.name, alt: picture.alt),
                uploadedBy: "demo"
            )
            pictures.append((upload, picture.field, picture.slug))
        }
        // One transaction of their own, after the demo's content.
        try await stores.media.load(pictures)
    }

    private static func make() throws -> [Made] {
        let folder = NSTemporaryDirectory() + "/masthead-demo-pictures-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func picture(
            _ slug: String,
            _ field: MediaReference.Field,
            width: Int,
            height: Int,
            colours: ((Double, Double, Double), (Double, Double, Double)),
            alt: String?
        ) throws -> Made {
            let name = "\(slug).jpg"
            let path = folder + "/" + name
            try ImageRenderer.gradient(width: width, height: height, from: colours.0, to: colours.1, path: path)
            let image = try ImageProbe.probe(fileAt: path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            var digest = ContentDigest()
            digest.update(bytes)
            return Made(
                name: name,
                bytes: bytes,
                hash: digest.hex(),
                image: image,
                placeholder: try? ImageRenderer.averageColour(fileAt: path, source: image),
                alt: alt,
                slug: slug,
                field: field
            )
        }
        let photo = try picture("alex-kim", .avatar, width: 480, height: 480, colours: palette[0], alt: "Alex Kim")
        let features = try DemoContent.articles.enumerated().map { index, article in
            try picture(
                article.slug,
                .featureImage,
                width: 1200,
                height: 630,
                colours: palette[index % palette.count],
                alt: nil
            )
        }
        return [photo] + features
    }
}
