import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PapoEngine
import PapoHTTP
import PapoLLM
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
        if configuration.encryptionKey == nil, configuration.usesEmbeddedDatabase {
            let (key, path) = try EmbeddedSecrets.encryptionKey(dataDirectory: configuration.dataDirectory)
            configuration.encryptionKey = key
            logger.notice("embedded defaults: the encryption key is in \(path)")
        }
        let secretBox: SecretBox?
        do {
            secretBox = try configuration.encryptionKey.map { try SecretBox(configuration: $0) }
        } catch {
            throw ValidationError("PAPO_ENCRYPTION_KEY: \(error)")
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
        let directory = DefaultProviderDirectory(
            credentials: secretBox.map {
                .init(sessions: SessionStore(pool: database.pool), box: $0, httpClient: HTTPClient(logger: logger))
            })
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
        let library = loadTemplates(configuration: configuration, logger: logger)
        services.append(TemplateWatcher(library: library))
        services.append(
            makeTurnWorker(
                configuration: configuration, environment: environment, database: database, plugins: plugins,
                library: library, listener: listener, logger: logger))
        let router = PapoRouter.make(
            .init(
                pool: database.pool, migrator: database.migrator, adminKey: configuration.adminKey,
                metaWebhook: configuration.metaWebhook, plugins: plugins, mediaDirectory: configuration.mediaDirectory,
                secretBox: secretBox, templates: library, sandbox: directory))
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

extension Serve {
    /// The conversation engine: templates (reloaded as files change), the router, the LLM client
    /// when `PAPO_LLM_BASE_URL` is set (without it turns get the templates' offline answers) and
    /// the worker that runs due turns.
    func loadTemplates(configuration: PapoConfiguration, logger: Logger) -> AgentTemplateLibrary {
        let agents =
            ResourceLocator.locate(configuration.agentsDirectory) ?? URL(fileURLWithPath: configuration.agentsDirectory)
        let library = AgentTemplateLibrary(directory: agents, logger: logger)
        let changes = library.reload()
        logger.info("agent templates loaded", metadata: ["templates": "\(library.templates.map(\.id).sorted())"])
        for error in changes.newErrors { logger.error("agent template problem: \(error)") }
        return library
    }

    func makeTurnWorker(
        configuration: PapoConfiguration, environment: [String: String], database: DatabaseBootstrap,
        plugins: PluginHost, library: AgentTemplateLibrary, listener: PostgresListener, logger: Logger
    ) -> TurnWorker {
        var llm: (any LLMClient)?
        if let baseURL = configuration.llmBaseURL {
            let endpoint = LLMEndpoint(
                baseURL: baseURL, apiKey: configuration.llmAPIKey, model: configuration.llmModel ?? "gpt-4o-mini")
            llm = OpenAICompatibleClient(endpoint: endpoint, httpClient: HTTPClient(logger: logger), logger: logger)
        } else {
            logger.notice("no PAPO_LLM_BASE_URL: agents answer from their templates' offline answers")
        }
        let store = ConversationStore(pool: database.pool)
        let router = ConversationRouter(library: library, defaultTemplateID: environment["PAPO_DEFAULT_AGENT"])
        let runner = TurnRunner(store: store, router: router, llm: llm, plugins: plugins, logger: logger)
        return TurnWorker(store: store, runner: runner, listener: listener, logger: logger)
    }
}

/// Reloads agent templates when their files change, until shutdown.
struct TemplateWatcher: Service {
    let library: AgentTemplateLibrary

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await library.watch()
        }
    }
}
