import PapoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// JSON lines over one end of a socket pair, with deadlines on reads.
///
/// A socket pair rather than two pipes: `send(MSG_NOSIGNAL)` reports a dead child as an error
/// instead of raising SIGPIPE, which would kill the engine.
final class LineChannel {
    enum Read {
        case message(JSONValue)
        case closed
        case timedOut
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// Writes one message as a line; `false` when the peer is gone.
    @discardableResult
    func send(_ message: JSONValue) -> Bool {
        var bytes = Array(message.jsonText.utf8)
        bytes.append(0x0A)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            sent += count
        }
        return true
    }

    /// The next message, waiting at most until `deadline` (`nil`: forever).
    func receive(until deadline: ContinuousClock.Instant?) -> Read {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                // A line that is not JSON is a broken peer; treat it as closed.
                guard let message = try? JSONValue(parsing: line) else { return .closed }
                return .message(message)
            }
            var wait: Int32 = -1
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                if left <= .zero { return .timedOut }
                let (seconds, attoseconds) = left.components
                wait = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return .closed }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
