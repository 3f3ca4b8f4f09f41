// OpenBLAS's choice of kernels, corrected where it fell back to generic ones.
#pragma once
#include <cblas.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <strings.h>

/// OpenBLAS picks its kernels for the CPU when it loads, and a build older than the CPU falls back to its SSE3
/// "Prescott" kernels (Debian 12's 0.3.21 on Intel family 6 model 207, an AVX-512 Xeon: VGG16's classifier ran a
/// third slower). Where it did so and the user chose no core (OPENBLAS_CORETYPE), this runs its choice again with
/// `core`, one of its names, through the entry points of its dynamic-architecture builds, looked up at run time so
/// that a build without them is left as it is. Returns whether it switched. Call it before any BLAS call, with no
/// other thread in OpenBLAS.
static inline int kl_openblas_replace_fallback_core(const char *core) {
    const char *current = openblas_get_corename();
    if (getenv("OPENBLAS_CORETYPE") != NULL || current == NULL || strcasecmp(current, "prescott") != 0) return 0;
    void *process = dlopen(NULL, RTLD_NOW);
    if (process == NULL) return 0;
    void (*quit)(void) = (void (*)(void))dlsym(process, "gotoblas_dynamic_quit");
    void (*init)(void) = (void (*)(void))dlsym(process, "gotoblas_dynamic_init");
    int switched = quit != NULL && init != NULL;
    if (switched) {
        setenv("OPENBLAS_CORETYPE", core, 1);
        quit();
        init();
        unsetenv("OPENBLAS_CORETYPE");
    }
    dlclose(process);
    return switched;
}
