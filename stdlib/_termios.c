/* _termios: the POSIX terminal calls under termios (stdlib/termios.asy,
 * which raises termios.error for the OSErrors these give): tcgetattr,
 * tcsetattr, tcsendbreak, tcdrain, tcflush, tcflow, tcgetwinsize,
 * tcsetwinsize, and the constants of <termios.h> and <sys/ioctl.h> that
 * CPython's termios has on Linux. */
#include <errno.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "../vm/bytes.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

/* termios.asy passes descriptors already turned into ints. */
static bool fd_arg(VM *vm, Value v, int *fd) {
    long n;
    if (!procargs_long(vm, v, &n)) return false;
    *fd = (int)n;
    return true;
}

static Value os_err(VM *vm) { return procargs_oserror(vm, errno, UNDEF, UNDEF); }

/* [iflag, oflag, cflag, lflag, ispeed, ospeed, cc]: cc's items are 1-byte
 * bytes, but VMIN and VTIME are ints when the terminal is not canonical. */
static Value t_tcgetattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "tcgetattr", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    struct termios t;
    if (tcgetattr(fd, &t) < 0) return os_err(vm);
    ObjList *cc = list_new(vm, 0);
    if (!cc || !vm_push_root(vm, obj_val(cc))) return ERR;
    for (int i = 0; i < NCCS; i++) {
        bool number = !(t.c_lflag & ICANON) && (i == VMIN || i == VTIME);
        uint8_t ch = t.c_cc[i];
        Value item = number ? int_val(ch) : bytes_new(vm, &ch, 1);
        if (item == ERR || list_append(vm, cc, item) < 0) {
            vm_pop_roots(vm, 1);
            return ERR;
        }
    }
    ObjList *out = list_new(vm, 0);
    Value items[7] = {int_val(t.c_iflag), int_val(t.c_oflag), int_val(t.c_cflag), int_val(t.c_lflag),
                      int_val(cfgetispeed(&t)), int_val(cfgetospeed(&t)), obj_val(cc)};
    bool ok = out != NULL;
    for (int i = 0; ok && i < 7; i++) ok = list_append(vm, out, items[i]) >= 0;
    vm_pop_roots(vm, 1);
    return ok ? obj_val(out) : ERR;
}

static Value t_tcsetattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    long when;
    if (!args_check(vm, "tcsetattr", nargs, kw, 3, 3) || !fd_arg(vm, args[0], &fd) || !procargs_long(vm, args[1], &when))
        return ERR;
    Value attrs = args[2];
    if (!is_kind(attrs, OBJ_LIST) || AS(ObjList, attrs)->len != 7)
        return exc_raise(vm, E_TypeError, "tcsetattr, arg 3: must be 7 element list");
    struct termios t;
    if (tcgetattr(fd, &t) < 0) return os_err(vm);
    Value *it = AS(ObjList, attrs)->items;
    long f[6];
    for (int i = 0; i < 6; i++)
        if (!procargs_long(vm, it[i], &f[i])) return ERR;
    t.c_iflag = (tcflag_t)f[0];
    t.c_oflag = (tcflag_t)f[1];
    t.c_cflag = (tcflag_t)f[2];
    t.c_lflag = (tcflag_t)f[3];
    Value cc = it[6];
    if (!is_kind(cc, OBJ_LIST) || AS(ObjList, cc)->len != NCCS)
        return exc_raise(vm, E_TypeError, "tcsetattr: attributes[6] must be %d element list", NCCS);
    for (int i = 0; i < NCCS; i++) {
        Value v = AS(ObjList, cc)->items[i];
        long n;
        if (is_kind(v, OBJ_BYTES) && AS(ObjBytes, v)->len == 1) t.c_cc[i] = AS(ObjBytes, v)->data[0];
        else if (is_intlike(v) && procargs_long(vm, v, &n)) t.c_cc[i] = (cc_t)n;
        else {
            if (vm->exc != UNDEF) vm->exc = UNDEF;
            return exc_raise(vm, E_TypeError, "tcsetattr: elements of attributes must be characters or integers");
        }
    }
    if (cfsetispeed(&t, (speed_t)f[4]) < 0 || cfsetospeed(&t, (speed_t)f[5]) < 0) return os_err(vm);
    if (tcsetattr(fd, (int)when, &t) < 0) return os_err(vm);
    return NONE_VAL;
}

