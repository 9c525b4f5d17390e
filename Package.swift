// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Tests use the members of Hummingbird's, NIO's and HTTPTypes' modules all over; spelling
/// out each defining module there adds noise and catches nothing the sources do not.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "masthead",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "masthead", targets: ["masthead"]),
        .library(name: "Masthead", targets: ["Masthead"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // The `masthead` command; its folder is not named for it, so that it differs from
        // Sources/Masthead by more than case (one folder on a case-insensitive file system).
        .executableTarget(
            name: "masthead",
            dependencies: [
                "CMalloc",
                "Masthead",
                "MastheadDomain",
                "MastheadPostgres",
                "MastheadSQLite",
                "MastheadStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/MastheadCLI",
            swiftSettings: swiftSettings
        ),
        // The first layer: models, inputs and their rules, Markdown, search queries. It
        // depends on no storage, HTTP or server module, and the compiler holds it to that.
        .target(
            name: "MastheadDomain",
            dependencies: [
                "CMarkGFM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The second layer, engine-neutral: the store protocols the API uses, in domain terms,
        // the rules every engine's writes follow, the export document and the view counter.
        .target(
            name: "MastheadStorage",
            dependencies: [
                "MastheadDomain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The SQLite engine: every store over one GRDB database, its migrations, demo content.
        .target(
            name: "MastheadSQLite",
            dependencies: [
                "CZlib",
                "MastheadDomain",
                "MastheadMigrations",
                "MastheadStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL engine: every store over a PostgresNIO pool, its migrations, where the
        // server is (`PostgresLocation`).
        .target(
            name: "MastheadPostgres",
            dependencies: [
                "MastheadDomain",
                "MastheadMigrations",
                "MastheadStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The API and the application: controllers, HTTP, the response cache, configuration,
        // and the wiring that opens the engine `--db` names.
        .target(
            name: "Masthead",
            dependencies: [
                "CZlib",
                "MastheadDomain",
                "MastheadMedia",
                "MastheadOpenAPI",
                "MastheadPostgres",
                "MastheadSQLite",
                "MastheadStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Both engines' migrations: every `.sql` file in Migrations/ and Migrations/PostgreSQL/,
        // embedded by the plugin below (a new migration is its file, nothing else).
        .target(
            name: "MastheadMigrations",
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrations"]
        ),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["MigrationEmbedder"]),
        .executableTarget(name: "MigrationEmbedder", swiftSettings: swiftSettings),
        // The top-level openapi.yaml, embedded through the symbolic link beside the target's
        // source (Sources/MastheadOpenAPI/openapi.yaml -> ../../openapi.yaml).
        .target(
            name: "MastheadOpenAPI",
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CMarkGFM",
            path: "Sources/CMarkGFM",
            pkgConfig: nil,
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // libvips, for images (Debian's libvips-dev 8.14, with WebP and AVIF through libheif).
        .systemLibrary(name: "CVips", path: "Sources/CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // Images with libvips: what an uploaded file is, read without decoding its pixels,
        // and the variants served of it.
        .target(name: "MastheadMedia", dependencies: ["CVips"], swiftSettings: swiftSettings),
        // The tests' way to start programs (posix_spawn; see Tests/MastheadTestSupport/ChildProcess.swift).
        .systemLibrary(name: "CSpawn", path: "Tests/CSpawn"),
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: nil,
            providers: [.apt(["zlib1g-dev"])]
        ),
        // What both test targets share: apps on a temporary database of either engine, a
        // PostgreSQL server of their own, child processes, a webhook receiver.
        .target(
            name: "MastheadTestSupport",
            dependencies: [
                "CSpawn",
                "Masthead",
                "MastheadDomain",
                "MastheadMigrations",
                "MastheadPostgres",
                "MastheadSQLite",
                "MastheadStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/MastheadTestSupport",
            swiftSettings: testSwiftSettings
        ),
        // The fast loop: units, stores on both engines, the application in process
        // (`swift test --filter '^MastheadTests\.'`).
        .testTarget(
            name: "MastheadTests",
            dependencies: [
                "CVips",
                "CZlib",
                "Masthead",
                "MastheadDomain",
                "MastheadMedia",
                "MastheadMigrations",
                "MastheadPostgres",
                "MastheadSQLite",
                "MastheadStorage",
                "MastheadTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: testSwiftSettings
        ),
        // The full loop adds these: programs and processes (the server as shipped, PostgreSQL
        // stopped under it, Litestream, Chromium), sockets, several instances, the docs.
        .testTarget(
            name: "MastheadIntegrationTests",
            dependencies: [
                "Masthead",
                "MastheadDomain",
                "MastheadPostgres",
                "MastheadSQLite",
                "MastheadTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
