#include "glob.hpp"

#include <algorithm>  // min, max, sort, lower_bound
#include <array>
#include <cstring>  // memchr, memcmp

#include "../support/utf8.hpp"
#include "../support/suggest.hpp"  // ascii_lower

namespace iotpolicy::detail {

namespace {

constexpr std::size_t k_word_bits = 64;
constexpr std::size_t k_stack_words = Glob::k_stack_positions / k_word_bits;

// Classes of the bit-parallel matcher; single-byte characters of the pattern get their own from 2 on.
constexpr std::uint16_t k_class_other = 0;  // a character the piece does not name: only `?` positions take it
constexpr std::uint16_t k_class_colon = 1;  // ':' is apart because restricted wildcards refuse it

bool is_ascii_letter(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/// The first offset in [from, limit) of `lower` (an ASCII lowercase letter) in either case, or `limit`. Eight
/// bytes at a time: OR-ing 0x20 maps exactly the two spellings of a letter onto `lower`, and the zero-byte test
/// ((x - 0x01..) & ~x & 0x80..) is non-zero exactly when some byte of x is zero.
std::size_t find_letter_either_case(const char* text, std::size_t from, std::size_t limit, char lower) {
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
    constexpr std::uint64_t k_case_bits = 0x2020202020202020ULL;
    const std::uint64_t target = k_ones * static_cast<unsigned char>(lower);
    std::size_t at = from;
    for (; at + 8 <= limit; at += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, text + at, 8);
        const std::uint64_t x = (word | k_case_bits) ^ target;
        if (((x - k_ones) & ~x & k_highs) != 0) {
            break;
        }
    }
    for (; at < limit; ++at) {
        if (detail::ascii_lower(text[at]) == lower) {
            return at;
        }
    }
    return limit;
}

/// The first offset in [from, limit) of byte `c`, ASCII letters folding case before `fold_end`; or `limit`.
std::size_t find_byte(std::string_view subject, std::size_t from, std::size_t limit, char c, std::size_t fold_end) {
    if (is_ascii_letter(static_cast<unsigned char>(c)) && from < fold_end) {
        const std::size_t folded_limit = std::min(limit, fold_end);
        const std::size_t hit = find_letter_either_case(subject.data(), from, folded_limit, detail::ascii_lower(c));
        if (hit < folded_limit) {
            return hit;
        }
        from = folded_limit;
    }
    if (from >= limit) {
        return limit;
    }
    const void* hit = std::memchr(subject.data() + from, c, limit - from);
    return hit == nullptr ? limit : static_cast<std::size_t>(static_cast<const char*>(hit) - subject.data());
}

/// Splits `run` into characters the way subjects are split: code points, and single bytes where no
/// well-formed sequence starts.
std::vector<std::string_view> split_characters(std::string_view run) {
    std::vector<std::string_view> characters;
    for (std::size_t at = 0; at < run.size();) {
        const std::uint32_t length = utf8_step(run, at);
        characters.push_back(run.substr(at, length));
        at += length;
    }
    return characters;
}

std::uint32_t pack(std::string_view character) {
    std::uint32_t packed = 0;
    for (std::size_t i = 0; i < character.size(); ++i) {
        packed |= static_cast<std::uint32_t>(static_cast<unsigned char>(character[i])) << (8 * i);
    }
    return packed;
}

/// Knuth–Morris–Pratt failure function: entry q is the length of the longest proper border of `p[0, q]`.
void append_failure(std::string_view p, std::vector<std::uint32_t>& out) {
    const std::size_t base = out.size();
    out.resize(base + p.size(), 0);
    std::uint32_t k = 0;
    for (std::size_t q = 1; q < p.size(); ++q) {
        while (k > 0 && p[q] != p[k]) {
            k = out[base + k - 1];
        }
        if (p[q] == p[k]) {
            ++k;
        }
        out[base + q] = k;
    }
}

void set_bit(std::uint64_t* words, std::size_t bit) {
    words[bit / k_word_bits] |= std::uint64_t{1} << (bit % k_word_bits);
}

/// State words of the bit-parallel matcher: on the stack up to k_stack_words, else on the heap.
class StateBuffer {
public:
    explicit StateBuffer(std::size_t words) {
        // INVARIANT: m_data may point into m_stack, so a StateBuffer never moves (copying is deleted below).
        if (words > k_stack_words) {
            m_heap.resize(words);
            m_data = m_heap.data();
        } else {
            m_data = m_stack.data();
        }
        std::fill(m_data, m_data + words, 0);
    }
    StateBuffer(const StateBuffer&) = delete;
    StateBuffer& operator=(const StateBuffer&) = delete;

