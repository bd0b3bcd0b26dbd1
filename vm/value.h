/* How Asy represents a value: one 64-bit word, NaN-boxed.
 *
 * A double is stored as its own bits. IEEE 754 leaves a huge space of NaN
 * bit patterns unused; every non-double lives there, in the patterns whose
 * top 16 bits are 0xFFF9..0xFFFC (negative quiet NaNs with a payload). The
 * hardware's own NaN (0xFFF8 0000 0000 0000 on x86, 0x7FF8... elsewhere)
 * never collides, and the few places that build a double from outside bits
 * canonicalise NaNs first (float_val) to the quiet NaN of their sign.
 * Each NaN float_val makes is numbered in the low bits of its payload (as
 * each is a new object in CPython), so `x is x` but not
 * `float('nan') is float('nan')`, and two NaNs are two dict keys; where a
 * double's bits are written out (struct, array, pickle, memoryview)
 * float_canon drops the number.
 *
 *   top 16 bits   meaning          low 48 bits
 *   < 0xFFF9      a double         (the rest of the double)
 *   0xFFF9        a small int      signed 48-bit integer
 *   0xFFFA        a constant       None, NotImplemented, Ellipsis, UNDEF, ERR
 *   0xFFFB        a bool           0 or 1
 *   0xFFFC        an object        pointer to an Obj (x86-64/arm64 user space
 *                                   pointers fit in 48 bits)
 *
 * Small ints cover [-2^47, 2^47); anything larger is a big int object, and
 * every operation that can overflow checks and promotes (int.c). So `int` is
 * one Python type with two representations; callers go through int.c.
 *
 * Two constants are not Python values at all: UNDEF marks an empty slot (an
 * unbound local, a deleted dict entry, "no value" in an argument), and ERR is
 * what a native returns after setting the pending exception (errors are
 * values: DESIGN decision 7).
 */
#ifndef ASY_VALUE_H
#define ASY_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t Value;
typedef struct Obj Obj;

#define VTAG_SHIFT 48
#define VTAG_INT 0xFFF9ull
#define VTAG_CONST 0xFFFAull
#define VTAG_BOOL 0xFFFBull
#define VTAG_OBJ 0xFFFCull
#define VTAG(v) ((v) >> VTAG_SHIFT)
#define VPAYLOAD_MASK 0x0000FFFFFFFFFFFFull

#define NONE_VAL ((Value)(VTAG_CONST << VTAG_SHIFT | 0))
#define NOTIMPL_VAL ((Value)(VTAG_CONST << VTAG_SHIFT | 1))
#define ELLIPSIS_VAL ((Value)(VTAG_CONST << VTAG_SHIFT | 2))
#define UNDEF ((Value)(VTAG_CONST << VTAG_SHIFT | 3))
#define ERR ((Value)(VTAG_CONST << VTAG_SHIFT | 4))
#define FALSE_VAL ((Value)(VTAG_BOOL << VTAG_SHIFT | 0))
#define TRUE_VAL ((Value)(VTAG_BOOL << VTAG_SHIFT | 1))

#define SMALL_INT_MAX ((int64_t)0x00007FFFFFFFFFFF)
#define SMALL_INT_MIN (-(int64_t)0x0000800000000000)

static inline bool is_float(Value v) { return v < (VTAG_INT << VTAG_SHIFT); }
static inline bool is_int(Value v) { return VTAG(v) == VTAG_INT; }   /* small ints only */
static inline bool is_bool(Value v) { return VTAG(v) == VTAG_BOOL; }
static inline bool is_obj(Value v) { return VTAG(v) == VTAG_OBJ; }
static inline bool is_none(Value v) { return v == NONE_VAL; }

static inline double as_float(Value v) { double d; memcpy(&d, &v, sizeof d); return d; }
static inline int64_t as_int(Value v) { return (int64_t)(v << 16) >> 16; }
static inline bool as_bool(Value v) { return v & 1; }
static inline Obj *as_obj(Value v) { return (Obj *)(uintptr_t)(v & VPAYLOAD_MASK); }

#define FLOAT_SIGN 0x8000000000000000ull
#define FLOAT_QNAN 0x7FF8000000000000ull
/* The NaN number: below 2^29, so that a float32 made of the NaN (which
 * keeps the payload's top bits) is the plain quiet NaN. */
#define NAN_SERIAL_MASK 0x1FFFFFFFull
extern uint64_t asy_nan_serial;

static inline Value float_val(double d) {
    Value v;
    memcpy(&v, &d, sizeof v);
    /* a NaN becomes a new quiet NaN of its sign (math.copysign sees it) */
    if (d != d) return (v & FLOAT_SIGN) | FLOAT_QNAN | (++asy_nan_serial & NAN_SERIAL_MASK);
    return v;
}

/* d as written out: a NaN without its number (CPython's float('nan')). */
static inline double float_canon(double d) {
    if (d == d) return d;
    Value v;
    memcpy(&v, &d, sizeof v);
    v = (v & FLOAT_SIGN) | FLOAT_QNAN;
    memcpy(&d, &v, sizeof d);
    return d;
}
static inline bool small_int_fits(int64_t i) { return i >= SMALL_INT_MIN && i <= SMALL_INT_MAX; }
/* Only for i known to fit (small_int_fits); use asy_int_from_i64 otherwise. */
static inline Value int_val(int64_t i) { return (VTAG_INT << VTAG_SHIFT) | ((uint64_t)i & VPAYLOAD_MASK); }
static inline Value bool_val(bool b) { return b ? TRUE_VAL : FALSE_VAL; }
static inline Value obj_val(const void *o) { return (VTAG_OBJ << VTAG_SHIFT) | (uint64_t)(uintptr_t)o; }

/* memcpy for value arrays that may be empty (and NULL). */
static inline void copy_values(Value *dst, const Value *src, int64_t n) {
    if (n > 0) memcpy(dst, src, (size_t)n * sizeof(Value));
}

#endif
