// Applying fixes: one pass picks the fixes that do not touch each other, fix_source() re-lints and repeats.
#include "iotpolicy/fix.hpp"

#include <algorithm>  // sort, stable_sort, find, any_of
#include <optional>

namespace iotpolicy {

namespace {

/// Whether two edits cannot both be applied with a well-defined result: their ranges overlap, or both insert at
/// the same point (their order would be arbitrary), or one inserts strictly inside the other's range. An insertion
/// at either end of a replaced range is fine: it goes before or after it.
bool conflicts(const TextEdit& a, const TextEdit& b) {
    const Span x = a.span;
    const Span y = b.span;
    if (x.begin == x.end && y.begin == y.end) {
        return x.begin == y.begin;
    }
    if (x.begin == x.end) {
        return y.begin < x.begin && x.begin < y.end;
    }
    if (y.begin == y.end) {
        return x.begin < y.begin && y.begin < x.end;
    }
    return x.begin < y.end && y.begin < x.end;
}

/// A fix's edits sorted by position, or nothing when they are not applicable to a text of `size` bytes (out of
/// range, reversed, or overlapping each other): a rule bug must not corrupt the file.
std::optional<std::vector<TextEdit>> sorted_edits(const Fix& fix, std::size_t size) {
    std::vector<TextEdit> edits = fix.edits;
    std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
        return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.span.end < b.span.end;
    });
    for (std::size_t i = 0; i < edits.size(); ++i) {
        if (edits[i].span.begin > edits[i].span.end || edits[i].span.end > size ||
            (i > 0 && conflicts(edits[i - 1], edits[i]))) {
            return std::nullopt;
        }
    }
    if (edits.empty()) {
        return std::nullopt;
    }
    return edits;
}

}  // namespace

FixPass apply_fixes(std::string_view text, std::span<const Diagnostic> diagnostics) {
    FixPass pass;
    std::vector<std::vector<TextEdit>> accepted;
    std::vector<TextEdit> edits;
    // Diagnostics come sorted by position, so the earlier of two conflicting fixes wins, reproducibly.
    for (const Diagnostic& diagnostic : diagnostics) {
        if (!diagnostic.fix) {
            continue;
        }
        std::optional<std::vector<TextEdit>> fix = sorted_edits(*diagnostic.fix, text.size());
        if (!fix) {
            continue;
        }
        if (std::find(accepted.begin(), accepted.end(), *fix) != accepted.end()) {
            ++pass.applied;  // the same change proposed by two rules (e.g. IOT004 and IOT305 on one Version)
            continue;
        }
        const bool clashes = std::any_of(fix->begin(), fix->end(), [&](const TextEdit& edit) {
            return std::any_of(edits.begin(), edits.end(), [&](const TextEdit& taken) { return conflicts(edit, taken); });
        });
        if (clashes) {
            ++pass.deferred;
            continue;
        }
        edits.insert(edits.end(), fix->begin(), fix->end());
        accepted.push_back(std::move(*fix));
        ++pass.applied;
    }
    // Stable: of an insertion and a replacement starting at the same offset, the insertion (empty span) goes first.
    std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
        return a.span.begin != b.span.begin ? a.span.begin < b.span.begin : a.span.end < b.span.end;
    });
    pass.text.reserve(text.size());
    std::size_t at = 0;
    for (const TextEdit& edit : edits) {
        pass.text.append(text.substr(at, edit.span.begin - at));
        pass.text.append(edit.replacement);
        at = edit.span.end;
    }
    pass.text.append(text.substr(at));
    return pass;
}

FixResult fix_source(const std::string& path, std::string text, const LintConfig& config) {
    FixResult result;
    for (;;) {
        SourceFile source(path, text);
        std::vector<Diagnostic> diagnostics = lint_source(source, config);
        const bool fixable = std::any_of(diagnostics.begin(), diagnostics.end(),
                                         [](const Diagnostic& d) { return d.fix.has_value(); });
        FixPass pass = fixable ? apply_fixes(text, diagnostics) : FixPass{};
        // A pass whose fixes change nothing (all rejected, or edits that rewrite a span with itself) ends the loop
        // too: repeating it would give the same result.
        if (!fixable || pass.applied == 0 || pass.text == text) {
            result.text = std::move(text);
            result.remaining = std::move(diagnostics);
            return result;
        }
        if (result.passes == k_max_fix_passes) {
            // The fixes keep changing the text: stop, keep what the passes made, and say so.
            result.converged = false;
            result.text = std::move(text);
            result.remaining = std::move(diagnostics);
            return result;
        }
        ++result.passes;
        result.applied += pass.applied;
        text = std::move(pass.text);
    }
}

}  // namespace iotpolicy
