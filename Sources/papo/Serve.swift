import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PapoPlugins
import PapoPostgres
import PapoProviders
import PapoServer
import PapoStore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine: HTTP API, workers and senders (migrates the database first).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        var (configuration, environment) = try options.load()
        let logger = options.logger(configuration)
        if configuration.adminKey == nil, configuration.usesEmbeddedDatabase {
            let (key, path) = try EmbeddedSecrets.adminKey(dataDirectory: configuration.dataDirectory)
            configuration.adminKey = key
            logger.notice("embedded defaults: the admin key is in \(path)")
        }
        let database = try await DatabaseBootstrap.open(configuration, environment: environment, logger: logger)
        var services: [any Service] = []
        if let cluster = database.startedCluster {
            services.append(LocalClusterService(cluster: cluster, logger: logger))
        }
        services.append(database.pool)
        let listener = PostgresListener(
            connectionString: database.pool.configuration.connectionString, logger: logger)
        services.append(listener)
        let messages = MessageStore(pool: database.pool)
        let directory = DefaultProviderDirectory()
        services.append(
            OutboxSender(
                messages: messages, sessions: SessionStore(pool: database.pool), directory: directory,
                router: ProviderRouter(), listener: listener,
                media: MediaStore(pool: database.pool, directory: configuration.mediaDirectory), logger: logger))
        services.append(SandboxStatusPump(directory: directory, messages: messages, logger: logger))

        let plugins = PluginHost(
            configuration: PluginHostConfiguration(
                directories: configuration.pluginDirectories(), files: configuration.bundledPluginFiles()),
            storage: PostgresPluginStorage(pool: database.pool), logger: logger)
        defer { plugins.shutdown() }
        let router = PapoRouter.make(
            .init(
                pool: database.pool, migrator: database.migrator, adminKey: configuration.adminKey,
                metaWebhook: configuration.metaWebhook, plugins: plugins, mediaDirectory: configuration.mediaDirectory))
        let host = configuration.host
        let port = configuration.port
        let embedded = configuration.usesEmbeddedDatabase
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "papo"),
            services: services,
            onServerRunning: { _ in
                logger.notice("papo \(PapoVersion.current) listening on http://\(host):\(port)")
                if embedded {
                    logger.notice(
                        "create a tenant: papo tenants create \"My Business\"  (or POST /api/v1/admin/tenants)")
                }
            },
            logger: logger)
        try await app.runService()
    }
}
