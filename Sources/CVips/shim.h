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
    // One thread per image: the server bounds how many are made at once (one per core), and
    // libvips' own threads on top would let a few renders take every core from requests.
    vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadJpegFile", FALSE);
    vips_operation_block_set("VipsForeignLoadPngFile", FALSE);
    vips_operation_block_set("VipsForeignLoadWebpFile", FALSE);
    vips_operation_block_set("VipsForeignLoadNsgifFile", FALSE);
    vips_operation_block_set("VipsForeignLoadHeifFile", FALSE);
    return 0;
}

/// `masthead_vips_open` (below), a JPEG shrunk by `shrink` (1, 2, 4 or 8) while it is decoded.
static inline VipsImage *masthead_vips_load_shrunk(const char *loader, const char *path, int shrink) {
    VipsOperation *operation = vips_operation_new(loader);
    if (!operation) return NULL;
    int failed = vips_object_set(VIPS_OBJECT(operation), "filename", path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!failed && shrink > 1 && g_str_equal(loader, "jpegload"))
        failed = vips_object_set(VIPS_OBJECT(operation), "shrink", shrink, NULL);
    if (failed || vips_object_build(VIPS_OBJECT(operation))) {
        vips_object_unref_outputs(VIPS_OBJECT(operation));
        g_object_unref(operation);
        return NULL;
    }
    VipsImage *loaded = NULL;
    g_object_get(operation, "out", &loaded, NULL);
    vips_object_unref_outputs(VIPS_OBJECT(operation));
    g_object_unref(operation);
    return loaded;
}

/// The image in the file `path`, read by the loader named `loader` ("jpegload", "pngload",
/// …) alone: its header read, its pixels not (sequential access: they would be decoded only
/// when read, top to bottom). No other loader's sniffer runs, the name is not parsed for
/// options, and nothing is cached. NULL when the loader refuses the file.
static inline VipsImage *masthead_vips_open(const char *loader, const char *path) {
    return masthead_vips_load_shrunk(loader, path, 1);
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

/// Output formats of `masthead_vips_render`.
enum { MASTHEAD_JPEG = 0, MASTHEAD_PNG = 1, MASTHEAD_WEBP = 2, MASTHEAD_AVIF = 3 };

/// Removes every metadata item from `image` (EXIF with any GPS position, XMP, IPTC, ICC,
/// comments, …): the savers' own `strip` leaves EXIF in WebP with libvips 8.14.
static inline void masthead_vips_remove_metadata(VipsImage *image) {
    gchar **fields = vips_image_get_fields(image);
    for (int i = 0; fields[i]; i++) {
        // The header's own fields (width, bands, …) are not in the metadata table and stay;
        // libvips' own markers (vips-sequential) say how to read the pipeline.
        if (!g_str_has_prefix(fields[i], "vips-")) vips_image_remove(image, fields[i]);
    }
    g_strfreev(fields);
}

static inline int masthead_vips_encode(VipsImage *image, int format, int quality, void **buffer, size_t *length) {
    switch (format) {
    case MASTHEAD_JPEG:
        return vips_jpegsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE,
            "optimize_coding", TRUE, "interlace", TRUE, NULL);
    case MASTHEAD_PNG:
        return vips_pngsave_buffer(image, buffer, length, "strip", TRUE, "compression", 6, NULL);
    case MASTHEAD_WEBP:
        return vips_webpsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE, "effort", 4, NULL);
    case MASTHEAD_AVIF:
        // Effort 0 is AV1's fastest encoder speed, as imgproxy serves AVIF by default: an
        // image made while a reader waits.
        return vips_heifsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE,
            "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "effort", 0, NULL);
    default:
        return -1;
    }
}

