// The matching engine behind WildcardPattern and ArnPattern: a glob of literal characters, `?` and `*`, where a
// wildcard may be barred from matching ':' (the per-segment reading of ARNs, spec §3.2). The contract, the
// complexity bound and why greedy matching is correct are stated in include/iotpolicy/wildcard.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iotpolicy::detail {

/// Which characters a wildcard may stand for.
enum class GlobClass : std::uint8_t {
    any,        // every character
    not_colon,  // every character but ':'
};

/// One element of a glob as written: literal bytes, one character, or a run of characters.
struct GlobToken {
    enum class Kind : std::uint8_t { literal, any_one, any_run };
    Kind kind = Kind::literal;
    GlobClass wildcard_class = GlobClass::any;  // any_one and any_run only
    std::string_view text;                      // literal only
};

/// Whether byte offset `at` of `text` starts a character: a code point, or a byte that begins no well-formed
/// UTF-8 sequence (which counts as one character, as everywhere in iotpolicy).
bool is_character_boundary(std::string_view text, std::size_t at);

/// A compiled glob. Immutable, so one instance can serve many threads.
class Glob {
public:
    /// Matches only the empty string.
    Glob();

    /// The concatenation of `tokens`. Literal runs are decoded as UTF-8 on their own, so a literal never
    /// joins a wildcard into one character.
    explicit Glob(std::span<const GlobToken> tokens);

    /// Whether the whole of `subject` matches. ASCII letters of `subject` before byte `fold_end` compare
    /// without case; from `fold_end` on, bytes compare exactly. Allocation-free unless one piece between two
    /// `*` spans more than k_stack_positions characters.
    bool matches(std::string_view subject, std::size_t fold_end) const;

    /// False when the glob is one literal string.
    bool has_wildcards() const { return m_pieces.size() != 1 || !m_pieces.front().is_literal; }

    /// The string a wildcard-free glob equals.
    std::optional<std::string_view> plain_text() const;

    /// The widest piece the state of the bit-parallel matcher keeps on the stack.
    static constexpr std::size_t k_stack_positions = 64 * 64;

private:
    /// The text between two unrestricted `*` (or an end of the pattern): literal characters, `?`, and
    /// `*` barred from ':' (kept inside the piece as a self-loop).
    struct Piece {
        bool is_literal = true;     // literal characters only: found by Knuth–Morris–Pratt
        bool leading_loop = false;  // a restricted `*` before the first character (first piece only)
        bool has_loops = false;
        bool has_letters = false;     // literal pieces: whether case folding can matter
        std::int16_t skip_byte = -1;  // the first position's character when it is one ASCII byte, else -1
        std::uint32_t bytes_begin = 0;  // the literal bytes (literal pieces), in m_bytes and m_folded
        std::uint32_t bytes_size = 0;
        std::uint32_t failure_begin = 0;  // two KMP failure tables (exact, folded) of bytes_size entries each
        std::uint32_t position_count = 0;  // characters, `?` included: the bit-parallel matcher's positions
        std::uint32_t words = 0;           // 64-bit words per state
        std::uint32_t class_map_begin = 0;  // 256 entries of m_class_of: single-byte character -> class
        std::uint32_t multibyte_begin = 0;  // sorted [begin, end) of m_multibyte
        std::uint32_t multibyte_end = 0;
        std::uint32_t masks_begin = 0;  // class c's positions: m_masks[masks_begin + c * words ...]
        std::uint32_t loops_begin = 0;  // positions followed by a restricted `*`: m_masks[loops_begin ...]
    };

    /// A multi-byte character of the piece and the positions that hold it (its bits are set on top of the
    /// class-0 mask at match time, so memory stays linear in the piece).
    struct MultibyteUnit {
        std::uint32_t packed = 0;  // the UTF-8 bytes, first byte lowest
        std::uint32_t positions_begin = 0;  // in m_multibyte_positions
        std::uint32_t positions_end = 0;
    };

    struct PieceSpec;
    enum class Scan : std::uint8_t { anchored, floating };

    void add_piece(const PieceSpec& spec);
    void add_plain_text(std::string_view bytes);
    bool zone_equals(std::string_view subject, std::size_t at, const Piece& piece, std::size_t fold_end) const;
    std::optional<std::size_t> find_literal(const Piece& piece, std::string_view subject, std::size_t from,
                                            std::size_t limit, bool fold) const;
    std::optional<std::size_t> run_bit_parallel(const Piece& piece, std::string_view subject, std::size_t from,
                                                std::size_t limit, std::size_t fold_end, Scan scan,
                                                bool to_limit) const;
    template <bool k_single_word>
    std::optional<std::size_t> scan_bits(const Piece& piece, std::string_view subject, std::size_t from,
                                         std::size_t limit, std::size_t fold_end, Scan scan, bool to_limit) const;

    std::vector<Piece> m_pieces;             // never empty; pieces are separated by unrestricted `*`
    std::string m_bytes;                     // the literal pieces' bytes
    std::string m_folded;                    // m_bytes with ASCII letters lowered
    std::vector<std::uint32_t> m_failure;
    std::vector<std::uint16_t> m_class_of;
    std::vector<MultibyteUnit> m_multibyte;
    std::vector<std::uint32_t> m_multibyte_positions;
    std::vector<std::uint64_t> m_masks;
};

}  // namespace iotpolicy::detail
