#ifndef PAPO_CCURL_SHIM_H
#define PAPO_CCURL_SHIM_H

#include <curl/curl.h>

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

static inline CURLMcode papo_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

#endif
