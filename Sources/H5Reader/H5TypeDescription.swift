import CHDF5

/// Datatypes in words for error details, e.g. "a 32-bit integer" or "a variable-length string".
enum H5TypeDescription {
    static func of(_ type: hid_t) -> String {
        let bits = H5Tget_size(type) * 8
        switch H5Tget_class(type) {
        case H5T_INTEGER: return H5Tget_sign(type) == H5T_SGN_NONE ? "a \(bits)-bit unsigned integer" : "a \(bits)-bit integer"
        case H5T_FLOAT: return "a \(bits)-bit float"
        case H5T_STRING:
            return H5Tis_variable_str(type) > 0 ? "a variable-length string" : "a \(bits / 8)-byte fixed-length string"
        case H5T_COMPOUND: return "a compound type"
        case H5T_ENUM: return "an enumeration"
        case H5T_ARRAY: return "an array type"
        case H5T_VLEN: return "a variable-length sequence"
        case H5T_REFERENCE: return "an object reference"
        case H5T_OPAQUE: return "opaque data"
        case H5T_BITFIELD: return "a bitfield"
        case H5T_TIME: return "a time value"
        default: return "an unknown datatype"
        }
    }
}
