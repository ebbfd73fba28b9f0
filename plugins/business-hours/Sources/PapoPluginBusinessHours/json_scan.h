/* Just enough JSON reading for this plugin: find members and string elements without building
 * a tree. Inputs are the host's well-formed JSON; malformed input yields "not found". */
#ifndef JSON_SCAN_H
#define JSON_SCAN_H
#include <stddef.h>

/* The start of member `key`'s value in the object at `object`, or NULL. */
const char *json_member(const char *object, const char *key);
/* Copies member `key`'s string value (unescaped, ASCII escapes only) into `out`; 1 on success. */
int json_member_string(const char *object, const char *key, char *out, size_t size);
/* Copies element `index` of the array at `array` when it is a string; 1 on success. */
int json_element_string(const char *array, int index, char *out, size_t size);

#endif
