// HDF5's property-list and type identifiers are C macros over global variables, which Swift cannot import.
// These inline functions hand them to Swift under plain names.
#include <hdf5.h>

static inline hid_t kl_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t kl_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t kl_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned kl_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline hid_t kl_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t kl_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t kl_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t kl_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t kl_H5T_C_S1(void) { return H5T_C_S1; }
static inline hsize_t kl_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline hid_t kl_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline size_t kl_H5T_VARIABLE(void) { return H5T_VARIABLE; }
