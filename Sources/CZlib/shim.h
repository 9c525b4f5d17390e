// zlib, as Debian packages it (zlib1g-dev): article plaintext is stored deflated.
#include <zlib.h>
