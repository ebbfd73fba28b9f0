import PapoCore
import Testing

@Suite("Send pacing")
struct SendPacerTests {
    let start = ContinuousClock.now

    @Test("a recipient gets its burst at once, then one message per interval")
    func recipientPacing() {
        var pacer = SendPacer(
            numberRate: .init(perSecond: 1000, burst: 1000), recipientRate: .init(perSecond: 0.5, burst: 2))
        let waits = (0..<5).map { _ in pacer.reserve(number: "biz", recipient: "ana", now: start) }
        #expect(waits == [.zero, .zero, .seconds(2), .seconds(4), .seconds(6)])
        // Another recipient is not held up by Ana's queue.
        #expect(pacer.reserve(number: "biz", recipient: "bia", now: start) == .zero)
        // After the booked sends drain and time passes, the bucket has refilled.
        #expect(pacer.reserve(number: "biz", recipient: "ana", now: start + .seconds(20)) == .zero)
    }

    @Test("the business number's rate caps all recipients together")
    func numberPacing() {
        var pacer = SendPacer(
            numberRate: .init(perSecond: 10, burst: 2), recipientRate: .init(perSecond: 100, burst: 100))
        let waits = (0..<4).map { index in pacer.reserve(number: "biz", recipient: "r\(index)", now: start) }
        #expect(waits == [.zero, .zero, .milliseconds(100), .milliseconds(200)])
        #expect(pacer.reserve(number: "other", recipient: "r0", now: start) == .zero)
    }

    @Test("pruning forgets only full buckets")
    func prune() {
        var pacer = SendPacer(numberRate: .init(perSecond: 1, burst: 1), recipientRate: .init(perSecond: 1, burst: 1))
        _ = pacer.reserve(number: "biz", recipient: "ana", now: start)
        pacer.prune(now: start)
        #expect(pacer.reserve(number: "biz", recipient: "ana", now: start) == .seconds(1))
        pacer.prune(now: start + .seconds(10))
        #expect(pacer.reserve(number: "biz", recipient: "ana", now: start + .seconds(10)) == .zero)
    }
}
