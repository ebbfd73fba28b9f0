/*
 * papo_plugin.h — the contract between the Papo engine and a capability plugin.
 *
 * A plugin is a shared object (.so) that exports ONE function:
 *
 *     const papo_plugin *papo_plugin_entry_v1(const papo_host_services *host);
 *
 * The host loads it with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) and never unloads it,
 * calls the entry once, keeps the returned table for the life of the process and calls
 * `invoke` for every tool call, possibly from several threads at once.
 *
 * Only C types and UTF-8, NUL-terminated JSON text cross this boundary. Never pass a Swift
 * (or C++) object through it: two images may hold two copies of the "same" type.
 *
 * Versioning
 *   - The major version is part of the entry symbol's name. A breaking change adds
 *     `papo_plugin_entry_v2`; a host looks only for the symbol of the major it speaks.
 *   - Both tables start with `abi_version` and `struct_size`. New fields are only ever
 *     appended, so a reader checks `struct_size` before touching a field that a newer minor
 *     added. The host rejects a plugin whose `abi_version` differs from
 *     PAPO_PLUGIN_ABI_VERSION or whose `struct_size` is smaller than the v1 table.
 *
 * Memory
 *   - Strings returned by the plugin (`invoke`'s result) are released by the host with the
 *     plugin's `free`. `manifest_json` is owned by the plugin and must stay valid forever.
 *   - Memory the host hands to the plugin (`kv_get`'s value, `kv_list`'s JSON) is released by
 *     the plugin with the host's `free`. Never mix the two allocators.
 *
 * Threads
 *   - `invoke` must be reentrant: the host runs calls on a pool of threads that are not Swift's
 *     cooperative pool, so blocking (file or network I/O, storage calls) is allowed.
 *   - The host enforces a per-tool timeout. An in-process plugin that overruns keeps its
 *     thread but its result is discarded; an isolated one is killed. Write tools that finish.
 */
#ifndef PAPO_PLUGIN_H
#define PAPO_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI major version this header describes. */
#define PAPO_PLUGIN_ABI_VERSION 1u

/** The name of the entry symbol for this major version, for dlsym. */
#define PAPO_PLUGIN_ENTRY_SYMBOL "papo_plugin_entry_v1"

/** Log levels accepted by `papo_host_services.log`. */
typedef enum papo_log_level {
    PAPO_LOG_DEBUG = 0,
    PAPO_LOG_INFO = 1,
    PAPO_LOG_WARNING = 2,
    PAPO_LOG_ERROR = 3
} papo_log_level;

/** Status codes of the storage functions. */
typedef enum papo_status {
    PAPO_OK = 0,
    /** `kv_get` / `kv_delete`: there is no value under the key. */
    PAPO_NOT_FOUND = 1,
    /** The key is empty or longer than 512 bytes, or the value is over 1 MiB. */
    PAPO_INVALID = 2,
    /** The store failed (database down, ...); the tool should report an error. */
    PAPO_STORAGE_ERROR = 3,
    /** The call handle is not the one of a call in progress. */
    PAPO_BAD_CALL = 4
} papo_status;

/**
 * One tool call in progress, opaque to the plugin. The host passes it to `invoke`; the plugin
 * passes it back to every host service it uses during that call. It is what scopes storage to
 * the caller's tenant and plugin: a plugin cannot name another tenant. Invalid after `invoke`
 * returns.
 */
typedef struct papo_call papo_call;

/** Services the host offers to plugins. Valid for the life of the process. */
typedef struct papo_host_services {
    /** PAPO_PLUGIN_ABI_VERSION of the host. */
    uint32_t abi_version;
    /** sizeof(papo_host_services) as the host compiled it; check before reading newer fields. */
    uint32_t struct_size;

    /** Logs `message` (UTF-8) at `level`, tagged with the plugin, tenant and tool. */
    void (*log)(const papo_call *call, int32_t level, const char *message);

    /**
     * Reads the value under `key`. On PAPO_OK, `*out_value` holds `*out_length` bytes (plus a
     * NUL after them, so text values can be read as C strings) allocated by the host: release
     * them with `free`. On any other status nothing is allocated.
     */
    int32_t (*kv_get)(const papo_call *call, const char *key, char **out_value, size_t *out_length);

    /** Stores `length` bytes of `value` under `key`, replacing any previous value. */
    int32_t (*kv_put)(const papo_call *call, const char *key, const char *value, size_t length);

    /** Deletes `key`. PAPO_NOT_FOUND when there was nothing to delete. */
    int32_t (*kv_delete)(const papo_call *call, const char *key);

    /**
     * Lists the keys that start with `prefix` ("" for all), sorted, as a JSON array of strings
     * in `*out_json`, allocated by the host: release it with `free`.
     */
    int32_t (*kv_list)(const papo_call *call, const char *prefix, char **out_json);

    /** Releases memory the host allocated for the plugin. */
    void (*free)(void *pointer);
} papo_host_services;

/**
 * The table a plugin returns from its entry. It must stay valid for the life of the process
 * (a static or a never-freed allocation).
 */
typedef struct papo_plugin {
    /** Must be PAPO_PLUGIN_ABI_VERSION. */
    uint32_t abi_version;
    /** Must be sizeof(papo_plugin) as the plugin compiled it. */
    uint32_t struct_size;

    /**
     * The manifest, UTF-8 JSON:
     *
     *   {
     *     "name": "real-estate",              plugin name, [a-z0-9-], unique
     *     "version": "1.0.0",
     *     "description": "...",
     *     "tools": [{
     *       "name": "search_properties",      [a-z0-9_], unique across ALL plugins
     *       "description": "...",             what the model reads to decide to call it
     *       "parameters": { JSON Schema },    must be {"type": "object", ...}
     *       "timeout_ms": 5000                optional; the host's default otherwise
     *     }]
     *   }
     *
     * Schemas may use: type, description, properties, required, enum, minimum, maximum,
     * minLength, maxLength, items, additionalProperties (false). The host validates the
     * arguments against them before calling `invoke`.
     */
    const char *manifest_json;

    /**
     * Runs `tool` with `arguments_json` (a JSON object that already passed the tool's schema)
     * and `context_json`:
     *
     *   {
     *     "tenant_id": "...", "conversation_id": "..." or null,
     *     "customer": {"number": "+5511...", "name": "..." or null},
     *     "config": { the agent's per-capability config, or {} },
     *     "now": "2025-03-14T12:00:00Z"       the host's clock; use it instead of time()
     *   }
     *
     * Returns a JSON value allocated by the plugin (released with `free`). A failure the model
     * should read is an object with an "error" member: {"error": "message"}. NULL means the
     * plugin itself failed; the host reports that to the model as an error.
     */
    char *(*invoke)(const papo_call *call, const char *tool, const char *arguments_json,
                    const char *context_json);

    /** Releases a string returned by `invoke`. */
    void (*free)(char *pointer);
} papo_plugin;

/** The signature of the entry symbol. `host` is valid for the life of the process. */
typedef const papo_plugin *(*papo_plugin_entry_v1_fn)(const papo_host_services *host);

#ifdef __cplusplus
}
#endif

#endif /* PAPO_PLUGIN_H */