    std::uint64_t* data() { return m_data; }

private:
    std::array<std::uint64_t, k_stack_words> m_stack;
    std::vector<std::uint64_t> m_heap;
    std::uint64_t* m_data = nullptr;
};

}  // namespace

bool is_character_boundary(std::string_view text, std::size_t at) {
    if (at == 0 || at >= text.size()) {
        return true;
    }
    const auto is_continuation = [&](std::size_t i) { return (static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U; };
    if (!is_continuation(at)) {
        return true;
    }
    // A continuation byte is inside a character only if the nearest non-continuation byte before it starts a
    // well-formed sequence that reaches it; sequences are at most 4 bytes long.
    for (std::size_t back = 1; back <= 3 && back <= at; ++back) {
        if (!is_continuation(at - back)) {
            return utf8_sequence_length(text, at - back) <= back;
        }
    }
    return true;
}

/// The characters of one piece as the tokens gave them, before tables are built.
struct Glob::PieceSpec {
    enum class Kind : std::uint8_t { literal, any, not_colon };
    struct Position {
        Kind kind = Kind::literal;
        std::string character;  // literal only
        bool loop_after = false;  // a restricted `*` follows
    };
    std::vector<Position> positions;
    bool leading_loop = false;
};

Glob::Glob() {
    add_piece(PieceSpec{});
}

Glob::Glob(std::span<const GlobToken> tokens) {
    if (std::all_of(tokens.begin(), tokens.end(),
                    [](const GlobToken& token) { return token.kind == GlobToken::Kind::literal; })) {
        std::string text;
        for (const GlobToken& token : tokens) {
            text += token.text;
        }
        add_plain_text(text);
        return;
    }
    PieceSpec current;
    std::string pending_literal;
    bool pending_run = false;
    GlobClass run_class = GlobClass::not_colon;

    const auto flush_literal = [&] {
        for (const std::string_view character : split_characters(pending_literal)) {
            current.positions.push_back({PieceSpec::Kind::literal, std::string(character), false});
        }
        pending_literal.clear();
    };
    // A run of `*` tokens with nothing between them is one `*`, unrestricted if any of them is: [^:]*.* = .*
    const auto flush_run = [&] {
        if (!pending_run) {
            return;
        }
        pending_run = false;
        if (run_class == GlobClass::any) {
            add_piece(current);
            current = PieceSpec{};
        } else if (current.positions.empty()) {
            current.leading_loop = true;
        } else {
            current.positions.back().loop_after = true;
        }
    };

    for (const GlobToken& token : tokens) {
        switch (token.kind) {
        case GlobToken::Kind::literal:
            if (token.text.empty()) {
                break;
            }
            flush_run();
            pending_literal += token.text;
            break;
        case GlobToken::Kind::any_one:
            flush_run();
            flush_literal();
            current.positions.push_back(
                {token.wildcard_class == GlobClass::any ? PieceSpec::Kind::any : PieceSpec::Kind::not_colon, {},
                 false});
            break;
        case GlobToken::Kind::any_run:
            flush_literal();
            if (!pending_run) {
                pending_run = true;
                run_class = token.wildcard_class;
            } else if (token.wildcard_class == GlobClass::any) {
                run_class = GlobClass::any;
            }
            break;
        }
    }
    flush_run();
    flush_literal();
    add_piece(current);
}

// A pattern without wildcards is one literal piece, which matches() compares as bytes (zone_equals) and never
// searches for: it needs neither per-character positions nor the bit-parallel tables, whose construction made
// compiling a plain action name or ARN cost as much as a wildcard pattern (most policy entries are plain).
// position_count, words, the class and mask ranges and the KMP failure tables stay empty: only the bit-parallel
// scan and the search for a middle or last piece read them, and a lone piece is compared, never searched for.
void Glob::add_plain_text(std::string_view bytes) {
    Piece piece;
    piece.is_literal = true;
    if (!bytes.empty() && static_cast<unsigned char>(bytes.front()) < 0x80) {
        piece.skip_byte = static_cast<std::int16_t>(bytes.front());
    }
    piece.has_letters = std::any_of(bytes.begin(), bytes.end(),
                                    [](char c) { return is_ascii_letter(static_cast<unsigned char>(c)); });
    piece.bytes_begin = static_cast<std::uint32_t>(m_bytes.size());
    piece.bytes_size = static_cast<std::uint32_t>(bytes.size());
    m_bytes += bytes;
    std::transform(bytes.begin(), bytes.end(), std::back_inserter(m_folded), detail::ascii_lower);
    m_pieces.push_back(piece);
}

void Glob::add_piece(const PieceSpec& spec) {
    Piece piece;
    piece.leading_loop = spec.leading_loop;
    piece.is_literal = !spec.leading_loop;
    for (const PieceSpec::Position& position : spec.positions) {
        piece.has_loops = piece.has_loops || position.loop_after;
        piece.is_literal = piece.is_literal && position.kind == PieceSpec::Kind::literal && !position.loop_after;
    }
    const std::size_t m = spec.positions.size();
    if (m > 0 && spec.positions[0].kind == PieceSpec::Kind::literal && spec.positions[0].character.size() == 1 &&
        static_cast<unsigned char>(spec.positions[0].character[0]) < 0x80) {
        piece.skip_byte = static_cast<std::int16_t>(spec.positions[0].character[0]);
    }
    piece.position_count = static_cast<std::uint32_t>(m);
    piece.words = static_cast<std::uint32_t>(std::max<std::size_t>(1, (m + k_word_bits - 1) / k_word_bits));
    const std::size_t words = piece.words;

    if (piece.is_literal) {
        std::string bytes;
        for (const PieceSpec::Position& position : spec.positions) {
            bytes += position.character;
        }
        std::string folded = bytes;
        std::transform(folded.begin(), folded.end(), folded.begin(), detail::ascii_lower);
        piece.has_letters = std::any_of(bytes.begin(), bytes.end(),
                                        [](char c) { return is_ascii_letter(static_cast<unsigned char>(c)); });
        piece.bytes_begin = static_cast<std::uint32_t>(m_bytes.size());
        piece.bytes_size = static_cast<std::uint32_t>(bytes.size());
        m_bytes += bytes;
        m_folded += folded;
        piece.failure_begin = static_cast<std::uint32_t>(m_failure.size());
        append_failure(bytes, m_failure);
        append_failure(folded, m_failure);
    }

    // Bit-parallel tables, also for literal pieces: searching where only part of the subject folds case
    // (ARN matching, arn.hpp) cannot use one KMP table.
    std::array<std::uint16_t, 256> class_of{};
    class_of[static_cast<unsigned char>(':')] = k_class_colon;
    std::uint16_t class_count = 2;
    struct PendingMultibyte {
        std::uint32_t packed;
        std::uint32_t position;
    };
    std::vector<PendingMultibyte> multibyte;
    for (std::size_t i = 0; i < m; ++i) {
        const PieceSpec::Position& position = spec.positions[i];
        if (position.kind != PieceSpec::Kind::literal) {
            continue;
        }
        if (position.character.size() == 1) {
            const auto byte = static_cast<unsigned char>(position.character[0]);
            if (byte != ':' && class_of[byte] == k_class_other) {
                class_of[byte] = class_count++;
            }
        } else {
            multibyte.push_back({pack(position.character), static_cast<std::uint32_t>(i)});
        }
    }
    piece.class_map_begin = static_cast<std::uint32_t>(m_class_of.size());
    m_class_of.insert(m_class_of.end(), class_of.begin(), class_of.end());

    std::sort(multibyte.begin(), multibyte.end(),
              [](const PendingMultibyte& a, const PendingMultibyte& b) {
                  return a.packed != b.packed ? a.packed < b.packed : a.position < b.position;
              });
    piece.multibyte_begin = static_cast<std::uint32_t>(m_multibyte.size());
    for (const PendingMultibyte& entry : multibyte) {
        if (m_multibyte.size() == piece.multibyte_begin || m_multibyte.back().packed != entry.packed) {
            const auto at = static_cast<std::uint32_t>(m_multibyte_positions.size());
            m_multibyte.push_back({entry.packed, at, at});
        }
        m_multibyte_positions.push_back(entry.position);
        m_multibyte.back().positions_end = static_cast<std::uint32_t>(m_multibyte_positions.size());
    }
    piece.multibyte_end = static_cast<std::uint32_t>(m_multibyte.size());

    piece.masks_begin = static_cast<std::uint32_t>(m_masks.size());
    m_masks.resize(m_masks.size() + (class_count + 1U) * words, 0);
    std::uint64_t* masks = m_masks.data() + piece.masks_begin;
    std::uint64_t* loops = masks + class_count * words;
    piece.loops_begin = piece.masks_begin + static_cast<std::uint32_t>(class_count * words);
    for (std::size_t i = 0; i < m; ++i) {
        const PieceSpec::Position& position = spec.positions[i];
        switch (position.kind) {
        case PieceSpec::Kind::literal:
            if (position.character.size() == 1) {
                set_bit(masks + class_of[static_cast<unsigned char>(position.character[0])] * words, i);
            }
            break;
        case PieceSpec::Kind::any:
            for (std::size_t c = 0; c < class_count; ++c) {
                set_bit(masks + c * words, i);
            }
            break;
        case PieceSpec::Kind::not_colon:
            for (std::size_t c = 0; c < class_count; ++c) {
                if (c != k_class_colon) {
                    set_bit(masks + c * words, i);
                }
            }
            break;
        }
        if (position.loop_after) {
            set_bit(loops, i);
        }
    }
    m_pieces.push_back(piece);
}

std::optional<std::string_view> Glob::plain_text() const {
    if (has_wildcards()) {
        return std::nullopt;
    }
    return std::string_view(m_bytes).substr(m_pieces.front().bytes_begin, m_pieces.front().bytes_size);
}

bool Glob::zone_equals(std::string_view subject, std::size_t at, const Piece& piece, std::size_t fold_end) const {
    const char* exact = m_bytes.data() + piece.bytes_begin;
    const char* folded = m_folded.data() + piece.bytes_begin;
    const std::size_t size = piece.bytes_size;
    if (fold_end <= at) {
        return size == 0 || std::memcmp(subject.data() + at, exact, size) == 0;
    }
    for (std::size_t i = 0; i < size; ++i) {
        const char c = subject[at + i];
        if (at + i < fold_end ? detail::ascii_lower(c) != folded[i] : c != exact[i]) {
            return false;
        }
    }
    return true;
}

std::optional<std::size_t> Glob::find_literal(const Piece& piece, std::string_view subject, std::size_t from,
                                              std::size_t limit, bool fold) const {
    const std::size_t m = piece.bytes_size;
    if (m == 0) {
        return from;
    }
    if (limit < from || limit - from < m) {
        return std::nullopt;
    }
    const char* pattern = (fold ? m_folded.data() : m_bytes.data()) + piece.bytes_begin;
    const std::uint32_t* failure = m_failure.data() + piece.failure_begin + (fold ? m : 0);
    const char* text = subject.data();
    // With no partial match in hand, skip to the next byte that can start one.
    std::size_t q = 0;
    for (std::size_t i = from; i < limit;) {
        if (q == 0) {
            i = find_byte(subject, i, limit, pattern[0], fold ? limit : 0);
            if (i == limit) {
                return std::nullopt;
            }
        }
        const char c = fold ? detail::ascii_lower(text[i]) : text[i];
        while (q > 0 && pattern[q] != c) {
            q = failure[q - 1];
        }
        if (pattern[q] == c) {
            ++q;
        }
        ++i;
        if (q == m) {
            // Bytes that agree but split a character are no match (see wildcard.hpp, "Characters").
            if (is_character_boundary(subject, i - m) && is_character_boundary(subject, i)) {
                return i;
            }
            q = failure[q - 1];
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> Glob::run_bit_parallel(const Piece& piece, std::string_view subject, std::size_t from,
                                                  std::size_t limit, std::size_t fold_end, Scan scan,
                                                  bool to_limit) const {
    if (piece.position_count == 0) {
        // Only an empty piece: it occurs wherever the scan starts.
        if (!to_limit) {
            return from;
        }
        return from == limit ? std::optional<std::size_t>(limit) : std::nullopt;
    }
    return piece.words == 1 ? scan_bits<true>(piece, subject, from, limit, fold_end, scan, to_limit)
                            : scan_bits<false>(piece, subject, from, limit, fold_end, scan, to_limit);
}

// One step per character: bit i of the state says the piece's first i + 1 positions match the text that ends
// here. k_single_word keeps a state of one word in a register; otherwise the words live in a StateBuffer.
template <bool k_single_word>
std::optional<std::size_t> Glob::scan_bits(const Piece& piece, std::string_view subject, std::size_t from,
                                           std::size_t limit, std::size_t fold_end, Scan scan, bool to_limit) const {
    const std::size_t words = k_single_word ? 1 : piece.words;
    std::optional<StateBuffer> state_buffer;
    std::optional<StateBuffer> multibyte_buffer;
    std::uint64_t* state = nullptr;
    if constexpr (!k_single_word) {
        state = state_buffer.emplace(words).data();
    }
    std::uint64_t single = 0;
    std::uint64_t single_multibyte = 0;
    const std::uint64_t* masks = m_masks.data() + piece.masks_begin;
    const std::uint64_t* loops = m_masks.data() + piece.loops_begin;
    const std::uint16_t* class_of = m_class_of.data() + piece.class_map_begin;
    const MultibyteUnit* multibyte_first = m_multibyte.data() + piece.multibyte_begin;
    const MultibyteUnit* multibyte_last = m_multibyte.data() + piece.multibyte_end;
    const std::size_t final_word = (piece.position_count - 1) / k_word_bits;
    const std::uint64_t final_bit = std::uint64_t{1} << ((piece.position_count - 1) % k_word_bits);
    const auto final_state = [&] {
        if constexpr (k_single_word) {
            return single;
        } else {
            return state[final_word];
        }
    };

    bool injecting = true;  // whether the piece may start at the next character
    bool alive = false;     // whether some partial match is in progress
    for (std::size_t at = from; at < limit;) {
        if (scan == Scan::floating && !alive && piece.skip_byte >= 0) {
            // Nothing in progress: only a character equal to the first position can start an occurrence. An
            // ASCII byte is always a whole character, so the jump lands on a character boundary.
            at = find_byte(subject, at, limit, static_cast<char>(piece.skip_byte), fold_end);
            if (at == limit) {
                break;
            }
        }
        const auto byte = static_cast<unsigned char>(subject[at]);
        std::size_t length = 1;
        const std::uint64_t* mask = masks + class_of[byte] * words;
        const std::uint64_t* other_case = nullptr;
        bool is_colon = false;
        if (byte < 0x80) {
            is_colon = byte == ':';
            if (at < fold_end && is_ascii_letter(byte)) {
                other_case = masks + class_of[byte ^ 0x20U] * words;
            }
        } else if (const std::uint32_t sequence = utf8_sequence_length(subject, at); sequence != 0) {
            length = sequence;
            mask = masks + k_class_other * words;
            const std::uint32_t packed = pack(subject.substr(at, length));
            const MultibyteUnit* found =
                std::lower_bound(multibyte_first, multibyte_last, packed,
                                 [](const MultibyteUnit& unit, std::uint32_t key) { return unit.packed < key; });
            if (found != multibyte_last && found->packed == packed) {
                std::uint64_t* combined = &single_multibyte;
                if constexpr (!k_single_word) {
                    if (!multibyte_buffer) {
                        multibyte_buffer.emplace(words);
                    }
                    combined = multibyte_buffer->data();
                }
                std::copy(mask, mask + words, combined);
                for (std::uint32_t i = found->positions_begin; i < found->positions_end; ++i) {
                    set_bit(combined, m_multibyte_positions[i]);
                }
                mask = combined;
            }
        }

        const std::uint64_t carry_in = injecting ? 1 : 0;
        if constexpr (k_single_word) {
            std::uint64_t accepts = mask[0];
            if (other_case != nullptr) {
                accepts |= other_case[0];
            }
            std::uint64_t after = ((single << 1) | carry_in) & accepts;
            if (piece.has_loops && !is_colon) {
                after |= single & loops[0];
            }
            single = after;
            alive = after != 0;
        } else {
            std::uint64_t carry = carry_in;
            std::uint64_t live_bits = 0;
            for (std::size_t w = 0; w < words; ++w) {
                const std::uint64_t before = state[w];
                std::uint64_t accepts = mask[w];
                if (other_case != nullptr) {
                    accepts |= other_case[w];
                }
                std::uint64_t after = ((before << 1) | carry) & accepts;
                carry = before >> (k_word_bits - 1);
                if (piece.has_loops && !is_colon) {
                    after |= before & loops[w];
                }
                state[w] = after;
                live_bits |= after;
            }
            alive = live_bits != 0;
        }
        at += length;

        injecting = scan == Scan::floating || (injecting && piece.leading_loop && !is_colon);
        if (!to_limit && (final_state() & final_bit) != 0) {
            return at;
        }
        if (!alive && !injecting) {
            return std::nullopt;
        }
    }
    if (to_limit && (final_state() & final_bit) != 0) {
        return limit;
    }
    return std::nullopt;
}

bool Glob::matches(std::string_view subject, std::size_t fold_end) const {
    const std::size_t n = subject.size();
    fold_end = std::min(fold_end, n);
    const Piece& first = m_pieces.front();
    if (m_pieces.size() == 1) {
        if (first.is_literal) {
            return first.bytes_size == n && zone_equals(subject, 0, first, fold_end);
        }
        if (first.position_count == 0) {
            return subject.find(':') == std::string_view::npos;  // a lone restricted `*`
        }
        return run_bit_parallel(first, subject, 0, n, fold_end, Scan::anchored, true).has_value();
    }

    // first * middle... * last: the ends are anchored, each middle piece takes its earliest-ending occurrence.
    std::size_t at = 0;
    if (first.is_literal) {
        if (first.bytes_size > n || !zone_equals(subject, 0, first, fold_end) ||
            !is_character_boundary(subject, first.bytes_size)) {
            return false;
        }
        at = first.bytes_size;
    } else {
        const std::optional<std::size_t> end = run_bit_parallel(first, subject, 0, n, fold_end, Scan::anchored, false);
        if (!end) {
            return false;
        }
        at = *end;
    }

    const Piece& last = m_pieces.back();
    std::size_t limit = n;
    if (last.is_literal) {
        if (last.bytes_size > n - at) {
            return false;
        }
        limit = n - last.bytes_size;
        if (!zone_equals(subject, limit, last, fold_end) || !is_character_boundary(subject, limit)) {
            return false;
        }
    }

    for (std::size_t i = 1; i + 1 < m_pieces.size(); ++i) {
        const Piece& piece = m_pieces[i];
        // KMP compares under one rule, so it serves unless the search region straddles fold_end and the piece
        // has letters whose case matters on one side only.
        const bool all_exact = fold_end <= at || !piece.has_letters;
        const bool all_folded = fold_end >= limit;
        const std::optional<std::size_t> end =
            piece.is_literal && (all_exact || all_folded)
                ? find_literal(piece, subject, at, limit, !all_exact)
                : run_bit_parallel(piece, subject, at, limit, fold_end, Scan::floating, false);
        if (!end) {
            return false;
        }
        at = *end;
    }
    if (last.is_literal) {
        return true;
    }
    return run_bit_parallel(last, subject, at, n, fold_end, Scan::floating, true).has_value();
}

}  // namespace iotpolicy::detail
