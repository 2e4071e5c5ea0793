#include "iotpolicy/wildcard.hpp"

#include <utility>  // move
#include <vector>

#include "glob.hpp"

namespace iotpolicy {

namespace {

/// Appends the tokens of `piece`: literal runs, and (unless the piece is literal) `*` and `?`.
void append_tokens(const PatternPiece& piece, std::vector<detail::GlobToken>& tokens) {
    using Kind = detail::GlobToken::Kind;
    if (piece.literal) {
        tokens.push_back({Kind::literal, detail::GlobClass::any, piece.text});
        return;
    }
    std::size_t run_begin = 0;
    for (std::size_t i = 0; i < piece.text.size(); ++i) {
        const char c = piece.text[i];
        if (c != '*' && c != '?') {
            continue;
        }
        tokens.push_back({Kind::literal, detail::GlobClass::any, piece.text.substr(run_begin, i - run_begin)});
        tokens.push_back({c == '*' ? Kind::any_run : Kind::any_one, detail::GlobClass::any, {}});
        run_begin = i + 1;
    }
    tokens.push_back({Kind::literal, detail::GlobClass::any, piece.text.substr(run_begin)});
}

const std::shared_ptr<const detail::Glob>& empty_glob() {
    static const std::shared_ptr<const detail::Glob> glob = std::make_shared<const detail::Glob>();
    return glob;
}

}  // namespace

// Every default pattern shares one empty glob: condition values hold several unused patterns each.
WildcardPattern::WildcardPattern() : m_glob(empty_glob()) {}

WildcardPattern::WildcardPattern(std::shared_ptr<const detail::Glob> glob) : m_glob(std::move(glob)) {}

WildcardPattern WildcardPattern::compile(std::string_view pattern) {
    const PatternPiece piece{pattern, false};
    return compile(std::span<const PatternPiece>(&piece, 1));
}

WildcardPattern WildcardPattern::compile(std::span<const PatternPiece> pieces) {
    std::vector<detail::GlobToken> tokens;
    for (const PatternPiece& piece : pieces) {
        append_tokens(piece, tokens);
    }
    return WildcardPattern(std::make_shared<const detail::Glob>(tokens));
}

bool WildcardPattern::matches(std::string_view subject, Case letter_case) const {
    return m_glob->matches(subject, letter_case == Case::insensitive ? subject.size() : 0);
}

bool WildcardPattern::has_wildcards() const {
    return m_glob->has_wildcards();
}

std::optional<std::string_view> WildcardPattern::plain_text() const {
    return m_glob->plain_text();
}

}  // namespace iotpolicy
