import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PapoCore
import PapoEngine
import PapoHTTP
import PapoLLM
import PapoPostgres
import PapoProviders
import PapoServer
import PapoStore
import ServiceLifecycle
import Synchronization

/// `papo bench engine`: simulated customers over the Sandbox against a model server with a
/// fixed latency, through the real engine (turn worker, outbox sender, Sandbox) on a real
/// PostgreSQL — the local cluster in a temporary folder unless `DATABASE_URL` is set.
///
/// Latencies come from the database's own clock: a customer message's `created_at` to its
/// reply's `queued_at` (the turn's work) and `sent_at` (handed to the Sandbox by the outbox).
/// Engine overhead is the queued latency minus the time the engine waited for the model.
struct BenchEngine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the conversation engine: turns/s, reply latency, engine overhead, threads and memory.")

    @Option(help: "Concurrent conversations in the overhead phase.")
    var customers = 200
    @Option(help: "Messages each customer sends in the overhead phase, one per round.")
    var rounds = 5
    @Option(help: "Model latency in the overhead phase, in milliseconds.")
    var modelLatency = 2000
    @Option(help: "Mean time a customer takes to read a reply and write again, in milliseconds (overhead phase).")
    var thinkTime = 3000
    @Option(help: "Conversations of a separate tenant that chat before the overhead phase is measured (0: none).")
    var warmup = 20
    @Option(help: "Conversations waiting on the model at once in the capacity phase (0 skips it).")
    var waiting = 2000
    @Option(help: "Model latency in the capacity phase, in milliseconds.")
    var waitingLatency = 2000

    func run() async throws {
        BenchSystem.raiseOpenFileLimit(to: 16384)
        var logger = Logger(label: "papo.bench")
        logger.logLevel = .error
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "papo-bench-\(UUID().uuidString.prefix(8))")
        var configuration = PapoConfiguration()
        configuration.dataDirectory = dataDirectory.path
        configuration.databasePoolSize = 16
        configuration.databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap {
            $0.isEmpty ? nil : $0
        }
        BenchSystem.progress(
            configuration.databaseURL == nil
                ? "starting a local PostgreSQL in \(dataDirectory.path)" : "using DATABASE_URL")
        let database = try await DatabaseBootstrap.open(
            configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
        defer {
            try? database.startedCluster?.stop()
            try? FileManager.default.removeItem(at: dataDirectory)
        }
        var lines: [String] = []
        #if DEBUG
            lines.append("* debug build: figures are pessimistic; build with -c release for real numbers")
        #endif
        lines.append(
            "* \(ProcessInfo.processInfo.activeProcessorCount) cores; model server, engine and PostgreSQL on this machine"
        )
        let latency = Duration.milliseconds(modelLatency)
        let overhead = try await phase(
            name: "overhead", customers: customers, rounds: rounds, latency: latency,
            thinkTime: .milliseconds(thinkTime), warmup: warmup, database: database, logger: logger)
        lines += overhead
        if waiting > 0 {
            lines += try await phase(
                name: "capacity", customers: waiting, rounds: 1, latency: .milliseconds(waitingLatency),
                database: database, logger: logger)
        }
        await database.pool.close()
        print(lines.joined(separator: "\n"))
    }

    /// One measured run: a fresh tenant, `customers` conversations, `rounds` messages each.
    ///
    /// With `thinkTime` customers chat in a closed loop (write, wait for the reply, think
    /// ±50 % of it, write again); without it every conversation writes at once, each round.
    func phase(
        name: String, customers: Int, rounds: Int, latency: Duration, thinkTime: Duration? = nil, warmup: Int = 0,
        database: DatabaseBootstrap, logger: Logger
    ) async throws -> [String] {
        try await BenchModelServer.with(latency: latency, backlog: 2 * customers + 64) { modelURL, modelCalls in
            let pool = database.pool
            let (tenant, _) = try await TenantStore(pool: pool).create(name: "Bench \(name)", actor: "bench")
            guard let session = try await SessionStore(pool: pool).resolve(tenantID: tenant.id, name: nil) else {
                throw ValidationError("no sandbox session for the bench tenant")
            }
            let http = HTTPClient(logger: logger)
            let listener = PostgresListener(connectionString: pool.configuration.connectionString, logger: logger)
            let outcome = AgentTemplateLoader.load(text: Self.template, file: "bench.yaml")
            guard let template = outcome.template else { throw ValidationError("bench template: \(outcome.errors)") }
            let clients = TenantLLMClients(
                defaultEndpoint: LLMEndpoint(baseURL: modelURL + "/v1", apiKey: "bench", model: "bench"),
                tenants: TenantStore(pool: pool), box: nil, httpClient: http, retryPolicy: .never, logger: logger)
            var sender = OutboxSender.Configuration()
            // The Sandbox has no Meta pair-rate limit; pacing would measure the limit, not the engine.
            sender.numberRate = .init(perSecond: 100_000, burst: 100_000)
            sender.recipientRate = .init(perSecond: 100_000, burst: 100_000)
            sender.batchSize = 256
            let stack = EngineStack(
                pool: pool, listener: listener,
                router: ConversationRouter(templates: { _ in template }, defaultTemplateID: template.id),
                clients: clients, plugins: nil, secretBox: nil,
                mediaDirectory: URL(fileURLWithPath: "/tmp/papo-bench-media"), httpClient: http,
                worker: .init(maxConcurrentTurns: max(64, customers)), sender: sender, logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: [listener] + stack.services, gracefulShutdownSignals: [], logger: logger)
            )
            let running = Task { try await group.run() }
            defer { running.cancel() }
            try await Task.sleep(for: .milliseconds(300))

            let sampler = ResourceSampler()
            let sampling = Task {
                while !Task.isCancelled {
                    sampler.sample()
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            let store = ConversationStore(pool: pool)
            @Sendable func say(_ round: Int, _ number: String, tenantID: UUID, sessionID: UUID) async throws {
                try await store.recordInbound(
                    MessageStore.NewInbound(
                        tenantID: tenantID, sessionID: sessionID, provider: .sandbox,
                        providerMessageID: "bench-\(round)-\(number)", customerNumber: number, kind: .text,
                        content: ["body": .string("mensagem \(round)")], replyTo: nil, receivedAt: Date()),
                    customerName: nil, debounce: .zero)
            }
            if warmup > 0 {
                // Steady state, not start-up: connections opened and statements prepared by
                // another tenant's chats, which the figures below leave out.
                BenchSystem.progress("\(name): warming up with \(warmup) conversations")
                let (warm, _) = try await TenantStore(pool: pool).create(name: "Bench warm-up", actor: "bench")
                guard let warmSession = try await SessionStore(pool: pool).resolve(tenantID: warm.id, name: nil) else {
                    throw ValidationError("no sandbox session for the warm-up tenant")
                }
                for round in 1...2 {
                    for index in 0..<warmup {
                        try await say(
                            round, String(format: "55118%08d", index), tenantID: warm.id, sessionID: warmSession.id)
                    }
                    try await Self.waitForReplies(pool: pool, tenantID: warm.id, count: warmup * round)
                }
                // A database in service has statistics; a fresh one gets them from autovacuum
                // within its first minute, which a short run would spend planning every hot
                // query as if the tables were empty (a tenant-wide index scan for the inbound
                // dedupe check, say). Gather them as autovacuum would have.
                try await pool.query("ANALYZE")
            }
            let numbers = (0..<customers).map { String(format: "55119%08d", $0) }
            let started = ContinuousClock.now
            BenchSystem.progress("\(name): \(customers) conversations × \(rounds) messages, model \(latency)")
            @Sendable func say(_ round: Int, _ number: String) async throws {
                try await say(round, number, tenantID: tenant.id, sessionID: session.id)
            }
            if let thinkTime {
                // Closed loop: each customer writes, waits for the reply on their phone (the
                // Sandbox), reads and thinks for a while, and writes again.
                let replies = ReplyWatcher()
                let watching = Task { await replies.watch(stack.directory.sandbox(for: session)) }
                try await withThrowingTaskGroup(of: Void.self) { chats in
                    for number in numbers {
                        chats.addTask {
                            // Customers do not all start in the same millisecond.
                            try await Task.sleep(for: .milliseconds(Int.random(in: 0...thinkTime.milliseconds)))
                            for round in 1...rounds {
                                try await say(round, number)
                                await replies.wait(for: number, count: round)
                                if round < rounds {
                                    let think = Int.random(
                                        in: thinkTime.milliseconds / 2...thinkTime.milliseconds * 3 / 2)
                                    try await Task.sleep(for: .milliseconds(think))
                                }
                            }
                        }
                    }
                    try await chats.waitForAll()
                }
                watching.cancel()
            } else {
                // Open burst: every conversation writes at once, each round.
                for round in 1...rounds {
                    try await withThrowingTaskGroup(of: Void.self) { writers in
                        for (index, number) in numbers.enumerated() {
                            if index >= 32 { try await writers.next() }
                            writers.addTask { try await say(round, number) }
                        }
                        try await writers.waitForAll()
                    }
                    try await Self.waitForReplies(pool: pool, tenantID: tenant.id, count: customers * round)
                }
            }
            let wall = ContinuousClock.now - started
            sampling.cancel()
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await http.shutdown()

            let measured = try await Self.latencies(pool: pool, tenantID: tenant.id)
            let queued = measured.map(\.queued).sorted()
            let sent = measured.compactMap(\.sent).sorted()
            let overhead = measured.map { max(0, $0.queued - $0.model) }.sorted()
            let modelTime = measured.map(\.model).sorted()
            let pattern = thinkTime.map { "customers think ~\($0) between messages" } ?? "all writing at once"
            var lines = [
                "",
                "\(name): \(customers) concurrent conversations, \(rounds) message(s) each, \(pattern), model \(latency)",
            ]
            lines.append(
                String(
                    format: "  turns            %d in %.2f s = %.1f turns/s (%d model calls)", queued.count,
                    wall.seconds,
                    Double(queued.count) / wall.seconds, modelCalls()))
            lines.append("  reply queued     " + Self.percentiles(queued))
            lines.append("  reply sent       " + Self.percentiles(sent))
            lines.append(
                "  model time       " + Self.percentiles(modelTime, only: [0.5, 0.99])
                    + "  (as the engine waited for it)")
            lines.append("  engine overhead  " + Self.percentiles(overhead, only: [0.5, 0.99]))
            lines.append(
                "  peak threads \(sampler.peakThreads), peak RSS \(sampler.peakResidentMB) MB during the phase "
                    + "(process peak \(BenchSystem.peakResidentMB()) MB)")
            return lines
        }
    }

    static let template = """
        id: bench
        name: Bench
        prompt:
          system: Você é um assistente de testes de carga.
        debounce: 0s
        context:
          max_messages: 20
          summary:
            enabled: false
        offline:
          fallback: Fora do ar.
        """

    static func waitForReplies(pool: PostgresPool, tenantID: UUID, count: Int) async throws {
        while true {
            let done = try await pool.query(
                """
                SELECT count(*)::int8 AS n FROM messages
                WHERE tenant_id = \(tenantID) AND author = 'bot' AND status NOT IN ('queued', 'sending')
                """
            ).first!.decode("n", as: Int64.self)
            if done >= count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Per customer message: seconds to its reply being queued and being sent.
    /// The model time of a turn is what the engine waited for its model calls (`ai_usage`
    /// rows written in the reply's transaction, hence with its `queued_at` as `created_at`).
    static func latencies(
        pool: PostgresPool, tenantID: UUID
    ) async throws -> [(queued: Double, sent: Double?, model: Double)] {
        try await pool.query(
            """
            SELECT EXTRACT(EPOCH FROM (r.queued_at - m.created_at))::float8 AS queued,
                   EXTRACT(EPOCH FROM (r.sent_at - m.created_at))::float8 AS sent,
                   (SELECT COALESCE(sum(u.latency_ms), 0)::float8 / 1000 FROM ai_usage u
                    WHERE u.tenant_id = m.tenant_id AND u.conversation_id = m.conversation_id
                      AND u.created_at = r.queued_at) AS model
            FROM messages m
            JOIN LATERAL (
              SELECT queued_at, sent_at FROM messages r
              WHERE r.tenant_id = m.tenant_id AND r.conversation_id = m.conversation_id AND r.author = 'bot'
                AND r.seq > m.seq
              ORDER BY r.seq LIMIT 1) r ON true
            WHERE m.tenant_id = \(tenantID) AND m.direction = 'inbound'
            """
        ).map {
            (
                try $0.decode("queued", as: Double.self), try $0.decode("sent", as: Double?.self),
                try $0.decode("model", as: Double.self)
            )
        }
    }

    static func percentiles(_ sorted: [Double], only: [Double] = [0.5, 0.95, 0.99]) -> String {
        guard !sorted.isEmpty else { return "-" }
        return only.map { fraction in
            let rank = min(max(Int((fraction * Double(sorted.count)).rounded(.up)), 1), sorted.count)
            return "p\(Int(fraction * 100)) " + BenchReport.format(.microseconds(Int64(sorted[rank - 1] * 1_000_000)))
        }.joined(separator: "  ")
    }
}

/// Threads and resident memory sampled during a phase.
final class ResourceSampler: Sendable {
    private let peaks = Mutex((threads: 0, residentKB: 0))

    func sample() {
        let threads = BenchSystem.threadCount()
        let resident = BenchSystem.statusKB("VmRSS:")
        peaks.withLock { $0 = (max($0.threads, threads), max($0.residentKB, resident)) }
    }

    var peakThreads: Int { peaks.withLock { $0.threads } }
    var peakResidentMB: Int { peaks.withLock { $0.residentKB } / 1024 }
}

extension BenchSystem {
    /// A `kB` line of /proc/self/status (0 where there is none).
    static func statusKB(_ key: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            let digits = line.dropFirst(key.count).filter(\.isNumber)
            return Int(digits) ?? 0
        }
        return 0
    }

    /// The process's peak resident memory so far (VmHWM), in MB.
    static func peakResidentMB() -> Int { statusKB("VmHWM:") / 1024 }
}

/// An OpenAI-compatible server on loopback that answers every chat completion after a fixed
/// latency, in process, for one closure.
enum BenchModelServer {
    static let completion = #"""
        {"id":"chatcmpl-bench","object":"chat.completion","created":0,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Certo! Posso ajudar com mais alguma coisa?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":60,"completion_tokens":9,"total_tokens":69}}
        """#

    static func with<T: Sendable>(
        latency: Duration, backlog: Int, _ body: (_ baseURL: String, _ calls: @Sendable () -> Int) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "papo.bench.model")
        logger.logLevel = .warning
        let calls = Mutex(0)
        let router = Router(context: BasicRequestContext.self)
        router.post("/v1/chat/completions") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 16 * 1024 * 1024)
            calls.withLock { $0 += 1 }
            try await Task.sleep(for: latency)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: completion)))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), backlog: backlog),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            do {
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next(), port > 0 else { throw BenchServer.StartFailure() }
                let result = try await body("http://127.0.0.1:\(port)") { calls.withLock { $0 } }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// What each simulated customer's phone shows: how many replies have reached the Sandbox.
final class ReplyWatcher: Sendable {
    private struct State {
        var counts: [String: Int] = [:]
        var waiters: [String: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
    }
    private let state = Mutex(State())

    /// Returns once `customer` has `count` replies. Customers wait here rather than polling, so
    /// the simulated phones cost the machine nothing while the engine works.
    func wait(for customer: String, count: Int) async {
        await withCheckedContinuation { continuation in
            let satisfied = state.withLock { state in
                guard state.counts[customer, default: 0] < count else { return true }
                state.waiters[customer] = (count, continuation)
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    /// Looks at the Sandbox's chat history every 50 ms until cancelled, as the customers'
    /// phones would show replies arriving. It reads memory only, so the simulated phones put
    /// no load on the database the engine is being measured on.
    func watch(_ sandbox: SandboxProvider) async {
        // Nobody is left waiting when watching ends.
        defer {
            let waiting = state.withLock { state in
                defer { state.waiters = [:] }
                return state.waiters.values.map(\.continuation)
            }
            for continuation in waiting { continuation.resume() }
        }
        var seen: Set<String> = []
        while !Task.isCancelled {
            // The history is bounded (oldest dropped first); at 50 ms a poll sees every send.
            let history = sandbox.history().filter { $0.direction == .outbound }
            var arrived: [String: Int] = [:]
            for message in history where seen.insert(message.id).inserted {
                arrived[message.customer.digits, default: 0] += 1
            }
            seen.formIntersection(history.map(\.id))
            let ready = state.withLock { state in
                state.counts.merge(arrived, uniquingKeysWith: +)
                let done = state.waiters.filter { state.counts[$0.key, default: 0] >= $0.value.count }
                for customer in done.keys { state.waiters[customer] = nil }
                return done.values.map(\.continuation)
            }
            for continuation in ready { continuation.resume() }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension Duration {
    var milliseconds: Int { Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000) }
}
