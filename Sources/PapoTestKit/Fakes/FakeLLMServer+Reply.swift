extension FakeLLMServer {
    /// One scripted answer: what to say, in which error shape, after what delay.
    public struct Reply: Sendable {
        /// What the answer carries.
        public enum Content: Sendable {
            /// An assistant text reply (`finish_reason: stop`).
            case text(String)
            /// Tool calls, with optional text beside them (`finish_reason: tool_calls`).
            case toolCalls([ToolCallSpec], text: String?)
            /// An error status with a body in one server's shape.
            case error(ErrorShape)
            /// Exact bytes, for malformed or unusual answers.
            case raw(contentType: String, body: String)
            /// A streamed answer that sends `text` then an error event (or a plain JSON error
            /// body when the request did not stream).
            case textThenStreamError(String, ErrorShape)
        }

        /// One tool call to script.
        public struct ToolCallSpec: Sendable {
            /// The call id the client must echo in its tool message.
            public var id: String
            /// The function name.
            public var name: String
            /// The arguments JSON text.
            public var arguments: String

            /// Creates a scripted call.
            public init(id: String, name: String, arguments: String) {
                self.id = id
                self.name = name
                self.arguments = arguments
            }
        }

        /// The error body shapes real servers send.
        public enum ErrorShape: Sendable {
            /// `{"error":{"message","type","param","code"}}` (OpenAI, Azure, LiteLLM).
            case openAI(message: String, type: String, code: String? = nil, param: String? = nil)
            /// `{"error":{"code":400,"message","type","n_prompt_tokens","n_ctx"}}` (llama.cpp).
            case llamaCpp(message: String, type: String, promptTokens: Int? = nil, contextSize: Int? = nil)
            /// `{"error":{"message","type","param":null,"code":400}}` (vLLM: an integer code).
            case vLLM(message: String, type: String = "BadRequestError")
            /// `{"error":"text"}` (Ollama's native shape).
            case plain(String)
        }

        /// The HTTP status.
        public var status: Int
        /// What the answer carries.
        public var content: Content
        /// Extra response headers (`Retry-After`...).
        public var headers: [(name: String, value: String)]
        /// Time to wait before answering.
        public var delay: Duration
        /// Usage to report as (prompt, completion); `nil` leaves `usage` out.
        public var usage: (prompt: Int, completion: Int)?
        /// The finish reason; `nil` picks `stop` or `tool_calls` by content.
        public var finishReason: String?
        /// Send tool-call arguments as a JSON object rather than a string (some local servers).
        public var argumentsAsObject: Bool
        /// Characters per streamed content or arguments fragment.
        public var fragmentSize: Int
        /// End a stream without `data: [DONE]` and without a finish reason (a cut connection).
        public var truncateStream: Bool
        /// The `model` to answer with; `nil` echoes the request's.
        public var model: String?

        /// Creates a reply; the static constructors cover the usual cases.
        public init(
            status: Int = 200, content: Content, headers: [(name: String, value: String)] = [],
            delay: Duration = .zero, usage: (prompt: Int, completion: Int)? = (prompt: 12, completion: 5),
            finishReason: String? = nil, argumentsAsObject: Bool = false, fragmentSize: Int = 4,
            truncateStream: Bool = false, model: String? = nil
        ) {
            self.status = status
            self.content = content
            self.headers = headers
            self.delay = delay
            self.usage = usage
            self.finishReason = finishReason
            self.argumentsAsObject = argumentsAsObject
            self.fragmentSize = max(1, fragmentSize)
            self.truncateStream = truncateStream
            self.model = model
        }

        /// A text reply.
        public static func text(_ text: String, usage: (prompt: Int, completion: Int)? = (12, 5)) -> Reply {
            Reply(content: .text(text), usage: usage)
        }

        /// A tool-calls reply, with `content: null` unless `text` is given.
        public static func toolCalls(
            _ calls: [ToolCallSpec], text: String? = nil, usage: (prompt: Int, completion: Int)? = (40, 18)
        ) -> Reply {
            Reply(content: .toolCalls(calls, text: text), usage: usage)
        }

        /// A single tool call.
        public static func toolCall(id: String, name: String, arguments: String) -> Reply {
            .toolCalls([ToolCallSpec(id: id, name: name, arguments: arguments)])
        }

        /// An error status with a body in `shape`.
        public static func error(status: Int, _ shape: ErrorShape) -> Reply {
            Reply(status: status, content: .error(shape), usage: nil)
        }

        /// A 429 in OpenAI's shape with `Retry-After: seconds`.
        public static func rateLimited(retryAfterSeconds seconds: Int) -> Reply {
            Reply.error(
                status: 429,
                .openAI(
                    message: "Rate limit reached for requests. Please try again in \(seconds)s.",
                    type: "requests", code: "rate_limit_exceeded")
            ).withHeader("Retry-After", "\(seconds)")
        }

        /// This reply after `delay`.
        public func delayed(by delay: Duration) -> Reply {
            var copy = self
            copy.delay = delay
            return copy
        }

        /// This reply with one more response header.
        public func withHeader(_ name: String, _ value: String) -> Reply {
            var copy = self
            copy.headers.append((name: name, value: value))
            return copy
        }

        /// This reply with tool-call arguments sent as JSON objects.
        public func argumentsAsJSONObject() -> Reply {
            var copy = self
            copy.argumentsAsObject = true
            return copy
        }

        /// This reply streamed in fragments of `size` characters.
        public func fragmented(by size: Int) -> Reply {
            var copy = self
            copy.fragmentSize = max(1, size)
            return copy
        }

        /// This reply's stream cut before it finishes.
        public func truncated() -> Reply {
            var copy = self
            copy.truncateStream = true
            return copy
        }
    }
}
