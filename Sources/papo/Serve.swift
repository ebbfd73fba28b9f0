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
            secretBox = try configuration.secretBox()
        } catch {
            throw ValidationError("\(error)")
        }
        if configuration.publicURL == nil {
            logger.notice(
                "no PAPO_PUBLIC_URL: Baileys gateways will be told to post events to \(configuration.effectivePublicURL)"
            )
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
        let providerClient = HTTPClient(logger: logger)
        let publicURL = configuration.effectivePublicURL
        let connector = secretBox.map {
            SessionConnector(
                sessions: SessionStore(pool: database.pool), box: $0, httpClient: providerClient,
                publicURL: { publicURL }, logger: logger)
        }
        if let connector {
            services.append(
                SessionMonitor(connector: connector, checkInterval: configuration.sessionCheckInterval, logger: logger))
        }
        let realtime: RealtimeSettings
        do {
            realtime = try RealtimeSettings.load(environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let eventHub = EventHub(
            pool: database.pool, listener: listener, configuration: realtime.hub, logger: logger)
        services.append(eventHub)
        services.append(EventPurger(pool: database.pool, retention: realtime.eventsRetention, logger: logger))
        if let secretBox {
            services.append(
                WebhookDeliveryWorker(
                    store: WebhookStore(pool: database.pool), box: secretBox, http: providerClient,
                    listener: listener, configuration: realtime.webhookWorker, logger: logger))
        } else {
            logger.notice("no PAPO_ENCRYPTION_KEY: outgoing tenant webhooks are off")
        }

        let plugins = PluginHost(
            configuration: PluginHostConfiguration(
                directories: configuration.pluginDirectories(), files: configuration.bundledPluginFiles()),
            storage: PostgresPluginStorage(pool: database.pool), logger: logger)
        defer { plugins.shutdown() }
        let library = loadTemplates(configuration: configuration, logger: logger)
        services.append(TemplateWatcher(library: library))
        let engine = makeEngine(
            configuration: configuration, environment: environment, database: database, plugins: plugins,
            library: library, listener: listener, secretBox: secretBox, allowInternalURLs: realtime.allowInternalURLs,
            logger: logger)
        services += engine.services
        let router = PapoRouter.make(
            .init(
                pool: database.pool, migrator: database.migrator, adminKey: configuration.adminKey,
                metaWebhook: configuration.metaWebhook, plugins: plugins, mediaDirectory: configuration.mediaDirectory,
                secretBox: secretBox, templates: library, sessionConnector: connector, eventHub: eventHub,
                sandbox: engine.directory))
        let host = configuration.host
        let port = configuration.port
        let embedded = configuration.usesEmbeddedDatabase
        let app = Application(
            router: router,
            server: PapoRouter.server(for: router),
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

    func makeEngine(
        configuration: PapoConfiguration, environment: [String: String], database: DatabaseBootstrap,
        plugins: PluginHost, library: AgentTemplateLibrary, listener: PostgresListener, secretBox: SecretBox?,
        allowInternalURLs: Bool, logger: Logger
    ) -> EngineStack {
        var endpoint: LLMEndpoint?
        if let baseURL = configuration.llmBaseURL {
            endpoint = LLMEndpoint(
                baseURL: baseURL, apiKey: configuration.llmAPIKey, model: configuration.llmModel ?? "gpt-4o-mini",
                prices: configuration.llmPrices)
        } else {
            logger.notice(
                """
                no PAPO_LLM_BASE_URL: agents answer from their templates' offline answers, \
                except for tenants that set their own endpoint (PUT /api/v1/tenant/llm)
                """)
        }
        let http = HTTPClient(logger: logger)
        let clients = TenantLLMClients(
            defaultEndpoint: endpoint, tenants: TenantStore(pool: database.pool), box: secretBox, httpClient: http,
            allowInternalURLs: allowInternalURLs, logger: logger)
        let router = ConversationRouter(
            library: library, defaultTemplateID: Self.defaultTemplateID(environment: environment, library: library))
        return EngineStack(
            pool: database.pool, listener: listener, router: router, clients: clients, plugins: plugins,
            secretBox: secretBox, mediaDirectory: configuration.mediaDirectory, httpClient: http, logger: logger)
    }
}

extension Serve {
    /// The template that answers tenants with no agent of their own: `PAPO_DEFAULT_AGENT`
    /// (empty: none, so such tenants get no bot), else the bundled `support` template, else the
    /// first loaded one — so a fresh install answers its first sandbox message.
    static func defaultTemplateID(environment: [String: String], library: AgentTemplateLibrary) -> String? {
        if let configured = environment["PAPO_DEFAULT_AGENT"] { return configured.isEmpty ? nil : configured }
        let loaded = library.templates.map(\.id).sorted()
        return loaded.contains("support") ? "support" : loaded.first
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
