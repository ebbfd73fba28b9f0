import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP client with a tiny receive buffer that sends one HTTP request and then reads
/// nothing until told to: a realtime client that has stopped keeping up.
final class StalledSocket {
    private let descriptor: Int32

    init(port: Int, request: String) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var size: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Reads until the server closes the connection (or `timeout` passes); returns the text.
    func readToEnd(timeout: Duration) async throws -> (text: String, closed: Bool) {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&pollDescriptor, 1, 0) > 0 {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return (String(decoding: data, as: UTF8.self), true) }
                data.append(contentsOf: buffer[0..<count])
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return (String(decoding: data, as: UTF8.self), false)
    }

    deinit {
        close(descriptor)
    }
}
