public import Foundation
public import Logging
public import PapoEngine
public import PapoHTTP
public import PapoPlugins
public import PapoPostgres
public import PapoProviders
public import PapoStore
public import ServiceLifecycle

/// The background half of an instance: the turn worker that answers conversations, the outbox
/// sender that delivers every queued message through the providers, and the pump that applies
/// the Sandbox's simulated delivery reports. `papo serve`, the end-to-end tests and
/// `papo bench engine` build it the same way.
public struct EngineStack: Sendable {
    public let directory: DefaultProviderDirectory
    public let worker: TurnWorker
    public let sender: OutboxSender
    public let pump: SandboxStatusPump

    /// The long-lived parts, for a service group.
    public var services: [any Service] { [sender, pump, worker] }

    public init(
        pool: PostgresPool, listener: PostgresListener?, router: ConversationRouter, clients: TenantLLMClients,
        plugins: PluginHost?, secretBox: SecretBox?, mediaDirectory: URL, httpClient: HTTPClient,
        sandbox: SandboxProvider.Configuration = .init(),
        worker workerConfiguration: TurnWorker.Configuration = .init(),
        sender senderConfiguration: OutboxSender.Configuration = .init(),
        runner runnerConfiguration: TurnRunner.Configuration = .init(), logger: Logger
    ) {
        let messages = MessageStore(pool: pool)
        let sessions = SessionStore(pool: pool)
        directory = DefaultProviderDirectory(
            sandboxConfiguration: sandbox,
            credentials: secretBox.map { .init(sessions: sessions, box: $0, httpClient: httpClient) })
        sender = OutboxSender(
            messages: messages, sessions: sessions, directory: directory, router: ProviderRouter(), listener: listener,
            media: MediaStore(pool: pool, directory: mediaDirectory), configuration: senderConfiguration,
            logger: logger)
        pump = SandboxStatusPump(directory: directory, messages: messages, logger: logger)
        let store = ConversationStore(pool: pool)
        let runner = TurnRunner(
            store: store, router: router, clients: clients, plugins: plugins, configuration: runnerConfiguration,
            logger: logger)
        worker = TurnWorker(
            store: store, runner: runner, listener: listener, configuration: workerConfiguration, logger: logger)
    }
}
