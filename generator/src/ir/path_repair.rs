//! Repairs of request paths the docs misspell, each with one reading, each a
//! [`Code::PathRepaired`] warning at the path's line. Decided from the docs alone (the
//! official metadata only measures the result, `lint --metadata`).

use crate::diag::{Code, Diagnostics, Loc};

/// A GUID, a hex id (`2192ca408ea2410eba3bec8ae873be6b`, `acdefc6b-…`), a number, or a
/// base64 id (`AAMkAGVmMDEz`, `gDbc8U7HGwADDZocJgAAAA==`): a sample value an example URL
/// carries, never a name.
pub fn is_sample_value(seg: &str) -> bool {
    let hex = seg.chars().filter(char::is_ascii_hexdigit).count();
    let hexy = seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let digits = seg.chars().any(|c| c.is_ascii_digit());
    let upper_start = seg.chars().take(2).all(|c| c.is_ascii_uppercase());
    let base64 = seg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '_' | '-'));
    !seg.is_empty()
        && (seg.chars().all(|c| c.is_ascii_digit())
            || (hexy && digits && hex >= 8)
            || (base64 && seg.len() >= 10 && seg.ends_with('='))
            || (base64
                && upper_start
                && seg.len() >= 10
                && seg.chars().any(|c| c.is_ascii_lowercase())))
}

/// `id`, `item-id`: a placeholder written without its braces.
pub fn is_unbraced_placeholder(seg: &str) -> bool {
    seg.eq_ignore_ascii_case("id") || seg.to_ascii_lowercase().ends_with("-id")
}

#[allow(dead_code)]
fn emit(diags: &mut Diagnostics, loc: &Loc, rule: &str, from: &str, to: &str) {
    diags.emit(
        Code::PathRepaired,
        loc.clone(),
        format!("`{from}` read as `{to}` ({rule})"),
    );
}
