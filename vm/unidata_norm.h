/* Unicode normalization forms over code point arrays (see unidata_norm.c). */
#ifndef ASY_UNIDATA_NORM_H
#define ASY_UNIDATA_NORM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cps[0..n) in NFD (compat false, composed false), NFC (composed), NFKD
 * (compat) or NFKC (both): a malloc'd array of *out_n code points, or NULL
 * when memory ran out. */
uint32_t *unidata_normalize(const uint32_t *cps, size_t n, bool compat, bool composed, size_t *out_n);
#endif