/* tcsendbreak, tcflush and tcflow: a descriptor and one int. */
static Value fd_int_call(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw, int (*fn)(int, int)) {
    int fd;
    long n;
    if (!args_check(vm, name, nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd) || !procargs_long(vm, args[1], &n))
        return ERR;
    return fn(fd, (int)n) < 0 ? os_err(vm) : NONE_VAL;
}

static Value t_tcsendbreak(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return fd_int_call(vm, "tcsendbreak", args, nargs, kw, tcsendbreak);
}

static Value t_tcflush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return fd_int_call(vm, "tcflush", args, nargs, kw, tcflush);
}

static Value t_tcflow(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return fd_int_call(vm, "tcflow", args, nargs, kw, tcflow);
}

static Value t_tcdrain(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "tcdrain", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    return tcdrain(fd) < 0 ? os_err(vm) : NONE_VAL;
}

static Value t_tcgetwinsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "tcgetwinsize", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) < 0) return os_err(vm);
    ObjTuple *t = tuple_from(vm, (Value[]){int_val(w.ws_row), int_val(w.ws_col)}, 2);
    return t ? obj_val(t) : ERR;
}

static Value t_tcsetwinsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "tcsetwinsize", nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd)) return ERR;
    Value size = args[1];
    Value *items = NULL;
    if (is_kind(size, OBJ_TUPLE) && AS(ObjTuple, size)->len == 2) items = AS(ObjTuple, size)->items;
    else if (is_kind(size, OBJ_LIST) && AS(ObjList, size)->len == 2) items = AS(ObjList, size)->items;
    if (!items) return exc_raise(vm, E_TypeError, "tcsetwinsize, arg 2: must be a two-item sequence");
    long rows, cols;
    if (!procargs_long(vm, items[0], &rows) || !procargs_long(vm, items[1], &cols)) return ERR;
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) < 0) return os_err(vm);
    if (rows < 0 || rows > 65535 || cols < 0 || cols > 65535)
        return exc_raise(vm, E_OverflowError, "winsize value(s) out of range.");
    w.ws_row = (unsigned short)rows;
    w.ws_col = (unsigned short)cols;
    return ioctl(fd, TIOCSWINSZ, &w) < 0 ? os_err(vm) : NONE_VAL;
}

