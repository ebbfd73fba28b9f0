#include "tzif.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long be(const unsigned char *p, int bytes) {
    unsigned long long value = 0;
    for (int i = 0; i < bytes; i++) value = (value << 8) | p[i];
    if (bytes == 4) return (long long)(int)(unsigned)value;
    return (long long)value;
}

int tzif_offset(const char *name, long long when, long *offset) {
    if (strcmp(name, "UTC") == 0) { *offset = 0; return 0; }
    /* No path tricks: a zone name is letters, digits, '_', '-', '+' and single '/'. */
    if (strstr(name, "..") || name[0] == '/' || strlen(name) > 64) return -1;
    char path[128];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *file = fopen(path, "rb");
    if (!file) return -1;
    unsigned char *data = malloc(1 << 17);
    size_t size = fread(data, 1, 1 << 17, file);
    fclose(file);
    int status = -1;
    const unsigned char *p = data;
    if (size < 44 || memcmp(p, "TZif", 4) != 0) goto done;
    int wide = p[4] >= '2';
    for (int pass = 0; pass < (wide ? 2 : 1); pass++) {
        long long isutcnt = be(p + 20, 4), isstdcnt = be(p + 24, 4), leapcnt = be(p + 28, 4);
        long long timecnt = be(p + 32, 4), typecnt = be(p + 36, 4), charcnt = be(p + 40, 4);
        int tsize = pass == 0 ? 4 : 8;
        const unsigned char *times = p + 44, *indices = times + timecnt * tsize, *types = indices + timecnt;
        size_t block = 44 + timecnt * tsize + timecnt + typecnt * 6 + charcnt + leapcnt * (tsize + 4) + isstdcnt + isutcnt;
        if ((size_t)(p - data) + block > size || typecnt == 0) goto done;
        if (wide && pass == 0) { p += block; continue; } /* prefer the 64-bit block */
        int type = 0;
        /* Before the first transition: the first standard-time type. */
        for (long long i = 0; i < typecnt; i++) if (!types[i * 6 + 4]) { type = (int)i; break; }
        for (long long i = 0; i < timecnt; i++) {
            if (be(times + i * tsize, tsize) > when) break;
            type = indices[i];
        }
        if (type >= typecnt) goto done;
        *offset = (long)be(types + type * 6, 4);
        status = 0;
        break;
    }
done:
    free(data);
    return status;
}
