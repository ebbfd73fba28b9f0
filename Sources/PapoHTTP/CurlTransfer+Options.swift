import CCurl
import Foundation

extension CurlTransfer {
    /// Applies the request and client options to the easy handle.
    func configure() throws(HTTPClientError) {
        let options = job.options
        let request = job.request

        // Signals are process-wide and the loop thread is not the only thread; timeouts
        // must not use SIGALRM.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_URL, request.url)
        // Only HTTP(S), also after redirects: a URL from a tenant must not reach file:// or smb://.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, options.timeoutMilliseconds)
        try set(CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)
        if let caBundlePath = options.caBundlePath {
            try set(CURLOPT_CAINFO, caBundlePath)
        }
        // An empty proxy string disables the http_proxy environment variables too.
        try set(CURLOPT_PROXY, options.proxy ?? "")
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try set(CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, options.maxRedirects)
        if options.refuseInternalAddresses {
            try check(papo_curl_easy_refuse_internal_addresses(easy, refusedAddress), "CURLOPT_PREREQFUNCTION")
        }
        // Rejects early when Content-Length is already too big; the write callback enforces the
        // cap for bodies of unknown length. Not for HEAD, whose Content-Length describes a body
        // that is never sent (libcurl would still refuse it).
        if request.method != .head {
            try check(
                papo_curl_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxResponseSize)),
                "CURLOPT_MAXFILESIZE_LARGE")
        }
        if let userAgent = options.userAgent, !request.headers.contains("User-Agent") {
            try set(CURLOPT_USERAGENT, userAgent)
        }
        try installCallbacks()
        try applyMethodAndBody(request)
        try applyHeaders(request)
    }

    private func installCallbacks() throws(HTTPClientError) {
        try check(
            papo_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
                guard let transfer = CurlTransfer.from(userdata) else { return 0 }
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            }, "CURLOPT_WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: userdata)
        try check(
            papo_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, userdata in
                guard let transfer = CurlTransfer.from(userdata) else { return 0 }
                return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            }, "CURLOPT_HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, pointer: userdata)
    }

    private func applyMethodAndBody(_ request: HTTPClientRequest) throws(HTTPClientError) {
        let method = request.method
        if let form = request.multipart {
            try attach(form)
        } else if let body = request.body {
            try setBody(body)
        } else if method == .post || method == .put || method == .patch {
            // An explicit empty body, so libcurl sends Content-Length: 0 and never falls back
            // to its default read callback (stdin).
            try setBody(Data())
        }
        let hasBody = request.multipart != nil || request.body != nil
        switch method {
        case .get where !hasBody:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .post:
            break
        default:
            try set(CURLOPT_CUSTOMREQUEST, method.rawValue)
        }
    }

    private func setBody(_ body: Data) throws(HTTPClientError) {
        try check(
            papo_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
            "CURLOPT_POSTFIELDSIZE_LARGE")
        // COPYPOSTFIELDS copies the bytes, so `body` may go away; it needs a non-NULL pointer
        // even for an empty body, or libcurl would read from its default read callback.
        let code: CURLcode =
            if body.isEmpty {
                "".withCString {
                    papo_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0))
                }
            } else {
                body.withUnsafeBytes {
                    papo_curl_easy_setopt_pointer(
                        easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                }
            }
        try check(code, "CURLOPT_COPYPOSTFIELDS")
    }

    private func attach(_ form: MultipartForm) throws(HTTPClientError) {
        guard let mime = curl_mime_init(easy) else {
            throw HTTPClientError(code: .transport, message: "curl_mime_init failed")
        }
        self.mime = mime
        for part in form.parts {
            guard let handle = curl_mime_addpart(mime) else {
                throw HTTPClientError(code: .transport, message: "curl_mime_addpart failed")
            }
            try check(curl_mime_name(handle, part.name), "curl_mime_name")
            // curl_mime_data copies the bytes.
            let code: CURLcode =
                if part.data.isEmpty {
                    "".withCString { curl_mime_data(handle, $0, 0) }
                } else {
                    part.data.withUnsafeBytes {
                        curl_mime_data(handle, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count)
                    }
                }
            try check(code, "curl_mime_data")
            if let filename = part.filename {
                try check(curl_mime_filename(handle, filename), "curl_mime_filename")
            }
            if let contentType = part.contentType {
                try check(curl_mime_type(handle, contentType), "curl_mime_type")
            }
        }
        try set(CURLOPT_MIMEPOST, pointer: UnsafeMutableRawPointer(mime))
    }

    private func applyHeaders(_ request: HTTPClientRequest) throws(HTTPClientError) {
        var lines = request.headers.map { field in
            // "Name;" is libcurl's syntax for a header with an empty value ("Name:" deletes it).
            field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
        }
        if request.body != nil || request.multipart != nil {
            // Servers rarely answer 100-continue, and libcurl would then stall for a second.
            if !request.headers.contains("Expect") { lines.append("Expect:") }
            // Otherwise libcurl labels a raw body application/x-www-form-urlencoded.
            if request.body != nil, !request.headers.contains("Content-Type") {
                lines.append("Content-Type:")
            }
        }
        for line in lines {
            guard let list = curl_slist_append(headerList, line) else {
                throw HTTPClientError(code: .transport, message: "curl_slist_append failed")
            }
            headerList = list
        }
        if let headerList {
            try set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList))
        }
    }

    // MARK: Typed setopt

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(papo_curl_easy_setopt_long(easy, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(papo_curl_easy_setopt_string(easy, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(HTTPClientError) {
        try check(papo_curl_easy_setopt_pointer(easy, option, pointer), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw HTTPClientError(
                code: code == CURLE_OUT_OF_MEMORY ? .transport : .invalidRequest,
                message: "\(what): \(String(cString: curl_easy_strerror(code)))",
                curlCode: Int(code.rawValue))
        }
    }
}
