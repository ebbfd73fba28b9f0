import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PapoCore
import PapoHTTP
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Testing

@Suite("Outgoing tenant webhooks")
struct OutgoingWebhooksTests {
    let app: TestApp
    let box: SecretBox
    let http = HTTPClient()

    init() throws {
        app = try TestApp()
        box = try SecretBox(configuration: "k1:" + SecretBox.generateKey())
    }

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = PapoRouter.make(
            .init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, secretBox: box))
        try await Application(router: router, logger: TestDatabase.logger).test(.router, body)
    }

    /// A worker with tiny delays, so retries happen within a test.
    func worker(
        maxAttempts: Int = 3, lease: Duration = .seconds(30), allowInternal: Bool = true
    ) -> WebhookDeliveryWorker {
        var configuration = WebhookDeliveryWorker.Configuration()
        // The receivers in these tests listen on loopback.
        configuration.allowInternalTargets = allowInternal
        configuration.backoff = Backoff(base: .milliseconds(10), cap: .milliseconds(20), maxAttempts: maxAttempts)
        configuration.maxRetryDuration = .seconds(60)
        configuration.requestTimeout = .seconds(5)
        configuration.lease = lease
        configuration.pollInterval = .milliseconds(50)
        return WebhookDeliveryWorker(
            store: WebhookStore(pool: app.pool), box: box, http: http, listener: nil, configuration: configuration,
            logger: TestDatabase.logger)
    }

    func tenantID(_ tenant: CreatedTenant) async throws -> UUID {
        try await app.pool.query("SELECT id FROM tenants WHERE client_id = \(tenant.clientID)").first!.decode("id")
    }

    func subscribe(
        _ client: any TestClientProtocol, _ tenant: CreatedTenant, url: URL, types: [String] = []
    ) async throws -> (id: String, secret: String) {
        let response = try await client.execute(
            uri: "/api/v1/webhooks/subscriptions", method: .post, headers: tenant.headers,
            body: .json(["url": url.absoluteString, "event_types": types]))
        #expect(response.status == .created)
        let body = try response.json()
        let subscription = try #require(body["subscription"] as? [String: Any])
        return (try #require(subscription["id"] as? String), try #require(body["secret"] as? String))
    }

    func deliveries(
        _ client: any TestClientProtocol, _ tenant: CreatedTenant, query: String = ""
    ) async throws -> [[String: Any]] {
        let response = try await client.execute(
            uri: "/api/v1/webhooks/deliveries" + query, method: .get, headers: tenant.headers)
        #expect(response.status == .ok)
        return try #require(try response.json()["deliveries"] as? [[String: Any]])
    }

    /// Drains until nothing is due or `rounds` passes ran, pausing for the backoff in between.
    func drain(_ worker: WebhookDeliveryWorker, rounds: Int) async throws {
        for _ in 0..<rounds {
            await worker.drainOnce()
            try await Task.sleep(for: .milliseconds(40))
        }
    }

    @Test("deliveries are signed, carry a stable event id, are retried after a 5xx and are delivered once")
    func signedAndRetried() async throws {
        let receiver = ScriptedWebhookReceiver(answers: [500])
        let url = try await receiver.start()
        try await run { client in
            let tenant = try await client.createTenant("Ganchos")
            let (subscriptionID, secret) = try await subscribe(client, tenant, url: url, types: ["message.received"])
            #expect(secret.hasPrefix("whsec_"))
            // The secret is shown once: never in listings, and sealed at rest.
            let listed = try await client.execute(
                uri: "/api/v1/webhooks/subscriptions", method: .get, headers: tenant.headers)
            #expect(!String(buffer: listed.body).contains(secret))
            let stored = try await app.pool.query("SELECT secret FROM webhook_subscriptions").first!.decode(
                "secret", as: Data.self)
            #expect(stored.range(of: Data(secret.utf8)) == nil)

            let id = try await tenantID(tenant)
            try await publishEvent(
                .messageReceived, tenantID: id, payload: ["message_id": "m-1", "text_preview": "Olá"], on: app.pool)
            try await publishEvent(.messageStatus, tenantID: id, payload: ["status": "read"], on: app.pool)
            try await drain(worker(), rounds: 3)

            let requests = receiver.requests
            #expect(receiver.answered == [500, 200])
            let eventIDs = Set(requests.map { $0.headers["x-papo-event-id"] })
            #expect(eventIDs.count == 1)
            for request in requests {
                // The receiver's check, written out: HMAC-SHA256 over "<timestamp>.<body>".
                let timestamp = try #require(request.headers["x-papo-timestamp"])
                let signature = try #require(request.headers["x-papo-signature"])
                let mac = HMAC<SHA256>.authenticationCode(
                    for: Data((timestamp + ".").utf8) + request.body, using: SymmetricKey(data: Data(secret.utf8)))
                #expect(signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                #expect(
                    WebhookSignature.isValid(
                        signature, body: request.body, timestamp: timestamp, secret: Data(secret.utf8)))
                #expect(
                    !WebhookSignature.isValid(
                        signature, body: request.body + Data(" ".utf8), timestamp: timestamp, secret: Data(secret.utf8))
                )
                #expect(abs(Double(timestamp)! - Date().timeIntervalSince1970) < 60)
                #expect(request.headers["x-papo-event-type"] == "message.received")
                let body = try #require(request.json)
                #expect(body["id"]?.stringValue == request.headers["x-papo-event-id"])
                #expect(body["type"]?.stringValue == "message.received")
                #expect(body["data"]?["text_preview"]?.stringValue == "Olá")
            }
            #expect(requests.map { $0.headers["x-papo-attempt"] } == ["1", "2"])

            let log = try await deliveries(client, tenant)
            #expect(log.count == 1)
            #expect(log.first?["status"] as? String == "delivered")
            #expect(log.first?["attempts"] as? Int == 2)
            #expect(log.first?["subscription_id"] as? String == subscriptionID)
            #expect(try await deliveries(client, tenant, query: "?status=dead").isEmpty)
            #expect(try await deliveries(client, tenant, query: "?subscription_id=\(subscriptionID)").count == 1)
        }
        await receiver.stop()
    }

    @Test("a delivery that keeps failing ends dead after the attempt limit, and can be redelivered")
    func deadThenRedelivered() async throws {
        let receiver = ScriptedWebhookReceiver(answers: [503, 500, 502])
        let url = try await receiver.start()
        try await run { client in
            let tenant = try await client.createTenant("Teimoso")
            _ = try await subscribe(client, tenant, url: url)
            try await publishEvent(.conversationHandoff, tenantID: try await tenantID(tenant), on: app.pool)
            try await drain(worker(maxAttempts: 3), rounds: 5)
            #expect(receiver.answered == [503, 500, 502])
            let dead = try await deliveries(client, tenant, query: "?status=dead")
            #expect(dead.count == 1)
            #expect((dead.first?["last_error"] as? String)?.contains("502") == true)
            let deliveryID = try #require(dead.first?["id"] as? String)

            let again = try await client.execute(
                uri: "/api/v1/webhooks/deliveries/\(deliveryID)/redeliver", method: .post, headers: tenant.headers)
            #expect(again.status == .accepted)
            #expect(try again.json()["status"] as? String == "pending")
            let twice = try await client.execute(
                uri: "/api/v1/webhooks/deliveries/\(deliveryID)/redeliver", method: .post, headers: tenant.headers)
            #expect(try twice.errorCode() == "delivery_in_progress")
            try await drain(worker(maxAttempts: 3), rounds: 2)
            #expect(receiver.answered == [503, 500, 502, 200])
            #expect(Set(receiver.requests.map { $0.headers["x-papo-event-id"] }).count == 1)
            #expect(try await deliveries(client, tenant).first?["status"] as? String == "delivered")
        }
        await receiver.stop()
    }

    @Test("by default a receiver on an internal address is never contacted; the attempt fails saying why")
    func internalReceiverRefused() async throws {
        let receiver = ScriptedWebhookReceiver(answers: [200])
        let url = try await receiver.start()
        try await run { client in
            let tenant = try await client.createTenant("Interno")
            _ = try await subscribe(client, tenant, url: url)
            try await publishEvent(.messageReceived, tenantID: try await tenantID(tenant), on: app.pool)
            try await drain(worker(maxAttempts: 1, allowInternal: false), rounds: 2)
            #expect(receiver.answered.isEmpty)
            let dead = try await deliveries(client, tenant, query: "?status=dead")
            #expect(dead.count == 1)
            let reason = dead.first?["last_error"] as? String ?? ""
            #expect(reason.contains("internal address"), "\(reason)")
        }
        await receiver.stop()
    }

    @Test("a receiver answering 410 Gone is unsubscribed")
    func goneUnsubscribes() async throws {
        let receiver = ScriptedWebhookReceiver(answers: [410])
        let url = try await receiver.start()
        try await run { client in
            let tenant = try await client.createTenant("Sumido")
            let (subscriptionID, _) = try await subscribe(client, tenant, url: url)
            let id = try await tenantID(tenant)
            try await publishEvent(.messageReceived, tenantID: id, on: app.pool)
            try await publishEvent(.messageStatus, tenantID: id, on: app.pool)
            try await drain(worker(), rounds: 2)
            #expect(receiver.answered == [410])
            let listed = try await client.execute(
                uri: "/api/v1/webhooks/subscriptions", method: .get, headers: tenant.headers)
            let subscription = try #require((try listed.json()["subscriptions"] as? [[String: Any]])?.first)
            #expect(subscription["id"] as? String == subscriptionID)
            #expect(subscription["active"] as? Bool == false)
            #expect((subscription["deactivated_reason"] as? String)?.contains("410") == true)
            #expect(try await deliveries(client, tenant, query: "?status=failed").count == 2)
            // Later events are not queued for it any more.
            try await publishEvent(.messageReceived, tenantID: id, on: app.pool)
            #expect(try await deliveries(client, tenant).count == 2)
            let failed = try await deliveries(client, tenant).first?["id"] as? String
            let redeliver = try await client.execute(
                uri: "/api/v1/webhooks/deliveries/\(failed ?? "")/redeliver", method: .post, headers: tenant.headers)
            #expect(try redeliver.errorCode() == "subscription_inactive")
        }
        await receiver.stop()
    }

    @Test("a delivery survives a worker stopping mid-way and completes exactly once with another worker")
    func survivesRestart() async throws {
        let receiver = ScriptedWebhookReceiver(answers: [500])
        let url = try await receiver.start()
        try await run { client in
            let tenant = try await client.createTenant("Reinício")
            _ = try await subscribe(client, tenant, url: url)
            try await publishEvent(.messageReceived, tenantID: try await tenantID(tenant), on: app.pool)
            // The first worker's attempt fails; then it claims the retry and dies before sending.
            let first = worker(lease: .milliseconds(300))
            await first.drainOnce()
            first.stop()
            try await Task.sleep(for: .milliseconds(50))
            let orphaned = try await WebhookStore(pool: app.pool).claimDue(limit: 10, lease: .milliseconds(300))
            #expect(orphaned.count == 1)

            // A new worker, started as a service would be, picks it up once the lease runs out.
            let second = worker()
            let running = Task { try await second.run() }
            var status = ""
            for _ in 0..<200 {
                status = try await deliveries(client, tenant).first?["status"] as? String ?? ""
                if status == "delivered" { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(status == "delivered")
            try await Task.sleep(for: .milliseconds(200))
            second.stop()
            try await running.value
            #expect(receiver.answered == [500, 200])
            #expect(try await deliveries(client, tenant).first?["attempts"] as? Int == 3)
        }
        await receiver.stop()
    }

    @Test("subscriptions and deliveries belong to one tenant; bad input names the field")
    func isolationAndValidation() async throws {
        let receiver = ScriptedWebhookReceiver()
        let url = try await receiver.start()
        try await run { client in
            let owner = try await client.createTenant("Dono")
            let intruder = try await client.createTenant("Intruso")
            let (subscriptionID, _) = try await subscribe(client, owner, url: url)
            try await publishEvent(.messageReceived, tenantID: try await tenantID(owner), on: app.pool)
            let deliveryID = try #require(try await deliveries(client, owner).first?["id"] as? String)

            let theirList = try await client.execute(
                uri: "/api/v1/webhooks/subscriptions", method: .get, headers: intruder.headers)
            #expect((try theirList.json()["subscriptions"] as? [Any])?.isEmpty == true)
            #expect(try await deliveries(client, intruder).isEmpty)
            #expect(try await deliveries(client, intruder, query: "?subscription_id=\(subscriptionID)").isEmpty)
            let theirDelete = try await client.execute(
                uri: "/api/v1/webhooks/subscriptions/\(subscriptionID)", method: .delete, headers: intruder.headers)
            #expect(theirDelete.status == .notFound)
            let theirRedeliver = try await client.execute(
                uri: "/api/v1/webhooks/deliveries/\(deliveryID)/redeliver", method: .post, headers: intruder.headers)
            #expect(theirRedeliver.status == .notFound)

            for (body, field) in [
                (["url": "ftp://example.com/hook"], "url"),
                (["url": "not a url"], "url"),
                (["event_types": ["message.received"]], "url"),
                (["url": url.absoluteString, "event_types": ["message.sent"]], "event_types[0]"),
                (["url": url.absoluteString, "event_types": "message.received"], "event_types"),
                (["url": url.absoluteString, "secret": "short"], "secret"),
                (["url": url.absoluteString, "colour": "blue"], "colour"),
            ] as [([String: Any], String)] {
                let response = try await client.execute(
                    uri: "/api/v1/webhooks/subscriptions", method: .post, headers: owner.headers, body: .json(body))
                #expect(response.status == .unprocessableContent)
                let fields = try #require(
                    (try response.json()["error"] as? [String: Any])?["fields"] as? [[String: Any]])
                #expect(fields.contains { $0["field"] as? String == field }, "\(body)")
            }
            let badStatus = try await client.execute(
                uri: "/api/v1/webhooks/deliveries?status=lost", method: .get, headers: owner.headers)
            #expect(badStatus.status == .unprocessableContent)
            let badID = try await client.execute(
                uri: "/api/v1/webhooks/subscriptions/nope", method: .delete, headers: owner.headers)
            #expect(badID.status == .badRequest)

            // The log pages newest first.
            for _ in 0..<2 { try await publishEvent(.messageStatus, tenantID: try await tenantID(owner), on: app.pool) }
            let firstPage = try await client.execute(
                uri: "/api/v1/webhooks/deliveries?limit=2", method: .get, headers: owner.headers
            ).json()
            let newest = try #require(firstPage["deliveries"] as? [[String: Any]])
            #expect(newest.map { $0["event_type"] as? String } == ["message.status", "message.status"])
            let next = try #require(firstPage["next_before"] as? String)
            let secondPage = try await deliveries(client, owner, query: "?limit=2&before=\(next)")
            #expect(secondPage.map { $0["id"] as? String } == [deliveryID])
            let deleted = try await client.execute(
                uri: "/api/v1/webhooks/subscriptions/\(subscriptionID)", method: .delete, headers: owner.headers)
            #expect(deleted.status == .noContent)
            #expect(try await deliveries(client, owner).isEmpty)
        }
        await receiver.stop()
    }
}
