// What the fuzz targets share: an output sink and failing loudly on a broken invariant.
#pragma once

#include <cstdio>
#include <streambuf>
#include <string>

namespace iotpolicy::fuzz {

/// A stream buffer that accepts and drops everything: the renderers run, their output is not needed.
class NullBuffer final : public std::streambuf {
protected:
    int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
    std::streamsize xsputn(const char* /*s*/, std::streamsize n) override { return n; }
};

[[noreturn]] inline void fail(const std::string& what) {
    std::fprintf(stderr, "\n*** iotpolicy fuzz invariant violated: %s\n", what.c_str());
    __builtin_trap();
}

inline void check(bool condition, const std::string& what) {
    if (!condition) {
        fail(what);
    }
}

}  // namespace iotpolicy::fuzz
