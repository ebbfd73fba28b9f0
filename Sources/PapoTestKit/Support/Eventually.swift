/// Waits until `condition` holds, checking every 50 ms, for at most `limit`; returns whether it
/// held, so the test can `#expect` it and go on to say what it saw.
public func eventually(
    within limit: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + limit
    while clock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
