/* UTC offsets from the system's TZif time zone files. */
#ifndef TZIF_H
#define TZIF_H

/* Writes the UTC offset in seconds of zone `name` (e.g. "America/Sao_Paulo") at Unix time
 * `when` into `*offset`; 0 on success. After the file's last transition the last offset holds,
 * which is exact for zones without daylight saving today (all of Brazil since 2019); zones
 * whose current DST lives only in the footer rule get their last explicit offset. */
int tzif_offset(const char *name, long long when, long *offset);

#endif
