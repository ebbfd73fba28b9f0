import CCurl
import Foundation
import Logging

/// One request on the loop thread: its easy handle, the C resources attached to it and the
/// response being received. Created, driven and released on the loop thread only; libcurl's
/// callbacks reach it through an unretained pointer that `CurlLoopRunner` keeps valid by
/// holding the transfer until the handle is removed from the multi handle.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer
    let job: TransferJob
    private let logger: Logger?
    private let started = ContinuousClock.now

    // C resources that must outlive the transfer and are freed in deinit.
    var headerList: UnsafeMutablePointer<curl_slist>?
    var mime: OpaquePointer?
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// Set by the pre-request check when it refused an internal address.
    let refusedAddress: UnsafeMutablePointer<Int32>

    // The response as it arrives.
    private var headerFields: [(name: String, value: String)] = []
    private var body = Data()
    private var receivedBytes = 0
    private var bodyStarted = false
    private var exceededSizeCap = false
    private var headDelivered = false
    private var finished = false

    private init(easy: UnsafeMutableRawPointer, job: TransferJob, logger: Logger?) {
        self.easy = easy
        self.job = job
        self.logger = logger
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        refusedAddress = .allocate(capacity: 1)
        refusedAddress.initialize(to: 0)
    }

    /// Creates the easy handle and applies every option; throws before anything is sent.
    static func make(job: TransferJob, logger: Logger?) throws(HTTPClientError) -> CurlTransfer {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(code: .transport, message: "curl_easy_init failed")
        }
        let transfer = CurlTransfer(easy: easy, job: job, logger: logger)
        try transfer.configure()
        return transfer
    }

    deinit {
        // Not attached to the multi handle any more (CurlLoopRunner detaches first); the mime
        // tree and header list must outlive the easy handle, so they go last.
        curl_easy_cleanup(easy)
        curl_mime_free(mime)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        refusedAddress.deallocate()
    }

    var userdata: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> CurlTransfer? {
        userdata.map { Unmanaged<CurlTransfer>.fromOpaque($0).takeUnretainedValue() }
    }

    // MARK: Callbacks (inside curl_multi_perform, on the loop thread)

    /// Returns fewer bytes than given to make libcurl abort with CURLE_WRITE_ERROR.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard receivedBytes + bytes.count <= job.options.maxResponseSize else {
            exceededSizeCap = true
            return 0
        }
        receivedBytes += bytes.count
        bodyStarted = true
        switch job.sink {
        case .buffered:
            body.append(bytes.assumingMemoryBound(to: UInt8.self))
        case .streaming(_, let stream):
            deliverHeadIfNeeded()
            if !bytes.isEmpty, case .terminated = stream.yield(Data(bytes)) {
                // The reader is gone; stop downloading now instead of when its cancel arrives.
                return 0
            }
        }
        return bytes.count
    }

    /// libcurl calls this once per complete header line, for every response it reads
    /// (1xx, redirects, the final one); a status line starts a new header block.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        // Chunked trailers arrive after the body; they are not response headers.
        guard !bodyStarted else { return bytes.count }
        // Strip the line ending as bytes: in Swift "\r\n" is one Character.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A { end -= 1 }
        let line = Substring(String(decoding: bytes[..<end], as: UTF8.self))
        if line.hasPrefix("HTTP/") {
            headerFields.removeAll()
        } else if let first = line.first, first == " " || first == "\t", !headerFields.isEmpty {
            // Obsolete line folding: the line continues the previous value.
            headerFields[headerFields.count - 1].value += " " + Self.trimmed(line)
        } else if let colon = line.firstIndex(of: ":") {
            headerFields.append(
                (String(line[..<colon]), Self.trimmed(line[line.index(after: colon)...])))
        }
        return bytes.count
    }

    private static func trimmed(_ text: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }

    // MARK: Completion

    func complete(_ result: CURLcode) {
        guard result == CURLE_OK else {
            if exceededSizeCap || result == CURLE_FILESIZE_EXCEEDED {
                fail(
                    HTTPClientError(
                        code: .responseTooLarge,
                        message: "response body exceeds \(job.options.maxResponseSize) bytes",
                        curlCode: Int(result.rawValue)))
            } else if refusedAddress.pointee != 0 {
                fail(
                    HTTPClientError(
                        code: .blockedAddress,
                        message: "the host resolved to an internal address (\(primaryIP() ?? "unknown")), "
                            + "which this request may not reach",
                        curlCode: Int(result.rawValue)))
            } else {
                fail(HTTPClientError(curlCode: result, detail: String(cString: errorBuffer)))
            }
            return
        }
        guard !finished else { return }
        finished = true
        let status = responseCode()
        switch job.sink {
        case .buffered(let continuation):
            continuation.resume(
                returning: HTTPClientResponse(status: status, headers: headers, body: body))
        case .streaming(_, let stream):
            deliverHeadIfNeeded()
            stream.finish()
        }
        logger?.debug("HTTP request finished", metadata: logMetadata(status: status))
    }

    func fail(_ error: any Error) {
        guard !finished else { return }
        finished = true
        switch job.sink {
        case .buffered(let continuation):
            continuation.resume(throwing: error)
        case .streaming(let head, let stream):
            if !headDelivered {
                headDelivered = true
                head.resume(throwing: error)
            }
            stream.finish(throwing: error)
        }
        var metadata = logMetadata(status: nil)
        metadata["error"] = "\(error)"
        logger?.debug("HTTP request failed", metadata: metadata)
    }

    private var headers: HTTPClientHeaders {
        HTTPClientHeaders(headerFields.map { ($0.name, $0.value) })
    }

    private func deliverHeadIfNeeded() {
        guard !headDelivered, case .streaming(let head, _) = job.sink else { return }
        headDelivered = true
        head.resume(returning: ResponseHead(status: responseCode(), headers: headers))
    }

    /// The address of the connection, as curl reports it.
    private func primaryIP() -> String? {
        var text: UnsafePointer<CChar>?
        guard papo_curl_easy_getinfo_string(easy, CURLINFO_PRIMARY_IP, &text) == CURLE_OK, let text else { return nil }
        let value = String(cString: text)
        return value.isEmpty ? nil : value
    }

    private func responseCode() -> Int {
        var code = 0
        _ = papo_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    private func logMetadata(status: Int?) -> Logger.Metadata {
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "http.method": "\(job.request.method)",
            "http.host": "\(job.host)",
            "duration_ms":
                "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        if let status { metadata["http.status"] = "\(status)" }
        return metadata
    }
}