/// Renders the image in `path`, read by `loader` alone as `masthead_vips_open` reads it
/// (JPEG shrunk by `shrink`, 1, 2, 4 or 8, while it is decoded), turned upright by its EXIF
/// orientation and resized to fit within `box_width` × `box_height` (never enlarged); then,
/// when `frame_width` is not 0, cut to `frame_width` × `frame_height` around the focal point
/// (`focal_x`, `focal_y`, each 0…1 of the upright image). Encoded in `format` without any
/// metadata into `*buffer` (free it with g_free). 0 on success.
static inline int masthead_vips_render(const char *loader, const char *path, int shrink, int box_width,
    int box_height, int frame_width, int frame_height, double focal_x, double focal_y, int format, int quality,
    void **buffer, size_t *length) {
    VipsImage *loaded = masthead_vips_load_shrunk(loader, path, shrink);
    if (!loaded) return -1;
    int failed;

    VipsImage *resized = NULL;
    // An embedded profile (a phone's Display P3) is applied, into sRGB, since it is removed
    // below; an image without one is taken as sRGB already, untouched.
    failed = vips_image_get_typeof(loaded, VIPS_META_ICC_NAME)
        ? vips_thumbnail_image(loaded, &resized, box_width, "height", box_height, "size", VIPS_SIZE_DOWN,
            "export_profile", "srgb", NULL)
        : vips_thumbnail_image(loaded, &resized, box_width, "height", box_height, "size", VIPS_SIZE_DOWN, NULL);
    g_object_unref(loaded);
    if (failed) return -1;

    VipsImage *framed = resized;
    if (frame_width > 0) {
        frame_width = MIN(frame_width, vips_image_get_width(resized));
        frame_height = MIN(frame_height, vips_image_get_height(resized));
        int left = (int) (focal_x * vips_image_get_width(resized) - frame_width / 2.0);
        int top = (int) (focal_y * vips_image_get_height(resized) - frame_height / 2.0);
        left = MAX(0, MIN(left, vips_image_get_width(resized) - frame_width));
        top = MAX(0, MIN(top, vips_image_get_height(resized) - frame_height));
        failed = vips_extract_area(resized, &framed, left, top, frame_width, frame_height, NULL);
        g_object_unref(resized);
        if (failed) return -1;
    }

    VipsImage *flat = framed;
    if (format == MASTHEAD_JPEG && vips_image_hasalpha(framed)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        failed = vips_flatten(framed, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        g_object_unref(framed);
        if (failed) return -1;
    }
    // A copy of its own: the metadata removed must not be that of an image another shares.
    VipsImage *bare = NULL;
    failed = vips_copy(flat, &bare, NULL);
    g_object_unref(flat);
    if (failed) return -1;
    masthead_vips_remove_metadata(bare);
    failed = masthead_vips_encode(bare, format, quality, buffer, length);
    g_object_unref(bare);
    return failed ? -1 : 0;
}

/// The average colour of the image in `path` (read by `loader` alone, JPEG shrunk by
/// `shrink` while decoding) as red, green and blue 0–255 in `rgb`; transparency ignored,
/// grey as grey. 0 on success.
static inline int masthead_vips_average(const char *loader, const char *path, int shrink, unsigned char rgb[3]) {
    void *buffer = NULL;
    size_t length = 0;
    VipsImage *loaded = masthead_vips_load_shrunk(loader, path, shrink);
    if (!loaded) return -1;
    int failed;
    VipsImage *small = NULL;
    failed = vips_image_get_typeof(loaded, VIPS_META_ICC_NAME)
        ? vips_thumbnail_image(loaded, &small, 1, "height", 1, "size", VIPS_SIZE_FORCE, "export_profile", "srgb", NULL)
        : vips_thumbnail_image(loaded, &small, 1, "height", 1, "size", VIPS_SIZE_FORCE, NULL);
    g_object_unref(loaded);
    if (failed) return -1;
    // sRGB at 8 bits whatever it was (grey, 16-bit, CMYK), by conversion rather than clamping.
    VipsImage *srgb = NULL, *eight = NULL;
    failed = vips_colourspace(small, &srgb, VIPS_INTERPRETATION_sRGB, NULL);
    g_object_unref(small);
    if (failed) return -1;
    failed = vips_cast_uchar(srgb, &eight, NULL);
    g_object_unref(srgb);
    if (failed) return -1;
    buffer = vips_image_write_to_memory(eight, &length);
    int bands = vips_image_get_bands(eight);
    g_object_unref(eight);
    if (!buffer || length < (size_t) bands || bands < 1) {
        g_free(buffer);
        return -1;
    }
    unsigned char *pixel = buffer;
    for (int i = 0; i < 3; i++) rgb[i] = bands >= 3 ? pixel[i] : pixel[0];
    g_free(buffer);
    return 0;
}

/// A `width` × `height` JPEG at `path` shading diagonally from the colour `from` (top left) to
/// `to` (bottom right), each red, green and blue 0–255: the demo's pictures, made without any
/// file or network. 0 on success.
static inline int masthead_vips_gradient(int width, int height, const double from[3], const double to[3],
    const char *path) {
    VipsImage *xyz = NULL, *x = NULL, *y = NULL, *sum = NULL, *t = NULL, *t3 = NULL, *rgb = NULL, *srgb = NULL;
    int failed = vips_xyz(&xyz, width, height, NULL)
        || vips_extract_band(xyz, &x, 0, NULL)
        || vips_extract_band(xyz, &y, 1, NULL)
        || vips_add(x, y, &sum, NULL)
        || vips_linear1(sum, &t, 1.0 / MAX(1, width + height - 2), 0.0, NULL);
    if (!failed) {
        VipsImage *bands[3] = { t, t, t };
        double scale[3], offset[3];
        for (int i = 0; i < 3; i++) {
            scale[i] = to[i] - from[i];
            offset[i] = from[i];
        }
        failed = vips_bandjoin(bands, &t3, 3, NULL)
            || vips_linear(t3, &rgb, scale, offset, 3, "uchar", TRUE, NULL)
            || vips_copy(rgb, &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, NULL)
            || vips_image_write_to_file(srgb, path, NULL);
    }
    VipsImage *all[] = { xyz, x, y, sum, t, t3, rgb, srgb };
    for (int i = 0; i < 8; i++) if (all[i]) g_object_unref(all[i]);
    return failed ? -1 : 0;
}
