// The reference GitHub-flavoured Markdown library, as Debian packages it
// (libcmark-gfm-dev, libcmark-gfm-extensions-dev).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
