import Crypto
public import Foundation
public import PapoCore
public import PapoPostgres

/// A file a tenant uploaded, stored once by content.
public struct MediaRecord: Sendable, Equatable {
    public var tenantID: UUID
    /// Lowercase hex SHA-256 of the bytes: the file's address.
    public var sha256: String
    public var mimeType: String
    public var sizeBytes: Int
    public var filename: String?
    public var storagePath: String
    /// Ids the providers gave the file at upload, so a re-send skips the upload.
    public var providerMediaIDs: [String: JSONValue]

    init(row: PostgresRow) throws {
        tenantID = try row.decode("tenant_id")
        sha256 = try row.decode("sha256", as: Data.self).hexString
        mimeType = try row.decode("mime_type")
        sizeBytes = try row.decode("size_bytes")
        filename = try row.decode("filename")
        storagePath = try row.decode("storage_path")
        providerMediaIDs = try row.decodeJSON("provider_media_ids")
    }
}

/// Uploaded media under `<data>/media/<tenant>/<sha256>` with a row in `media`.
public struct MediaStore: Sendable {
    public let pool: PostgresPool
    public let directory: URL

    public init(pool: PostgresPool, directory: URL) {
        self.pool = pool
        self.directory = directory
    }

    /// Stores the bytes (once per tenant and content) and returns the record.
    public func store(tenantID: UUID, data: Data, mimeType: String, filename: String?) async throws -> MediaRecord {
        let digest = Data(SHA256.hash(data: data))
        let hex = digest.hexString
        let folder = directory.appendingPathComponent(tenantID.uuidString.lowercased())
        let path = folder.appendingPathComponent(hex)
        if !FileManager.default.fileExists(atPath: path.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // Write beside, then rename: a crash never leaves a half file under the final name.
            let partial = folder.appendingPathComponent(hex + ".partial-" + UUID().uuidString)
            try data.write(to: partial)
            try FileManager.default.moveItem(at: partial, to: path)
        }
        let row = try await pool.query(
            """
            INSERT INTO media (tenant_id, sha256, mime_type, size_bytes, filename, storage_path)
            VALUES (\(tenantID), \(digest), \(mimeType), \(data.count), \(filename), \(path.path))
            ON CONFLICT (tenant_id, sha256) DO UPDATE SET filename = COALESCE(media.filename, EXCLUDED.filename)
            RETURNING tenant_id, sha256, mime_type, size_bytes, filename, storage_path, provider_media_ids
            """
        ).first!
        return try MediaRecord(row: row)
    }

    /// One tenant's file by its hex SHA-256.
    public func media(tenantID: UUID, sha256 hex: String) async throws -> MediaRecord? {
        guard hex.count == 64, let digest = Data(hex: hex) else { return nil }
        return try await pool.query(
            """
            SELECT tenant_id, sha256, mime_type, size_bytes, filename, storage_path, provider_media_ids
            FROM media WHERE tenant_id = \(tenantID) AND sha256 = \(digest)
            """
        ).first.map(MediaRecord.init(row:))
    }

    /// Remembers the id a provider gave the file.
    public func setProviderMediaID(tenantID: UUID, sha256 hex: String, key: String, id: String) async throws {
        guard hex.count == 64, let digest = Data(hex: hex) else { return }
        try await pool.query(
            """
            UPDATE media SET provider_media_ids = provider_media_ids || jsonb_build_object(\(key)::text, \(id)::text)
            WHERE tenant_id = \(tenantID) AND sha256 = \(digest)
            """)
    }
}
