// libFuzzer supplies LLVMFuzzerRunDriver; this target only declares it (include/FuzzerDriver.h).
