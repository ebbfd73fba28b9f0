#ifndef PAPO_CCURL_SHIM_H
#define PAPO_CCURL_SHIM_H

#include <curl/curl.h>
#include <arpa/inet.h>
#include <string.h>

/*
 * curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are C variadic
 * functions, which Swift cannot call. Each wrapper below fixes the type of the
 * variadic argument, so the value reaches libcurl with the width it expects
 * (long, pointer, curl_off_t or function pointer).
 */

/* The shape of CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and CURLOPT_READFUNCTION. */
typedef size_t (*papo_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

/* The shape of CURLOPT_XFERINFOFUNCTION. */
typedef int (*papo_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                           curl_off_t ultotal, curl_off_t ulnow);

/* CURL_GLOBAL_DEFAULT is a macro built from other macros; give Swift a plain constant. */
static inline long papo_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

static inline CURLcode papo_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode papo_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode papo_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode papo_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode papo_curl_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                           papo_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode papo_curl_easy_setopt_xferinfo_callback(CURL *handle, CURLoption option,
                                                               papo_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode papo_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode papo_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode papo_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    char *raw = NULL;
    CURLcode code = curl_easy_getinfo(handle, info, &raw);
    *value = raw;
    return code;
}

static inline CURLcode papo_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/*
 * Whether an IPv4 address (network byte order) is one a request on behalf of a tenant must not
 * reach: "this" network, private (RFC 1918), carrier-grade NAT, loopback, link-local (cloud
 * metadata lives there), IETF protocol assignments, benchmarking, multicast and reserved.
 */
static inline int papo_ipv4_is_internal(const unsigned char *a) {
    return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
           (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
           (a[0] == 192 && a[1] == 0 && a[2] == 0) || (a[0] == 192 && a[1] == 168) ||
           (a[0] == 198 && (a[1] & 0xFE) == 18) || a[0] >= 224;
}

/* The same for a textual IPv4 or IPv6 address; an address that does not parse counts as internal. */
static inline int papo_address_is_internal(const char *text) {
    unsigned char v4[4];
    unsigned char v6[16];
    if (text == NULL) return 1;
    if (inet_pton(AF_INET, text, v4) == 1) return papo_ipv4_is_internal(v4);
    if (inet_pton(AF_INET6, text, v6) != 1) return 1;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (memcmp(v6, mapped, 12) == 0) return papo_ipv4_is_internal(v6 + 12); /* ::ffff:a.b.c.d */
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp(v6, nat64, 12) == 0) return papo_ipv4_is_internal(v6 + 12);   /* 64:ff9b::a.b.c.d */
    static const unsigned char zero[15] = {0};
    if (memcmp(v6, zero, 15) == 0) return 1;                       /* :: and ::1 */
    if ((v6[0] & 0xFE) == 0xFC) return 1;                          /* fc00::/7 unique local */
    if (v6[0] == 0xFE && (v6[1] & 0xC0) == 0x80) return 1;         /* fe80::/10 link-local */
    if (v6[0] == 0xFF) return 1;                                   /* ff00::/8 multicast */
    return 0;
}

/*
 * CURLOPT_PREREQFUNCTION: runs once the connection is made (after DNS, so a name that resolves
 * to an internal address is caught however it was written) and before the request is sent.
 * `flag` is set so the caller can tell this refusal from other aborts.
 */
static inline int papo_curl_refuse_internal(void *flag, char *primary_ip, char *local_ip, int primary_port,
                                            int local_port) {
    (void)local_ip;
    (void)primary_port;
    (void)local_port;
    if (!papo_address_is_internal(primary_ip)) return CURL_PREREQFUNC_OK;
    *(int *)flag = 1;
    return CURL_PREREQFUNC_ABORT;
}

/* Installs papo_curl_refuse_internal with `flag` as its data. */
static inline CURLcode papo_curl_easy_refuse_internal_addresses(CURL *handle, int *flag) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, papo_curl_refuse_internal);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_PREREQDATA, (void *)flag);
}

static inline CURLMcode papo_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

#endif
