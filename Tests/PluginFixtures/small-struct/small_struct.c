// A plugin whose table claims to be smaller than the v1 layout: the host must reject it.
#include <papo_plugin.h>

static const papo_plugin table = {
    .abi_version = PAPO_PLUGIN_ABI_VERSION,
    .struct_size = 8,
};

const papo_plugin *papo_plugin_entry_v1(const papo_host_services *host) {
    (void)host;
    return &table;
}
