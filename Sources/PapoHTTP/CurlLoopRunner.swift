import CCurl

/// The body of the curl thread: owns the multi handle and every easy handle, and is never
/// shared with another thread (it is created on the loop thread and dies with it), which is
/// why it needs no locking of its own.
final class CurlLoopRunner {
    private let loop: CurlMultiLoop
    private let multi: CurlMultiHandle
    private var transfers: [UInt64: CurlTransfer] = [:]
    private var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

    /// Upper bound on one wait; submissions and cancellations wake the thread sooner through
    /// `curl_multi_wakeup`, and libcurl shortens it for its own timers.
    private static let pollTimeoutMilliseconds: Int32 = 1000

    init(loop: CurlMultiLoop, multi: CurlMultiHandle) {
        self.loop = loop
        self.multi = multi
    }

    func run() {
        while true {
            let batch = loop.takeBatch()
            if batch.stopping {
                for job in batch.jobs {
                    loop.retire(job.id)
                    job.sink.fail(Self.shutdownError)
                }
                break
            }
            for job in batch.jobs {
                start(job)
            }
            for id in batch.cancellations {
                abort(id, with: CancellationError())
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi.raw, &running)
            collectFinished()
            _ = curl_multi_poll(multi.raw, nil, 0, Self.pollTimeoutMilliseconds, nil)
        }
        for id in Array(transfers.keys) {
            abort(id, with: Self.shutdownError)
        }
        let waiters = loop.markStopped()
        curl_multi_cleanup(multi.raw)
        for waiter in waiters {
            waiter.resume()
        }
    }

    private static var shutdownError: HTTPClientError {
        HTTPClientError(code: .cancelled, message: "HTTP client shut down before the request finished")
    }

    private func start(_ job: TransferJob) {
        do {
            let transfer = try CurlTransfer.make(job: job, logger: loop.logger)
            let code = curl_multi_add_handle(multi.raw, transfer.easy)
            guard code == CURLM_OK else {
                throw HTTPClientError(
                    code: .transport,
                    message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(code)))")
            }
            transfers[job.id] = transfer
            idsByHandle[transfer.easy] = job.id
        } catch {
            loop.retire(job.id)
            job.sink.fail(error)
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let id = idsByHandle[easy], let transfer = transfers[id]
            else { continue }
            // Read before detaching: the message does not survive curl_multi_remove_handle.
            let result = message.pointee.data.result
            detach(transfer, id: id)
            transfer.complete(result)
        }
    }

    /// Removes an in-flight transfer from libcurl and fails it; unknown ids already finished.
    private func abort(_ id: UInt64, with error: any Error) {
        guard let transfer = transfers[id] else { return }
        detach(transfer, id: id)
        transfer.fail(error)
    }

    private func detach(_ transfer: CurlTransfer, id: UInt64) {
        curl_multi_remove_handle(multi.raw, transfer.easy)
        transfers[id] = nil
        idsByHandle[transfer.easy] = nil
        loop.retire(id)
    }
}
