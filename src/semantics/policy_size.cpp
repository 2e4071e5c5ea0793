#include "iotpolicy/policy_size.hpp"

namespace iotpolicy {

PolicySize measure_policy_size(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    PolicySize size;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool is_whitespace = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        const bool starts_code_point = (byte & 0xC0U) != 0x80U;
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        }
        const bool counts_minified = in_string || !is_whitespace;
        size.minified += (counts_minified && starts_code_point) ? 1 : 0;
        size.minified_bytes += counts_minified ? 1 : 0;
        size.strict += (!is_whitespace && starts_code_point) ? 1 : 0;
    }
    return size;
}

}  // namespace iotpolicy
