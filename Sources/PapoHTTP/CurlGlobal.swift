import CCurl

/// Process-wide libcurl state.
enum CurlGlobal {
    /// `curl_global_init` must run once, before any other libcurl call and not concurrently
    /// with one. A Swift global `let` is initialised lazily, exactly once and atomically
    /// (`swift_once`), which gives precisely that guarantee without a hand-written lock.
    private static let initResult: Int = Int(curl_global_init(papo_curl_global_default()).rawValue)

    /// Initialises libcurl on first use; later calls only return the first result.
    static func ensureInitialised() throws(HTTPClientError) {
        let code = initResult
        guard code == Int(CURLE_OK.rawValue) else {
            throw HTTPClientError(
                code: .transport, message: "curl_global_init failed", curlCode: code)
        }
    }

    /// The libcurl version string, for diagnostics.
    static var version: String {
        String(cString: curl_version())
    }
}

extension HTTPClientError {
    /// Maps a failed transfer's `CURLE_*` code. `detail` is curl's error buffer, which
    /// describes the failure (host, port, certificate problem) and never echoes headers.
    init(curlCode: CURLcode, detail: String) {
        let raw = Int(curlCode.rawValue)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(curlCode)) : detail
        self.init(code: Self.classify(raw), message: text, curlCode: raw)
    }

    private static func classify(_ code: Int) -> Code {
        switch code {
        case 5, 6:  // COULDNT_RESOLVE_PROXY, COULDNT_RESOLVE_HOST
            .couldNotResolveHost
        case 7:  // COULDNT_CONNECT
            .couldNotConnect
        case 28:  // OPERATION_TIMEDOUT
            .timeout
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98:
            // SSL_CONNECT_ERROR, PEER_FAILED_VERIFICATION, SSL_ENGINE_*, SSL_CERTPROBLEM,
            // SSL_CIPHER, (old) SSL_CACERT, USE_SSL_FAILED, SSL_ENGINE_INITFAILED,
            // SSL_CACERT_BADFILE, SSL_SHUTDOWN_FAILED, SSL_CRL_BADFILE, SSL_ISSUER_ERROR,
            // SSL_PINNEDPUBKEYNOTMATCH, SSL_INVALIDCERTSTATUS, SSL_CLIENTCERT
            .tls
        case 63:  // FILESIZE_EXCEEDED (Content-Length over CURLOPT_MAXFILESIZE_LARGE)
            .responseTooLarge
        case 1, 3, 43, 48:  // UNSUPPORTED_PROTOCOL, URL_MALFORMAT, BAD_FUNCTION_ARGUMENT, UNKNOWN_OPTION
            .invalidRequest
        case 42:  // ABORTED_BY_CALLBACK
            .cancelled
        default:
            .transport
        }
    }
}
