// libvips 8.14 as Debian packages it (libvips-dev). Its API takes options as C variadic
// arguments, which Swift cannot call; these wrappers fix the options Masthead uses.
#include <vips/vips.h>

/// Starts libvips once per process; 0 on success. Its operation cache is turned off (a
/// load cached by file name would answer for another file later written under that name),
/// and of its loaders only those Masthead names stay unblocked, as well as every operation
/// libvips marks untrusted being blocked.
static inline int masthead_vips_start(void) {
    if (VIPS_INIT("masthead")) return -1;
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadJpegFile", FALSE);
    vips_operation_block_set("VipsForeignLoadPngFile", FALSE);
    vips_operation_block_set("VipsForeignLoadWebpFile", FALSE);
    vips_operation_block_set("VipsForeignLoadNsgifFile", FALSE);
    vips_operation_block_set("VipsForeignLoadHeifFile", FALSE);
    return 0;
}

/// The image in the file `path`, read by the loader named `loader` ("jpegload", "pngload",
/// …) alone: its header read, its pixels not (sequential access: they would be decoded only
/// when read, top to bottom). No other loader's sniffer runs, the name is not parsed for
/// options, and nothing is cached. NULL when the loader refuses the file.
static inline VipsImage *masthead_vips_open(const char *loader, const char *path) {
    VipsOperation *operation = vips_operation_new(loader);
    if (!operation) return NULL;
    if (vips_object_set(VIPS_OBJECT(operation), "filename", path, "access", VIPS_ACCESS_SEQUENTIAL, NULL)
        || vips_object_build(VIPS_OBJECT(operation))) {
        vips_object_unref_outputs(VIPS_OBJECT(operation));
        g_object_unref(operation);
        return NULL;
    }
    VipsImage *image = NULL;
    g_object_get(operation, "out", &image, NULL);
    vips_object_unref_outputs(VIPS_OBJECT(operation));
    g_object_unref(operation);
    return image;
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
