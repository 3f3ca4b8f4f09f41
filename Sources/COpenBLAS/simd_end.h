// Ends one instruction set's instantiation of the generic kernels (see shim.h), so the next can define its own.
#undef KL_TARGET
#undef KL_NAME
#undef KL_LANES
#undef KL_POSITIONS_BLOCK
#undef KL_BLOCK
#undef kl_vec
#undef KL_ZERO
#undef KL_SET1
#undef KL_LOAD
#undef KL_STORE
#undef KL_LOAD_LEFT
#undef KL_STORE_LEFT
#undef KL_FMADD
#undef KL_ADD
#undef KL_SUB
#undef KL_MAX