bool mod__termios_init(VM *vm, ObjModule *m) {
#define C(name) {#name, (long)(name)},
    static const struct { const char *name; long value; } consts[] = {
    C(B0) C(B1000000) C(B110) C(B115200) C(B1152000) C(B1200) C(B134) C(B150) C(B1500000) C(B1800) C(B19200) C(B200)
    C(B2000000) C(B230400) C(B2400) C(B2500000) C(B300) C(B3000000) C(B3500000) C(B38400) C(B4000000) C(B460800)
    C(B4800) C(B50) C(B500000) C(B57600) C(B576000) C(B600) C(B75) C(B921600) C(B9600) C(BRKINT) C(BS0) C(BS1)
    C(BSDLY) C(CBAUD) C(CBAUDEX) C(CDSUSP) C(CEOF) C(CEOL) C(CEOT) C(CERASE) C(CFLUSH) C(CIBAUD) C(CINTR) C(CKILL)
    C(CLNEXT) C(CLOCAL) C(CQUIT) C(CR0) C(CR1) C(CR2) C(CR3) C(CRDLY) C(CREAD) C(CRPRNT) C(CRTSCTS) C(CS5) C(CS6)
    C(CS7) C(CS8) C(CSIZE) C(CSTART) C(CSTOP) C(CSTOPB) C(CSUSP) C(CWERASE) C(ECHO) C(ECHOCTL) C(ECHOE) C(ECHOK)
    C(ECHOKE) C(ECHONL) C(ECHOPRT) C(EXTA) C(EXTB) C(FF0) C(FF1) C(FFDLY) C(FIOASYNC) C(FIOCLEX) C(FIONBIO)
    C(FIONCLEX) C(FIONREAD) C(FLUSHO) C(HUPCL) C(ICANON) C(ICRNL) C(IEXTEN) C(IGNBRK) C(IGNCR) C(IGNPAR) C(IMAXBEL)
    C(INLCR) C(INPCK) C(IOCSIZE_MASK) C(IOCSIZE_SHIFT) C(ISIG) C(ISTRIP) C(IUCLC) C(IXANY) C(IXOFF) C(IXON) C(NCC)
    C(NCCS) C(NL0) C(NL1) C(NLDLY) C(NOFLSH) C(N_MOUSE) C(N_PPP) C(N_SLIP) C(N_STRIP) C(N_TTY) C(OCRNL) C(OFDEL)
    C(OFILL) C(OLCUC) C(ONLCR) C(ONLRET) C(ONOCR) C(OPOST) C(PARENB) C(PARMRK) C(PARODD) C(PENDIN) C(TAB0) C(TAB1)
    C(TAB2) C(TAB3) C(TABDLY) C(TCFLSH) C(TCGETA) C(TCGETS) C(TCIFLUSH) C(TCIOFF) C(TCIOFLUSH) C(TCION) C(TCOFLUSH)
    C(TCOOFF) C(TCOON) C(TCSADRAIN) C(TCSAFLUSH) C(TCSANOW) C(TCSBRK) C(TCSBRKP) C(TCSETA) C(TCSETAF) C(TCSETAW)
    C(TCSETS) C(TCSETSF) C(TCSETSW) C(TCXONC) C(TIOCCONS) C(TIOCEXCL) C(TIOCGETD) C(TIOCGICOUNT) C(TIOCGLCKTRMIOS)
    C(TIOCGPGRP) C(TIOCGSERIAL) C(TIOCGSOFTCAR) C(TIOCGWINSZ) C(TIOCINQ) C(TIOCLINUX) C(TIOCMBIC) C(TIOCMBIS)
    C(TIOCMGET) C(TIOCMIWAIT) C(TIOCMSET) C(TIOCM_CAR) C(TIOCM_CD) C(TIOCM_CTS) C(TIOCM_DSR) C(TIOCM_DTR)
    C(TIOCM_LE) C(TIOCM_RI) C(TIOCM_RNG) C(TIOCM_RTS) C(TIOCM_SR) C(TIOCM_ST) C(TIOCNOTTY) C(TIOCNXCL) C(TIOCOUTQ)
    C(TIOCPKT) C(TIOCPKT_DATA) C(TIOCPKT_DOSTOP) C(TIOCPKT_FLUSHREAD) C(TIOCPKT_FLUSHWRITE) C(TIOCPKT_NOSTOP)
    C(TIOCPKT_START) C(TIOCPKT_STOP) C(TIOCSCTTY) C(TIOCSERCONFIG) C(TIOCSERGETLSR) C(TIOCSERGETMULTI)
    C(TIOCSERGSTRUCT) C(TIOCSERGWILD) C(TIOCSERSETMULTI) C(TIOCSERSWILD) C(TIOCSER_TEMT) C(TIOCSETD)
    C(TIOCSLCKTRMIOS) C(TIOCSPGRP) C(TIOCSSERIAL) C(TIOCSSOFTCAR) C(TIOCSTI) C(TIOCSWINSZ) C(TOSTOP) C(VDISCARD)
    C(VEOF) C(VEOL) C(VEOL2) C(VERASE) C(VINTR) C(VKILL) C(VLNEXT) C(VMIN) C(VQUIT) C(VREPRINT) C(VSTART) C(VSTOP)
    C(VSUSP) C(VSWTC) {"VSWTCH", VSWTC}, C(VT0) C(VT1) C(VTDLY) C(VTIME) C(VWERASE) C(XCASE) C(XTABS)
    };
#undef C
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        Value v = int_from_i64(vm, consts[i].value);
        if (v == ERR || !module_add_value(vm, m, consts[i].name, v)) return false;
    }
    return module_add_native(vm, m, "tcgetattr", t_tcgetattr) && module_add_native(vm, m, "tcsetattr", t_tcsetattr) &&
           module_add_native(vm, m, "tcsendbreak", t_tcsendbreak) && module_add_native(vm, m, "tcdrain", t_tcdrain) &&
           module_add_native(vm, m, "tcflush", t_tcflush) && module_add_native(vm, m, "tcflow", t_tcflow) &&
           module_add_native(vm, m, "tcgetwinsize", t_tcgetwinsize) &&
           module_add_native(vm, m, "tcsetwinsize", t_tcsetwinsize);
}
