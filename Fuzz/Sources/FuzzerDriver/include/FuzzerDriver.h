#ifndef NNBENCH_FUZZER_DRIVER_H
#define NNBENCH_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for a program that has its own main (LLVM 11 and later): parses the
/// libFuzzer options in argv and runs the fuzzing loop, calling `callback` on every input.
///
/// SwiftPM links every executable with its Swift main renamed and `main` defined to it, so a fuzz
/// target cannot take libFuzzer's own main; its Swift main calls this instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
