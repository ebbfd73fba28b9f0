import Foundation
import Hummingbird
import NIOCore

extension FakeLLMServer {
    /// Renders a scripted reply in the wire format of the reference: a `chat.completion` JSON
    /// body, `chat.completion.chunk` server-sent events ending in `data: [DONE]`, or an error body.
    struct Wire {
        var reply: Reply
        var probe: RequestProbe
        var number: Int

        private var model: String { reply.model ?? probe.model ?? "fake-model" }
        private var id: String { "chatcmpl-fake-\(number)" }
        private let created = 1_735_000_000

        func response() -> Response {
            switch reply.content {
            case .error(let shape):
                return json(Self.errorBody(shape, status: reply.status))
            case .raw(let contentType, let body):
                return respond(contentType: contentType, body: ByteBuffer(string: body))
            case .textThenStreamError(_, let shape) where probe.stream != true:
                return json(Self.errorBody(shape, status: reply.status == 200 ? 500 : reply.status))
            case .text, .toolCalls, .textThenStreamError:
                return probe.stream == true ? stream() : json(completion())
            }
        }

        // MARK: Non-streaming

        private func completion() -> [String: Any] {
            var message: [String: Any] = ["role": "assistant", "content": NSNull()]
            var finish = "stop"
            switch reply.content {
            case .text(let text):
                message["content"] = text
            case .toolCalls(let calls, let text):
                message["content"] = text.map { $0 as Any } ?? NSNull()
                message["tool_calls"] = calls.map { call in
                    [
                        "id": call.id, "type": "function",
                        "function": ["name": call.name, "arguments": arguments(call.arguments)],
                    ] as [String: Any]
                }
                finish = "tool_calls"
            default:
                break
            }
            var body: [String: Any] = [
                "id": id, "object": "chat.completion", "created": created, "model": model,
                "choices": [
                    [
                        "index": 0, "message": message, "logprobs": NSNull(),
                        "finish_reason": reply.finishReason ?? finish,
                    ]
                ],
            ]
            if let usage = usageObject() { body["usage"] = usage }
            return body
        }

        // MARK: Streaming

        private func stream() -> Response {
            var events: [String] = []
            func chunk(_ delta: [String: Any], finish: String? = nil) {
                events.append(
                    Self.text([
                        "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                        "choices": [
                            [
                                "index": 0, "delta": delta, "logprobs": NSNull(),
                                "finish_reason": finish.map { $0 as Any } ?? NSNull(),
                            ]
                        ],
                    ]))
            }
            chunk(["role": "assistant", "content": ""])
            var finish = "stop"
            switch reply.content {
            case .text(let text):
                for piece in pieces(text) { chunk(["content": piece]) }
            case .toolCalls(let calls, let text):
                for piece in pieces(text ?? "") { chunk(["content": piece]) }
                for (index, call) in calls.enumerated() {
                    chunk(["tool_calls": [toolDelta(index, ["name": call.name, "arguments": ""], id: call.id)]])
                    if reply.argumentsAsObject {
                        chunk(["tool_calls": [toolDelta(index, ["arguments": arguments(call.arguments)])]])
                    } else {
                        for piece in pieces(call.arguments) {
                            chunk(["tool_calls": [toolDelta(index, ["arguments": piece])]])
                        }
                    }
                }
                finish = "tool_calls"
            case .textThenStreamError(let text, let shape):
                for piece in pieces(text) { chunk(["content": piece]) }
                events.append(Self.text(Self.errorBody(shape, status: 500)))
                return sse(events)
            default:
                break
            }
            guard !reply.truncateStream else { return sse(events) }
            chunk([:], finish: reply.finishReason ?? finish)
            if probe.streamOptions?.includeUsage == true, let usage = usageObject() {
                events.append(
                    Self.text([
                        "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                        "choices": [Any](), "usage": usage,
                    ]))
            }
            events.append("[DONE]")
            return sse(events)
        }

        private func toolDelta(_ index: Int, _ function: [String: Any], id: String? = nil) -> [String: Any] {
            var delta: [String: Any] = ["index": index, "function": function]
            if let id {
                delta["id"] = id
                delta["type"] = "function"
            }
            return delta
        }

        private func sse(_ events: [String]) -> Response {
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            add(reply.headers, to: &headers)
            return Response(
                status: .init(code: reply.status), headers: headers,
                body: ResponseBody { writer in
                    // One write per event, as a real server flushes each chunk separately.
                    for event in events {
                        try await writer.write(ByteBuffer(string: "data: \(event)\n\n"))
                    }
                    try await writer.finish(nil)
                })
        }

        /// `text` in fragments of ``Reply/fragmentSize`` characters.
        private func pieces(_ text: String) -> [String] {
            var result: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                result.append(String(rest.prefix(reply.fragmentSize)))
                rest = rest.dropFirst(reply.fragmentSize)
            }
            return result
        }

        // MARK: Shared

        private func arguments(_ text: String) -> Any {
            guard reply.argumentsAsObject,
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
            else { return text }
            return object
        }

        private func usageObject() -> [String: Any]? {
            reply.usage.map {
                [
                    "prompt_tokens": $0.prompt, "completion_tokens": $0.completion,
                    "total_tokens": $0.prompt + $0.completion,
                ]
            }
        }

        private func json(_ object: [String: Any]) -> Response {
            respond(contentType: "application/json", body: ByteBuffer(string: Self.text(object)))
        }

        private func respond(contentType: String, body: ByteBuffer) -> Response {
            var headers = HTTPFields()
            headers[.contentType] = contentType
            add(reply.headers, to: &headers)
            return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: body))
        }

        private func add(_ extra: [(name: String, value: String)], to headers: inout HTTPFields) {
            // Names are written by tests; an invalid one is a bug in the test, so it traps.
            for (name, value) in extra {
                headers.append(.init(name: .init(name)!, value: value))
            }
        }

        static func errorBody(_ shape: Reply.ErrorShape, status: Int) -> [String: Any] {
            switch shape {
            case .openAI(let message, let type, let code, let param):
                [
                    "error": [
                        "message": message, "type": type, "param": param.map { $0 as Any } ?? NSNull(),
                        "code": code.map { $0 as Any } ?? NSNull(),
                    ]
                ]
            case .llamaCpp(let message, let type, let promptTokens, let contextSize):
                [
                    "error": [
                        "code": status, "message": message, "type": type,
                        "n_prompt_tokens": promptTokens.map { $0 as Any } ?? NSNull(),
                        "n_ctx": contextSize.map { $0 as Any } ?? NSNull(),
                    ] as [String: Any]
                ]
            case .vLLM(let message, let type):
                ["error": ["message": message, "type": type, "param": NSNull(), "code": status]]
            case .plain(let message):
                ["error": message]
            }
        }

        static func text(_ object: [String: Any]) -> String {
            let data =
                (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }
}
