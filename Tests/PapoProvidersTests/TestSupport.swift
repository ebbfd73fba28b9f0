import Foundation
import PapoCore
import PapoHTTP
import PapoProviders
import PapoTestKit
import Synchronization

/// A customer number used across the tests.
let customer = try! PhoneNumber("+1 650-555-1234")

/// A Meta provider wired to a fresh fake Graph API, alive for one test body.
struct MetaHarness {
    let fake: FakeGraphAPI
    let provider: MetaCloudProvider
    let client: HTTPClient
    let baseURL: URL

    static func run(apiVersion: String = "v25.0", _ body: (MetaHarness) async throws -> Void) async throws {
        let fake = FakeGraphAPI()
        let url = try await fake.start()
        let client = HTTPClient()
        let provider = MetaCloudProvider(
            configuration: MetaCloudConfiguration(
                phoneNumberID: fake.phoneNumberID, accessToken: fake.accessToken, baseURL: url.absoluteString,
                apiVersion: apiVersion),
            client: client)
        do {
            try await body(MetaHarness(fake: fake, provider: provider, client: client, baseURL: url))
        } catch {
            await client.shutdown()
            await fake.stop()
            throw error
        }
        await client.shutdown()
        await fake.stop()
    }

    /// The JSON body of the last request the fake received.
    var lastBody: JSONValue? { fake.requests.last?.json }
}

/// A Baileys provider wired to a fresh fake Evolution gateway, alive for one test body.
struct EvolutionHarness {
    let fake: FakeEvolutionGateway
    let client: HTTPClient
    let baseURL: URL

    static func run(_ body: (EvolutionHarness) async throws -> Void) async throws {
        let fake = FakeEvolutionGateway()
        let url = try await fake.start()
        let client = HTTPClient()
        do {
            try await body(EvolutionHarness(fake: fake, client: client, baseURL: url))
        } catch {
            await client.shutdown()
            await fake.stop()
            throw error
        }
        await client.shutdown()
        await fake.stop()
    }

    /// A provider for `instance` using `apiKey` (the global key by default).
    func provider(instance: String = "acme-1", apiKey: String? = nil, typingDelay: Int = 0) -> BaileysGatewayProvider {
        BaileysGatewayProvider(
            configuration: EvolutionConfiguration(
                baseURL: baseURL.absoluteString, instanceName: instance, apiKey: apiKey ?? fake.globalAPIKey),
            client: client, typingDelay: typingDelay)
    }

    /// Creates `instance` on the fake and marks it linked, as if its QR code had been scanned.
    func connectedProvider(instance: String = "acme-1") async throws -> BaileysGatewayProvider {
        let provider = provider(instance: instance)
        _ = try await provider.createInstance(
            EvolutionInstanceRequest(webhookURL: "http://127.0.0.1:9/webhook", webhookSecret: "s3cret"))
        fake.setState("open", for: instance)
        return provider
    }

    var lastBody: JSONValue? { fake.requests.last?.json }
}

/// Runs `operation` and returns the ``ProviderError`` it throws, or `nil` if it succeeds or
/// throws something else.
func providerError(_ operation: () async throws -> some Any) async -> ProviderError? {
    do {
        _ = try await operation()
        return nil
    } catch let error as ProviderError {
        return error
    } catch {
        return nil
    }
}

/// A clock for the router tests that moves only when told to.
final class ManualClock: Sendable {
    private let current = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { current.withLock { $0 } }

    func advance(by duration: Duration) {
        current.withLock { $0 += duration }
    }
}

/// A webhook body from a JSON literal in a test.
func body(_ json: String) -> Data { Data(json.utf8) }
