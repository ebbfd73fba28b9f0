// swift-tools-version:6.1
import PackageDescription

/// One strict set of settings for every Swift target.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "papo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "papo", targets: ["papo"]),
        // Capability plugins, each a dynamic library loaded at run time.
        .library(name: "PapoPluginRealEstate", type: .dynamic, targets: ["PapoPluginRealEstate"]),
        .library(name: "PapoPluginSupport", type: .dynamic, targets: ["PapoPluginSupport"]),
        .library(name: "PapoPluginBusinessHours", type: .dynamic, targets: ["PapoPluginBusinessHours"]),
        // Deliberately broken plugins for the host's tests.
        .library(name: "PapoTestPluginBadABI", type: .dynamic, targets: ["PapoTestPluginBadABI"]),
        .library(name: "PapoTestPluginSmallStruct", type: .dynamic, targets: ["PapoTestPluginSmallStruct"]),
        .library(name: "PapoTestPluginBadManifest", type: .dynamic, targets: ["PapoTestPluginBadManifest"]),
        .library(name: "PapoTestPluginFaulty", type: .dynamic, targets: ["PapoTestPluginFaulty"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // C shims over the system libraries fixed by the design card.
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),

        .target(name: "PapoCore", swiftSettings: swiftSettings),
        // The plugin contract: a C header, the only thing host and plugins share.
        .target(name: "PapoPluginABI"),
        .target(
            name: "PapoPlugins",
            dependencies: ["PapoPluginABI", "PapoCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(name: "PapoPluginKit", dependencies: ["PapoPluginABI"], swiftSettings: swiftSettings),
        .target(
            name: "PapoPluginRealEstate", dependencies: ["PapoPluginKit"],
            path: "plugins/real-estate/Sources/PapoPluginRealEstate", swiftSettings: swiftSettings),
        .target(
            name: "PapoPluginSupport", dependencies: ["PapoPluginKit"],
            path: "plugins/support/Sources/PapoPluginSupport", swiftSettings: swiftSettings),
        .target(
            name: "PapoPluginBusinessHours", dependencies: ["PapoPluginABI"],
            path: "plugins/business-hours/Sources/PapoPluginBusinessHours"),
        .target(name: "PapoTestPluginBadABI", dependencies: ["PapoPluginABI"], path: "Tests/PluginFixtures/bad-abi"),
        .target(
            name: "PapoTestPluginSmallStruct", dependencies: ["PapoPluginABI"],
            path: "Tests/PluginFixtures/small-struct"),
        .target(
            name: "PapoTestPluginBadManifest", dependencies: ["PapoPluginABI"],
            path: "Tests/PluginFixtures/bad-manifest"),
        .target(name: "PapoTestPluginFaulty", dependencies: ["PapoPluginABI"], path: "Tests/PluginFixtures/faulty"),
        .target(
            name: "PapoYAML",
            dependencies: ["CYAML"],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoHTTP",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoLLM",
            dependencies: ["PapoCore", "PapoHTTP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoProviders",
            dependencies: [
                "PapoCore", "PapoHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoPostgres",
            dependencies: [
                "CLibPQ", "PapoCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoStore",
            dependencies: [
                "PapoCore", "PapoPostgres",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoEngine",
            dependencies: [
                "PapoYAML", "PapoCore", "PapoPostgres", "PapoStore", "PapoLLM", "PapoPlugins", "PapoHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoServer",
            dependencies: [
                "PapoCore", "PapoPostgres", "PapoStore", "PapoYAML", "PapoProviders", "PapoPlugins", "PapoHTTP",
                "PapoEngine", "PapoLLM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "papo",
            dependencies: [
                "PapoServer", "PapoPostgres", "PapoStore", "PapoEngine", "PapoProviders", "PapoPlugins", "PapoCore",
                "PapoHTTP", "PapoLLM", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "PapoTestKit",
            dependencies: [
                "PapoPostgres", "PapoStore", "PapoCore", "PapoHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Test-only: the fake provider and LLM servers are Hummingbird apps on loopback.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),

        .testTarget(name: "PapoCoreTests", dependencies: ["PapoCore"], swiftSettings: swiftSettings),
        .testTarget(name: "PapoYAMLTests", dependencies: ["PapoYAML"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoEngineTests",
            dependencies: [
                "PapoEngine", "PapoYAML", "PapoCore", "PapoPostgres", "PapoStore", "PapoLLM", "PapoPlugins",
                "PapoTestKit",
                "PapoHTTP", .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoHTTPTests",
            dependencies: [
                "PapoHTTP", "PapoTestKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // Only to read the bound port from the server channel in `onServerRunning`.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoLLMTests",
            dependencies: [
                "PapoLLM", "PapoHTTP", "PapoTestKit", "PapoCore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoPluginsTests",
            dependencies: ["PapoPlugins", "PapoCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoProvidersTests", dependencies: ["PapoProviders", "PapoCore", "PapoHTTP", "PapoTestKit"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoPostgresTests", dependencies: ["PapoPostgres", "PapoTestKit"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoStoreTests", dependencies: ["PapoStore", "PapoTestKit"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PapoServerTests",
            dependencies: [
                "PapoServer", "PapoTestKit", "PapoPostgres", "PapoProviders", "PapoStore", "PapoCore", "PapoPlugins",
                "PapoHTTP", "PapoEngine", "PapoLLM",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
    ]
)
