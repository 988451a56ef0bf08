//! Text rules shared by several resources.

use crate::error::FieldError;

/// A required, trimmed text of 1 to `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(FieldError::new(field, "must not be empty"))
    } else if trimmed.chars().count() > max {
        Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ))
    } else {
        Ok(trimmed.to_string())
    }
}

/// An optional text: blank becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => required_text(field, v, max).map(Some),
    }
}

/// A code: 2 to 32 characters, upper-case ASCII letters, digits and dashes,
/// starting with a letter (`BTC-TU`, `TU-BTC-03`).
pub fn code(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let ok = (2..=32).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(v.to_string())
    } else {
        Err(FieldError::new(
            field,
            "must be 2 to 32 upper-case letters, digits or dashes, starting with a letter",
        ))
    }
}

/// Folds Vietnamese text for search: lower case, diacritics removed, `đ` → `d`,
/// runs of white space collapsed.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_pattern() {
        assert_eq!(code("code", " BTC-TU ").unwrap(), "BTC-TU");
        for bad in ["", "b", "btc", "1ABC", "BTC TU", "ĐẢNG", &"A".repeat(33)] {
            assert!(code("code", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn folding_drops_case_and_vietnamese_diacritics() {
        assert_eq!(fold("Kết nạp  Đảng viên"), "ket nap dang vien");
        assert_eq!(fold("ĐẢNG ỦY Khối"), "dang uy khoi");
        assert_eq!(fold("Thủ Dầu Một"), "thu dau mot");
        assert_eq!(fold("TU-BTC-03"), "tu-btc-03");
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(required_text("name", "  Ban  ", 10).unwrap(), "Ban");
        assert!(required_text("name", "   ", 10).is_err());
        assert!(required_text("name", "abcdefghijk", 10).is_err());
        assert_eq!(optional_text("x", Some(" "), 5).unwrap(), None);
    }
}
