// The ABI is a header only; SwiftPM needs one source file to build a C target.
#include "papo_plugin.h"
