// libvips 8.14 as Debian packages it (libvips-dev). Its API takes options as C variadic
// arguments, which Swift cannot call; these wrappers fix the options Masthead uses.
#include <vips/vips.h>

/// Starts libvips once per process; 0 on success.
static inline int masthead_vips_start(void) {
    return VIPS_INIT("masthead");
}

/// The image in the file `path`, its header read and its pixels not (sequential access: they
/// would be decoded only when read, top to bottom); NULL when no loader knows the file.
static inline VipsImage *masthead_vips_open(const char *path) {
    return vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
}

/// Writes `image` to `path`, its format chosen by the suffix (tests make their images so).
static inline int masthead_vips_save(VipsImage *image, const char *path) {
    return vips_image_write_to_file(image, path, NULL);
}

/// A `width` × `height` image of `bands` bands, every pixel `value`.
static inline VipsImage *masthead_vips_flat(int width, int height, int bands, double value) {
    VipsImage *black = NULL;
    if (vips_black(&black, width, height, "bands", bands, NULL)) return NULL;
    VipsImage *flat = NULL;
    int failed = vips_linear1(black, &flat, 1.0, value, "uchar", TRUE, NULL);
    g_object_unref(black);
    return failed ? NULL : flat;
}

/// A copy of `image` with its EXIF orientation (1–8) set, which savers write out.
static inline VipsImage *masthead_vips_oriented(VipsImage *image, int orientation) {
    VipsImage *copy = NULL;
    if (vips_copy(image, &copy, NULL)) return NULL;
    vips_image_set_int(copy, VIPS_META_ORIENTATION, orientation);
    return copy;
}

static inline void masthead_vips_release(VipsImage *image) {
    g_object_unref(image);
}
