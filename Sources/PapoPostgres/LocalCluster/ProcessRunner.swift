import Foundation
import Logging

/// Runs the PostgreSQL programs, as the `postgres` system user when we are root.
struct ProcessRunner: Sendable {
    var asPostgresUser: Bool
    var logger: Logger

    /// Runs a program and fails with its output when it exits non-zero.
    func run(_ program: String, _ arguments: [String], what: String) throws {
        let (status, output) = try execute(program, arguments)
        guard status == 0 else {
            throw PostgresError(
                .clusterFailed,
                "\(what) failed (exit \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Runs a program and returns its exit status.
    func status(_ program: String, _ arguments: [String]) throws -> Int32 {
        try execute(program, arguments).status
    }

    /// Hands folders to the `postgres` user, which must exist.
    func giveToPostgresUser(_ paths: [String]) throws {
        guard let entry = getpwnam("postgres") else {
            throw PostgresError(
                .clusterFailed,
                "running as root needs a 'postgres' system user to run the server (sudo apt-get install postgresql creates it), or set DATABASE_URL"
            )
        }
        for path in paths where chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) != 0 {
            throw PostgresError(.clusterFailed, "cannot give \(path) to the postgres user (errno \(errno))")
        }
    }

    /// Spawns the program and waits for it with `waitpid`.
    ///
    /// Foundation's `Process` is not used: on Linux its exit notification can be missed when the
    /// program leaves a daemon behind (as `pg_ctl start` does), hanging `waitUntilExit` forever.
    private func execute(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let argv =
            asPostgresUser ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] + arguments : [program] + arguments
        // Output goes to a file, not a pipe: the server that pg_ctl starts in the background would
        // hold a pipe open and we would wait on it forever.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "papo-pg-\(UUID().uuidString).out"
        ).path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        logger.debug("running \(program)", metadata: ["arguments": "\(arguments)"])
        var pid = pid_t()
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw PostgresError(.clusterFailed, "cannot run \(argv[0]) (errno \(spawned))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw PostgresError(.clusterFailed, "waiting for \(program) failed (errno \(errno))")
            }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED/WEXITSTATUS are macros; decode the wait status by hand.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, output)
    }
}
