#include "options.hpp"

#include <unistd.h>  // isatty

#include <cstdlib>  // getenv

namespace iotpolicy::cli {

bool use_color(ColorMode mode) {
    if (mode != ColorMode::automatic) {
        return mode == ColorMode::always;
    }
    // https://no-color.org: a non-empty NO_COLOR turns colour off.
    const char* no_color = std::getenv("NO_COLOR");
    return (no_color == nullptr || *no_color == '\0') && isatty(STDOUT_FILENO) != 0;
}

}  // namespace iotpolicy::cli
