// zlib, as Debian packages it (zlib1g-dev): article plaintext is stored deflated, and large
// responses are sent gzipped.
#include <zlib.h>

// zlib's init functions are macros Swift cannot call: a gzip stream (window bits 15, plus 16
// for the gzip wrapper) at `level`, with zlib's default memory level.
static inline int masthead_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

// An inflating stream that reads a gzip stream.
static inline int masthead_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
