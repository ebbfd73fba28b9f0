// A plugin built for an ABI major the host does not speak: the host must reject it.
#include <papo_plugin.h>

static const papo_plugin table = {
    .abi_version = 99,
    .struct_size = sizeof(papo_plugin),
    .manifest_json = "{\"name\":\"bad-abi\",\"version\":\"1\",\"tools\":[]}",
};

const papo_plugin *papo_plugin_entry_v1(const papo_host_services *host) {
    (void)host;
    return &table;
}
