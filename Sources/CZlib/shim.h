#ifndef NNBENCH_CZLIB_SHIM_H
#define NNBENCH_CZLIB_SHIM_H
#include <zlib.h>
#endif
