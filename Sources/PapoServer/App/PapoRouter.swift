public import Foundation
public import Hummingbird
public import PapoEngine
public import PapoPlugins
public import PapoPostgres
public import PapoProviders
public import PapoStore

/// Builds the HTTP surface: middleware in the order requests meet it, then every route.
public enum PapoRouter {
    public struct Dependencies: Sendable {
        public var pool: PostgresPool
        public var migrator: Migrator
        public var adminKey: String?
        public var version: String
        /// Meta webhook secrets; `nil` turns the Meta webhook routes into a clear 404.
        public var metaWebhook: MetaWebhook?
        /// The loaded capability plugins, listed by `GET /api/v1/plugins`.
        public var plugins: PluginHost?
        /// Where uploaded media is kept.
        public var mediaDirectory: URL
        /// Encrypts stored secrets; without it the tenant-signed webhooks are off.
        public var secretBox: SecretBox?
        /// The agent templates, for the agents API.
        public var templates: AgentTemplateLibrary?
        /// Connects Meta and Baileys numbers; without it only Sandbox sessions can be initialised.
        public var sessionConnector: SessionConnector?
        /// Fans realtime events out to SSE and WebSocket clients; without it those routes answer 503.
        public var eventHub: EventHub?
        /// The server's in-process Sandboxes, so customer messages played through the sandbox
        /// chat API also appear in the Sandbox's history; without it they are only stored.
        public var sandbox: DefaultProviderDirectory?

        public init(
            pool: PostgresPool, migrator: Migrator, adminKey: String?, version: String = PapoVersion.current,
            metaWebhook: MetaWebhook? = nil, plugins: PluginHost? = nil,
            mediaDirectory: URL = URL(fileURLWithPath: ".papo/media"), secretBox: SecretBox? = nil,
            templates: AgentTemplateLibrary? = nil, sessionConnector: SessionConnector? = nil,
            eventHub: EventHub? = nil, sandbox: DefaultProviderDirectory? = nil
        ) {
            self.sessionConnector = sessionConnector
            self.eventHub = eventHub
            self.sandbox = sandbox
            self.templates = templates
            self.secretBox = secretBox
            self.plugins = plugins
            self.mediaDirectory = mediaDirectory
            self.pool = pool
            self.migrator = migrator
            self.adminKey = adminKey
            self.version = version
            self.metaWebhook = metaWebhook
        }
    }

    public static func make(_ dependencies: Dependencies) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        let routes = RouteIndex()
        // Outermost first: the request id must be known before anything can fail, and the error
        // middleware must see every error, including the router's own 404.
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ErrorMiddleware(routes: routes))

        let tenants = TenantStore(pool: dependencies.pool)
        let keys = APIKeyStore(pool: dependencies.pool)
        HealthController(pool: dependencies.pool, migrator: dependencies.migrator, version: dependencies.version)
            .register(on: router)

        let admin = router.group("/api/v1/admin").add(middleware: AdminAuthMiddleware(adminKey: dependencies.adminKey))
        AdminController(tenants: tenants, keys: keys).register(on: admin)

        let messages = MessageStore(pool: dependencies.pool)
        let sessions = SessionStore(pool: dependencies.pool)
        // Provider webhooks authenticate by signature or per-session secret, not by API key.
        let webhooks = router.group("/api/v1")
        MetaWebhookController(webhook: dependencies.metaWebhook, messages: messages, box: dependencies.secretBox)
            .register(on: webhooks)
        BaileysWebhookController(
            sessions: sessions, messages: messages,
            reconnect: dependencies.sessionConnector?.backoff ?? SessionConnector.defaultBackoff
        ).register(on: webhooks)
        let tenantWebhooks = TenantWebhooksController(
            tenants: tenants, messages: messages, sessions: sessions, box: dependencies.secretBox)
        tenantWebhooks.registerWebhooks(on: webhooks)

        let tenantAPI = router.group("/api/v1")
            .add(middleware: TenantAuthMiddleware(keys: keys, tenants: tenants, adminKey: dependencies.adminKey))
        TenantSettingsController(tenants: tenants).register(on: tenantAPI)
        TenantLLMController(tenants: tenants, box: dependencies.secretBox).register(on: tenantAPI)
        MessagesController(
            messages: messages, sessions: sessions,
            media: MediaStore(pool: dependencies.pool, directory: dependencies.mediaDirectory)
        ).register(on: tenantAPI)
        PluginsController(host: dependencies.plugins).register(on: tenantAPI)
        tenantWebhooks.registerSecretRoute(on: tenantAPI)
        SessionsController(sessions: sessions, connector: dependencies.sessionConnector).register(on: tenantAPI)
        let conversations = ConversationStore(pool: dependencies.pool)
        let agents = AgentsController(conversations: conversations, templates: dependencies.templates)
        agents.register(on: tenantAPI)
        agents.registerActivation(on: tenantAPI)
        ConversationsController(conversations: conversations).register(on: tenantAPI)
        SandboxController(conversations: conversations, sessions: sessions, directory: dependencies.sandbox)
            .register(on: tenantAPI)
        EventStreamController(hub: dependencies.eventHub).register(on: tenantAPI)
        WebhookSubscriptionsController(store: WebhookStore(pool: dependencies.pool), box: dependencies.secretBox)
            .register(on: tenantAPI)

        routes.load(from: router)
        return router
    }
}

/// The version reported by `/health` and `papo --version`.
public enum PapoVersion {
    public static let current = "0.1.0"
}
