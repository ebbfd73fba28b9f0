// Tools that misbehave on purpose, to prove the host survives them:
// crash (abort), hang (sleeps far past any timeout), not_json, echo, and counter (storage).
#include <papo_plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const papo_host_services *services;

static char *invoke(const papo_call *call, const char *tool, const char *arguments, const char *context) {
    (void)context;
    if (strcmp(tool, "crash") == 0) abort();
    if (strcmp(tool, "hang") == 0) {
        sleep(30);
        return strdup("{\"late\":true}");
    }
    if (strcmp(tool, "not_json") == 0) return strdup("this is not json");
    if (strcmp(tool, "counter") == 0) {
        // Reads, increments and stores a number: proves storage works through the relay.
        char *value = NULL;
        size_t length = 0;
        long count = 0;
        if (services->kv_get(call, "count", &value, &length) == PAPO_OK) {
            count = strtol(value, NULL, 10);
            services->free(value);
        }
        count += 1;
        char text[32];
        int written = snprintf(text, sizeof text, "%ld", count);
        services->kv_put(call, "count", text, (size_t)written);
        services->log(call, PAPO_LOG_INFO, "counter incremented");
        char *result = malloc(64);
        snprintf(result, 64, "{\"count\":%ld,\"pid\":%ld}", count, (long)getpid());
        return result;
    }
    size_t size = strlen(arguments) + 64;
    char *result = malloc(size);
    snprintf(result, size, "{\"echo\":%s,\"pid\":%ld}", arguments, (long)getpid());
    return result;
}

static void release(char *pointer) { free(pointer); }

#define EMPTY_SCHEMA "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"

static const papo_plugin table = {
    .abi_version = PAPO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(papo_plugin),
    .manifest_json =
        "{\"name\":\"faulty\",\"version\":\"0.1.0\",\"description\":\"Misbehaving tools for tests\",\"tools\":["
        "{\"name\":\"crash\",\"description\":\"Aborts the process\",\"parameters\":" EMPTY_SCHEMA "},"
        "{\"name\":\"hang\",\"description\":\"Never answers in time\",\"parameters\":" EMPTY_SCHEMA
        ",\"timeout_ms\":300},"
        "{\"name\":\"not_json\",\"description\":\"Returns text that is not JSON\",\"parameters\":" EMPTY_SCHEMA "},"
        "{\"name\":\"counter\",\"description\":\"Counts calls in storage\",\"parameters\":" EMPTY_SCHEMA "},"
        "{\"name\":\"echo\",\"description\":\"Returns its arguments\",\"parameters\":{\"type\":\"object\","
        "\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":10},\"n\":{\"type\":\"integer\",\"minimum\":1}},"
        "\"required\":[\"text\"],\"additionalProperties\":false}}]}",
    .invoke = invoke,
    .free = release,
};

const papo_plugin *papo_plugin_entry_v1(const papo_host_services *host) {
    services = host;
    return &table;
}
