//! Message text without `core::fmt`: [`cat!`] joins strings, characters and whole numbers.
//!
//! Every message the core writes is such a concatenation. `format!` would bring core's formatting
//! machinery (`Formatter`, padding, the `Display` impls and their tables) into each wasm module,
//! about 2 KB gzip of the small `daily-dialin/core`; `cat!` writes the pieces directly.

#[allow(unused_imports)]
use crate::prelude::*;

/// Something `cat!` can append.
pub trait Piece {
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                push_uint(out, *self as u64, 1);
            }
        }
    )*};
}
unsigned_pieces!(u32, u64, usize);

impl Piece for i64 {
    fn push_to(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        push_uint(out, self.unsigned_abs(), 1);
    }
}

/// Appends `n` in decimal, with leading zeros up to `min_digits`.
pub fn push_uint(out: &mut String, mut n: u64, min_digits: usize) {
    let mut buf = [b'0'; 20];
    let min_digits = min_digits.clamp(1, 20);
    // Filled from the end; 20 places hold any u64.
    let mut len = 0;
    for slot in buf.iter_mut().rev() {
        if n == 0 && len >= min_digits {
            break;
        }
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    for &d in buf.get(buf.len() - len..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// Hex digits for [`push_hex`] and [`hex4`].
pub const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
pub const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// The hex digit of the low four bits of `nibble`, from `digits` ([`UPPER_HEX`] or
/// [`LOWER_HEX`]). (The mask keeps the index in range, so the compiler drops the `get` check.)
pub fn hex_digit(digits: &[u8; 16], nibble: u32) -> char {
    char::from(digits.get((nibble & 15) as usize).copied().unwrap_or(b'0'))
}

/// Appends `b` as two hex digits from `digits` ([`UPPER_HEX`] or [`LOWER_HEX`]).
pub fn push_hex(out: &mut String, digits: &[u8; 16], b: u8) {
    out.push(hex_digit(digits, u32::from(b >> 4)));
    out.push(hex_digit(digits, u32::from(b)));
}

/// `n` in uppercase hex with at least four digits, as in `U+000A`.
pub fn hex4(n: u32) -> String {
    let digits = ((32 - n.leading_zeros() as usize).div_ceil(4)).max(4);
    (0..digits)
        .rev()
        .map(|i| hex_digit(UPPER_HEX, n >> (i * 4)))
        .collect()
}

/// Appends `items` separated by `sep` (`[..].join(sep)` brings std's generic joiner along).
pub fn push_joined<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>, sep: &str) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
}

/// Where `pat` first starts in `s`, by bytes (std's substring search is larger code).
pub fn find(s: &str, pat: &str) -> Option<usize> {
    let pat = pat.as_bytes();
    if pat.is_empty() {
        return Some(0);
    }
    s.as_bytes().windows(pat.len()).position(|w| w == pat)
}

/// `s.rsplit_once(b)` for an ASCII byte `b`, by bytes (std's char searcher is larger code).
pub fn rsplit_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let at = s.bytes().rposition(|c| c == b)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Concatenates its arguments (string slices, `String`s, `char`s, unsigned integers, `i64`) into
/// a new `String`: `cat!(path, " has ", n, " entries")`.
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = ::alloc::string::String::new();
        $($crate::text::Piece::push_to(&$piece, &mut out);)+
        out
    }};
}
pub(crate) use cat;

/// The character that the JSON escape `\` + `b` stands for, for every escape but `\u` (RFC 8259,
/// section 7): one table for the JSON readers (`redact`, `json`).
pub fn json_escape(b: u8) -> Option<char> {
    Some(match b {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// The value of a hex digit (any letter case), also of a decimal or octal one.
pub fn hex_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'a'..=b'f' => Some(u32::from(b - b'a') + 10),
        b'A'..=b'F' => Some(u32::from(b - b'A') + 10),
        _ => None,
    }
}

#[cfg(test)]
// Tests may format and slice: the no_std rules (`no_std_core!` in lib.rs) are for shipped code.
#[allow(clippy::disallowed_macros, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_written_as_format_would() {
        for n in [0u64, 7, 10, 99, 12345, u64::MAX] {
            assert_eq!(cat!(n), format!("{n}"));
        }
        for n in [0i64, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(cat!(n), format!("{n}"));
        }
        for n in [0u64, 5, 10, 123_456, u64::MAX] {
            for min in [0, 1, 6, 20, 25] {
                let mut s = String::new();
                push_uint(&mut s, n, min);
                let width = min.clamp(1, 20);
                assert_eq!(s, format!("{n:0width$}"), "{n} {min}");
            }
        }
        for n in [0u32, 0xA, 0x7F, 0xFFFF, 0x1F600, 0x10FFFF, u32::MAX] {
            assert_eq!(hex4(n), format!("{n:04X}"));
        }
        let owned = String::from("b");
        assert_eq!(cat!("a", owned, 'c', 3usize, &owned), "abc3b");
    }

    #[test]
    fn string_helpers_agree_with_std() {
        for (s, pat) in [
            ("a://b", "://"),
            ("x: y", ": "),
            ("abc", "d"),
            ("", "x"),
            ("ab", ""),
            ("::", "::"),
        ] {
            assert_eq!(find(s, pat), s.find(pat), "{s:?} {pat:?}");
        }
        for s in ["a.b.c", "abc", ".x", "x.", "é.ü"] {
            assert_eq!(rsplit_byte(s, b'.'), s.rsplit_once('.'), "{s:?}");
        }
        for items in [&[][..], &["a"][..], &["a", "", "b"][..]] {
            let mut s = String::new();
            push_joined(&mut s, items.iter().copied(), ", ");
            assert_eq!(s, items.join(", "));
        }
        let mut s = String::new();
        push_hex(&mut s, UPPER_HEX, 0xA7);
        push_hex(&mut s, LOWER_HEX, 0x0F);
        assert_eq!(s, "A70f");
    }
}
