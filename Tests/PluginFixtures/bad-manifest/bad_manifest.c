// A plugin whose tool schema is not an object schema: the host must skip it with the reason.
#include <papo_plugin.h>
#include <stdlib.h>
#include <string.h>

static char *invoke(const papo_call *call, const char *tool, const char *arguments, const char *context) {
    (void)call; (void)tool; (void)arguments; (void)context;
    return strdup("{}");
}

static void release(char *pointer) { free(pointer); }

static const papo_plugin table = {
    .abi_version = PAPO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(papo_plugin),
    .manifest_json = "{\"name\":\"bad-manifest\",\"version\":\"1.0.0\",\"tools\":[{\"name\":\"broken\","
                     "\"description\":\"A tool with a string schema\",\"parameters\":{\"type\":\"string\"}}]}",
    .invoke = invoke,
    .free = release,
};

const papo_plugin *papo_plugin_entry_v1(const papo_host_services *host) {
    (void)host;
    return &table;
}
