import Foundation
import PapoCore
import PapoHTTP
import PapoProviders
import PapoTestKit
import Testing

/// Graph API errors arrive over the wire and come back classified (meta-cloud-api.md §2).
struct MetaErrorTests {
    @Test(arguments: [
        (130429, 400), (131056, 400), (131000, 500), (1, 400), (2, 503), (131016, 500), (131057, 500),
        (4, 400), (80007, 400),
    ])
    func retryableCodes(code: Int, status: Int) async throws {
        try await MetaHarness.run { meta in
            meta.fake.failNext(code: code, httpStatus: status, message: "Failure \(code)")
            let error = try #require(await providerError { try await meta.provider.send(.text("hi"), to: customer) })
            #expect(error.classification == .retryable)
            #expect(error.code == String(code))
            #expect(error.httpStatus == status)
            #expect(error.provider == .meta)
            #expect(error.message == "(#\(code)) Failure \(code)")
        }
    }

    @Test func reEngagementNeedsATemplate() async throws {
        try await MetaHarness.run { meta in
            meta.fake.failNext(
                code: 131047, message: "Re-engagement message",
                details: "Message failed to send because more than 24 hours have passed")
            let error = try #require(await providerError { try await meta.provider.send(.text("hi"), to: customer) })
            #expect(error.classification == .needsTemplate)
            #expect(error.code == "131047")
            #expect(
                error.message
                    == "(#131047) Re-engagement message — Message failed to send because more than 24 hours have passed"
            )
        }
    }

    @Test(arguments: [131026, 131051, 100, 131008, 131009, 190, 131048, 368, 132001])
    func permanentCodes(code: Int) async throws {
        try await MetaHarness.run { meta in
            meta.fake.failNext(code: code, httpStatus: code == 190 ? 401 : 400)
            let error = try #require(await providerError { try await meta.provider.send(.text("hi"), to: customer) })
            #expect(error.classification == .permanent)
            #expect(error.code == String(code))
        }
    }

    @Test func http429WithRetryAfterIsThrottling() async throws {
        try await MetaHarness.run { meta in
            meta.fake.failNext(code: 80008, httpStatus: 429, message: "Too many calls", retryAfter: 7)
            let error = try #require(await providerError { try await meta.provider.send(.text("hi"), to: customer) })
            #expect(error.classification == .retryable)
            #expect(error.httpStatus == 429)
            #expect(error.retryAfter == .seconds(7))
        }
    }

    @Test func http500WithAnUnlistedCodeIsRetryable() async throws {
        try await MetaHarness.run { meta in
            meta.fake.failNext(code: 999_001, httpStatus: 500)
            let error = try #require(await providerError { try await meta.provider.send(.text("hi"), to: customer) })
            #expect(error.classification == .retryable)
            #expect(error.code == "999001")
        }
    }

    @Test func anUnreachableGraphAPIIsRetryable() async throws {
        let refusing = try RefusingPort()
        let client = HTTPClient()
        let provider = MetaCloudProvider(
            configuration: .init(phoneNumberID: "1234567890", accessToken: "t", baseURL: refusing.baseURL),
            client: client)
        let error = try #require(await providerError { try await provider.send(.text("hi"), to: customer) })
        await client.shutdown()
        withExtendedLifetime(refusing) {}
        #expect(error.classification == .retryable)
        #expect(error.code == "transport_couldNotConnect")
        #expect(error.cause is HTTPClientError)
    }
}
