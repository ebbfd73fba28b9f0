/*
 * business-hours: a capability plugin written in plain C, to prove the ABI is language-neutral.
 *
 * Tool `business_hours`: is the business open now (or at `at`) in the configured timezone, and
 * when does it open next. Config (from the agent template):
 *   {"timezone": "America/Sao_Paulo",
 *    "weekly": {"mon": ["09:00-18:00"], ..., "sun": []},
 *    "holidays": "br-national"}           optional; national holidays incl. Good Friday
 *
 * Time zones come from the system's TZif files (/usr/share/zoneinfo), read directly because
 * setenv("TZ") + localtime is not thread-safe and the host calls plugins from many threads.
 */
#include <papo_plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_scan.h"
#include "tzif.h"

static const char *const day_keys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil_from_days(long long z, int *y, int *m, int *d) {
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static long long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* Brazilian national holidays, with Good Friday from the Gregorian Easter computus. */
static int is_br_holiday(int y, int m, int d) {
    static const int fixed[][2] = {{1, 1}, {4, 21}, {5, 1}, {9, 7}, {10, 12}, {11, 2}, {11, 15}, {11, 20}, {12, 25}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i][0] == m && fixed[i][1] == d && !(m == 11 && d == 20 && y < 2024)) return 1;
    int a = y % 19, b = y / 100, c = y % 100, dd = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - dd - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int mm = (a + 11 * h + 22 * l) / 451;
    int easter_month = (h + l - 7 * mm + 114) / 31, easter_day = ((h + l - 7 * mm + 114) % 31) + 1;
    return days_from_civil(y, m, d) == days_from_civil(y, easter_month, easter_day) - 2;
}

/* Parses "2025-03-14T15:00:00Z" (UTC) into Unix seconds; -1 when malformed. */
static long long parse_utc(const char *text) {
    int y, mo, d, h, mi, s = 0;
    if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 5) return -1;
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* The day's intervals as minutes since midnight; returns how many (at most max). */
static int day_intervals(const char *weekly, int weekday, int starts[], int ends[], int max) {
    const char *list = weekly ? json_member(weekly, day_keys[weekday]) : NULL;
    int count = 0;
    char text[32];
    for (int index = 0; list && count < max && json_element_string(list, index, text, sizeof text); index++) {
        int h1, m1, h2, m2;
        if (sscanf(text, "%d:%d-%d:%d", &h1, &m1, &h2, &m2) == 4) {
            starts[count] = h1 * 60 + m1;
            ends[count] = h2 * 60 + m2;
            count++;
        }
    }
    return count;
}

static char *error_result(const char *message) {
    char *result = malloc(strlen(message) + 16);
    sprintf(result, "{\"error\":\"%s\"}", message);
    return result;
}

static char *invoke(const papo_call *call, const char *tool, const char *arguments, const char *context) {
    (void)call;
    if (strcmp(tool, "business_hours") != 0) return error_result("unknown tool");
    const char *config = json_member(context, "config");
    char timezone[128] = "America/Sao_Paulo", holidays[32] = "", now_text[40] = "";
    if (config) json_member_string(config, "timezone", timezone, sizeof timezone);
    if (config) json_member_string(config, "holidays", holidays, sizeof holidays);
    if (!json_member_string(arguments, "at", now_text, sizeof now_text))
        json_member_string(context, "now", now_text, sizeof now_text);
    const char *weekly = config ? json_member(config, "weekly") : NULL;
    if (!weekly) return error_result("config.weekly is missing: set the opening hours in the agent template");
    long long now = parse_utc(now_text);
    if (now < 0) return error_result("the time is not in the form YYYY-MM-DDTHH:MM:SSZ");
    long offset;
    if (tzif_offset(timezone, now, &offset) != 0) return error_result("unknown timezone");

    long long local = now + offset;
    long long day = local / 86400 - (local % 86400 < 0);
    int minute = (int)((local - day * 86400) / 60);
    int y, m, d, starts[8], ends[8];
    civil_from_days(day, &y, &m, &d);
    int weekday = (int)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
    int holiday = strcmp(holidays, "br-national") == 0 && is_br_holiday(y, m, d);
    int count = holiday ? 0 : day_intervals(weekly, weekday, starts, ends, 8);
    int open = 0, closes = 0;
    for (int i = 0; i < count; i++)
        if (minute >= starts[i] && minute < ends[i]) { open = 1; closes = ends[i]; }

    char next[40] = "null";
    if (!open) {
        for (int ahead = 0; ahead <= 14 && strcmp(next, "null") == 0; ahead++) {
            int ny, nm, nd, nstarts[8], nends[8];
            civil_from_days(day + ahead, &ny, &nm, &nd);
            if (strcmp(holidays, "br-national") == 0 && is_br_holiday(ny, nm, nd)) continue;
            int n = day_intervals(weekly, (weekday + ahead) % 7, nstarts, nends, 8);
            int best = -1;
            for (int i = 0; i < n; i++)
                if ((ahead > 0 || nstarts[i] > minute) && (best < 0 || nstarts[i] < best)) best = nstarts[i];
            if (best >= 0) snprintf(next, sizeof next, "\"%04d-%02d-%02d %02d:%02d\"", ny, nm, nd, best / 60, best % 60);
        }
    }
    char closes_at[16] = "null";
    if (open) snprintf(closes_at, sizeof closes_at, "\"%02d:%02d\"", closes / 60, closes % 60);
    char *result = malloc(512);
    snprintf(result, 512,
             "{\"open\":%s,\"timezone\":\"%s\",\"local_time\":\"%04d-%02d-%02d %02d:%02d\",\"weekday\":\"%s\","
             "\"holiday\":%s,\"closes_at\":%s,\"next_opening\":%s}",
             open ? "true" : "false", timezone, y, m, d, minute / 60, minute % 60, day_keys[weekday],
             holiday ? "true" : "false", closes_at, next);
    return result;
}

static void release(char *pointer) { free(pointer); }

static const papo_plugin table = {
    .abi_version = PAPO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(papo_plugin),
    .manifest_json =
        "{\"name\":\"business-hours\",\"version\":\"1.0.0\","
        "\"description\":\"Opening hours in the business's timezone, written in C.\","
        "\"tools\":[{\"name\":\"business_hours\","
        "\"description\":\"Diz se a empresa está aberta agora no fuso horário dela e quando abre de novo.\","
        "\"parameters\":{\"type\":\"object\",\"properties\":{\"at\":{\"type\":\"string\","
        "\"description\":\"Outro instante a consultar, em UTC: AAAA-MM-DDTHH:MM:SSZ\",\"minLength\":20,"
        "\"maxLength\":20}},\"additionalProperties\":false},\"timeout_ms\":2000}]}",
    .invoke = invoke,
    .free = release,
};

const papo_plugin *papo_plugin_entry_v1(const papo_host_services *host) {
    (void)host;
    return &table;
}
