import CHDF5
import Foundation

/// The one gate to libhdf5: every sequence of libhdf5 calls in this module runs inside `serialized`, under
/// one process-wide lock, since a serial libhdf5 build is not thread-safe. The lock is recursive so public
/// methods can build on each other.
enum HDF5Library {
    private static let lock = NSRecursiveLock()
    // Guarded by `lock`.
    nonisolated(unsafe) private static var imageCount = 0

    static func serialized<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        // A library must not print: turn off libhdf5's automatic error-stack dump to stderr. Done on every
        // entry because thread-safe builds (Debian's "serial" package is one) keep this switch per thread.
        _ = H5Eset_auto2(kl_H5E_DEFAULT(), nil, nil)
        _ = hardened
        return try body()
    }

    /// Done once, before any file is opened, so that nothing in a file or the environment can widen what a read
    /// touches: plugin loading is off (a dataset naming an unknown filter can no longer make libhdf5 load a shared
    /// library from `HDF5_PLUGIN_PATH`), and the external-link class is unregistered, so libhdf5 cannot traverse
    /// an external link even along a path that `H5Containment` did not walk.
    private static let hardened: Void = {
        _ = H5PLset_loading_state(0)
        _ = H5Lunregister(H5L_TYPE_EXTERNAL)
    }()

    /// A name no other open in-memory image uses. libhdf5 treats core-driver files with equal names as the
    /// same file, so two archives both called "model.keras" would otherwise share one image.
    static func uniqueImageName() -> String {
        imageCount += 1
        return "keraslens-image-\(imageCount)"
    }

    /// The most specific message on libhdf5's error stack, e.g. "truncated file: eof = 1024, ...".
    /// Call right after the failing call, inside `serialized`.
    static func lastErrorMessage() -> String? {
        var message: String?
        _ = withUnsafeMutablePointer(to: &message) { pointer in
            H5Ewalk2(kl_H5E_DEFAULT(), H5E_WALK_UPWARD, { index, error, context in
                guard index == 0, let description = error?.pointee.desc, let context else { return 0 }
                context.assumingMemoryBound(to: String?.self).pointee = String(cString: description)
                return 0
            }, pointer)
        }
        return message
    }
}
