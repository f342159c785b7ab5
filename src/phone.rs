//! E.164 phone-number checks (docs/daily-api.md#rule-phone-e164): `+`, 7 to 15 digits, first digit
//! 1-9, and an assigned ITU country calling code. No per-country metadata is shipped (see README:
//! size and staleness).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

/// Assigned ITU-T E.164 country calling codes (1, 2 and 3 digits), including the international
/// networks and global services (800, 808, 870, 878, 881-883, 888, 979).
const COUNTRY_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 379, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505,
    506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675,
    676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850,
    852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966,
    967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

/// Why a string is not an E.164 number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    MissingPlus,
    NonDigit,
    LeadingZero,
    TooShort(usize),
    TooLong(usize),
    UnknownCountryCode,
}

/// The country calling code that `digits` (no `+`) starts with, if it is assigned.
pub fn country_code(digits: &str) -> Option<u16> {
    (1..=3).find_map(|len| {
        let prefix = digits.get(..len)?;
        let code: u16 = prefix.parse().ok()?;
        COUNTRY_CODES.binary_search(&code).ok().map(|_| code)
    })
}

/// Checks strict E.164: `+` followed by 7 to 15 digits, no leading zero, assigned country code.
pub fn check_e164(s: &str) -> Result<(), PhoneError> {
    if s.is_empty() {
        return Err(PhoneError::Empty);
    }
    let Some(digits) = s.strip_prefix('+') else {
        return Err(PhoneError::MissingPlus);
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PhoneError::NonDigit);
    }
    if digits.starts_with('0') {
        return Err(PhoneError::LeadingZero);
    }
    match digits.len() {
        n if n < 7 => Err(PhoneError::TooShort(n)),
        n if n > 15 => Err(PhoneError::TooLong(n)),
        _ => country_code(digits)
            .map(|_| ())
            .ok_or(PhoneError::UnknownCountryCode),
    }
}

/// A normalized E.164 form of loosely written input, when one can be derived:
/// `+1 (209) 555-1234` -> `+12095551234`, `0044 20 7946 0958` -> `+442079460958`,
/// `(209) 555-1234` -> `+12095551234` (ten digits without a country code read as North American).
pub fn suggest(s: &str) -> Option<String> {
    let trimmed = s.trim();
    let mut digits = String::new();
    for c in trimmed.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' | ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let candidate = if trimmed.starts_with('+') {
        cat!("+", digits)
    } else if let Some(rest) = digits.strip_prefix("00") {
        cat!("+", rest)
    } else if digits.len() == 10 && !digits.starts_with('0') && !digits.starts_with('1') {
        cat!("+1", digits)
    } else if digits.len() == 11 && digits.starts_with('1') {
        cat!("+", digits)
    } else {
        return None;
    };
    (candidate != s && check_e164(&candidate).is_ok()).then_some(candidate)
}

/// A sentence explaining `err` for the value `s`, with a suggestion when one exists.
pub fn explain(s: &str, err: &PhoneError) -> String {
    let base = match err {
        PhoneError::Empty => "is empty".to_string(),
        PhoneError::MissingPlus => "must start with + and the country code".to_string(),
        PhoneError::NonDigit => "may hold only digits after the +".to_string(),
        PhoneError::LeadingZero => {
            "cannot start with 0 after the + (no country code starts with 0)".to_string()
        }
        PhoneError::TooShort(n) => cat!("has ", n, " digits; E.164 numbers have 7 to 15"),
        PhoneError::TooLong(n) => cat!("has ", n, " digits; E.164 numbers have at most 15"),
        PhoneError::UnknownCountryCode => {
            "does not start with an assigned country calling code".to_string()
        }
    };
    let mut msg = cat!("phone number ", base, "; use E.164, e.g. +12095551234");
    if let Some(fix) = suggest(s) {
        msg = cat!("phone number ", base, "; did you mean ", fix, "?");
        if !s.trim_start().starts_with('+') && !s.trim_start().starts_with("00") {
            msg.push_str(" (read as a North American number; add the country code if it is not)");
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn accepts_valid_numbers() {
        for n in [
            "+12095551234",
            "+442079460958",
            "+4915123456789",
            "+8613800138000",
            "+35312345678",
            "+9611234567",
            "+79161234567",
        ] {
            assert_eq!(check_e164(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn rejects_invalid_numbers() {
        assert_eq!(check_e164(""), Err(PhoneError::Empty));
        assert_eq!(check_e164("12095551234"), Err(PhoneError::MissingPlus));
        assert_eq!(check_e164("+1 209-555-1234"), Err(PhoneError::NonDigit));
        assert_eq!(check_e164("+0123456789"), Err(PhoneError::LeadingZero));
        assert_eq!(check_e164("+123456"), Err(PhoneError::TooShort(6)));
        assert_eq!(
            check_e164("+1234567890123456"),
            Err(PhoneError::TooLong(16))
        );
        // 259 and 28x are not assigned.
        assert_eq!(
            check_e164("+2591234567"),
            Err(PhoneError::UnknownCountryCode)
        );
        assert_eq!(
            check_e164("+2801234567"),
            Err(PhoneError::UnknownCountryCode)
        );
        assert_eq!(check_e164("+١٢٣٤٥٦٧٨"), Err(PhoneError::NonDigit));
    }

    #[test]
    fn suggests_normalized_forms() {
        assert_eq!(suggest("+1 209-555-1234").as_deref(), Some("+12095551234"));
        assert_eq!(suggest("(209) 555-1234").as_deref(), Some("+12095551234"));
        assert_eq!(suggest("1-209-555-1234").as_deref(), Some("+12095551234"));
        assert_eq!(
            suggest("0044 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(suggest("+12095551234"), None);
        assert_eq!(suggest("call me"), None);
        assert_eq!(suggest("555-1234"), None);
    }
}
