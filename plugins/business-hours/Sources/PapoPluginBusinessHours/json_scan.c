#include "json_scan.h"
#include <string.h>

static const char *skip_space(const char *p) {
    while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* Past the end of the string starting at the quote `p`, or NULL. */
static const char *skip_string(const char *p) {
    for (p++; *p; p++) {
        if (*p == '\\') { if (!*++p) return NULL; }
        else if (*p == '"') return p + 1;
    }
    return NULL;
}

/* Past the end of the value starting at `p`, or NULL. */
static const char *skip_value(const char *p) {
    p = skip_space(p);
    if (!p || !*p) return NULL;
    if (*p == '"') return skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') { p = skip_string(p); if (!p) return NULL; continue; }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') { if (--depth == 0) return p + 1; }
            p++;
        }
        return NULL;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']') p++;
    return p;
}

static int copy_string(const char *p, char *out, size_t size) {
    p = skip_space(p);
    if (!p || *p != '"' || size == 0) return 0;
    size_t n = 0;
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            c = *++p;
            if (c == 'n') c = '\n'; else if (c == 't') c = '\t'; else if (c == 'u' || !c) return 0;
        }
        if (n + 1 >= size) return 0;
        out[n++] = c;
    }
    out[n] = 0;
    return *p == '"';
}

const char *json_member(const char *object, const char *key) {
    const char *p = skip_space(object);
    if (!p || *p != '{') return NULL;
    size_t length = strlen(key);
    p = skip_space(p + 1);
    while (p && *p == '"') {
        const char *name = p + 1, *end = skip_string(p);
        if (!end) return NULL;
        p = skip_space(end);
        if (*p != ':') return NULL;
        p = skip_space(p + 1);
        if ((size_t)(end - 1 - name) == length && strncmp(name, key, length) == 0) return p;
        p = skip_space(skip_value(p));
        if (!p || *p != ',') return NULL;
        p = skip_space(p + 1);
    }
    return NULL;
}

int json_member_string(const char *object, const char *key, char *out, size_t size) {
    const char *value = object ? json_member(object, key) : NULL;
    return value ? copy_string(value, out, size) : 0;
}

int json_element_string(const char *array, int index, char *out, size_t size) {
    const char *p = skip_space(array);
    if (!p || *p != '[') return 0;
    p = skip_space(p + 1);
    for (int i = 0; p && *p && *p != ']'; i++) {
        if (i == index) return copy_string(p, out, size);
        p = skip_space(skip_value(p));
        if (!p || *p != ',') return 0;
        p = skip_space(p + 1);
    }
    return 0;
}
