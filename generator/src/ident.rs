//! Doc strings (JSON property names, type names, enum member values) → valid Rust
//! identifiers, deterministically.
//!
//! - Words are split at any character that is not an ASCII letter or digit (and at case
//!   changes, by heck); Latin-1 accented letters are transliterated (`é` → `e`), other
//!   non-ASCII characters dropped.
//! - Keywords of every edition become raw identifiers (`r#type`, `r#gen`); those that cannot
//!   be raw (`self`, `Self`, `super`, `crate`, `_`) get a trailing underscore.
//! - Type names that would shadow prelude or std names the generated code uses get the
//!   suffix `Type` (`Option` → `OptionType`).
//! - A name starting with a digit gets a prefix: `f_` for fields, `T` for types, `V` for
//!   variants. An empty result becomes `field`, `Type` or `Empty`.
//! - [`Namer`] resolves collisions after conversion: first claimant keeps the name, later
//!   ones get `_2`, `_3`, ... (snake) or `2`, `3`, ... (camel).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Snake,
    Camel,
}

/// Strict, reserved and edition keywords (2015–2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try",
    "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names the generated code uses unqualified; a type with such a name would shadow them.
const SHADOWED: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "Self",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "ToString",
    "From",
    "Into",
    "PartialEq",
    "Eq",
    "Ord",
    "PartialOrd",
    "Debug",
    "Hash",
    "Value",
    "Map",
    "BTreeMap",
    "HashMap",
];

fn transliterate(c: char) -> Option<char> {
    Some(match c {
        'À'..='Å' => 'A',
        'à'..='å' => 'a',
        'Ç' => 'C',
        'ç' => 'c',
        'È'..='Ë' => 'E',
        'è'..='ë' => 'e',
        'Ì'..='Ï' => 'I',
        'ì'..='ï' => 'i',
        'Ñ' => 'N',
        'ñ' => 'n',
        'Ò'..='Ö' | 'Ø' => 'O',
        'ò'..='ö' | 'ø' => 'o',
        'Ù'..='Ü' => 'U',
        'ù'..='ü' => 'u',
        'Ý' => 'Y',
        'ý' | 'ÿ' => 'y',
        'ß' => 's',
        c if c.is_ascii_alphanumeric() => c,
        _ => return None,
    })
}

/// ASCII letters and digits kept, everything else a word break.
fn words(s: &str) -> String {
    s.chars().map(|c| transliterate(c).unwrap_or(' ')).collect()
}

pub fn field_name(name: &str) -> String {
    // The same JSON names come back for every type that inherits them: converted once per
    // thread.
    thread_local! {
        static MADE: crate::memo::Memo<String> = Default::default();
    }
    MADE.with(|m| m.get_or(name, convert_field_name))
}

fn convert_field_name(name: &str) -> String {
    let s = words(name).to_snake_case();
    match s.chars().next() {
        None => "field".into(),
        Some(c) if c.is_ascii_digit() => format!("f_{s}"),
        _ => s,
    }
}

pub(crate) fn type_name(name: &str) -> String {
    let s = words(name).to_upper_camel_case();
    match s.chars().next() {
        None => "Type".into(),
        Some(c) if c.is_ascii_digit() => format!("T{s}"),
        _ if SHADOWED.contains(&s.as_str()) => format!("{s}Type"),
        _ => s,
    }
}

pub(crate) fn variant_name(name: &str) -> String {
    let s = words(name).to_upper_camel_case();
    match s.chars().next() {
        None => "Empty".into(),
        Some(c) if c.is_ascii_digit() => format!("V{s}"),
        _ if s == "Self" => "SelfValue".into(),
        _ => s,
    }
}

/// An identifier from an already-converted name: keywords escaped.
pub fn make_ident(name: &str) -> syn::Ident {
    let name = unraw_spelling(name);
    if KEYWORDS.contains(&name.as_ref()) {
        return syn::Ident::new_raw(&name, Span::call_site());
    }
    syn::Ident::new(&name, Span::call_site())
}

/// What [`make_ident`] makes of `name`, without the `r#` of a raw identifier: a keyword
/// that cannot be raw gets a trailing `_`.
fn unraw_spelling(name: &str) -> std::borrow::Cow<'_, str> {
    if NOT_RAW.contains(&name) {
        format!("{name}_").into()
    } else {
        name.into()
    }
}

pub fn field_ident(name: &str) -> syn::Ident {
    make_ident(&field_name(name))
}

pub fn type_ident(name: &str) -> syn::Ident {
    make_ident(&type_name(name))
}

pub fn variant_ident(name: &str) -> syn::Ident {
    make_ident(&variant_name(name))
}

/// Collision resolution within one scope; claim in a sorted order for determinism.
pub struct Namer {
    style: Style,
    taken: BTreeSet<String>,
}

impl Namer {
    pub fn new(style: Style) -> Self {
        Namer {
            style,
            taken: BTreeSet::new(),
        }
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn claim(&mut self, converted: String) -> String {
        let escaped = |s: &str| unraw_spelling(s).into_owned();
        if self.taken.insert(escaped(&converted)) {
            return converted;
        }
        (2..)
            .map(|n| match self.style {
                Style::Snake => format!("{converted}_{n}"),
                Style::Camel => format!("{converted}{n}"),
            })
            .find(|c| self.taken.insert(escaped(c)))
            .expect("an unused name exists")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    /// The naming obstacle course: every input yields identifiers that parse in a struct
    /// field, a type name and an enum variant.
    #[test]
    fn obstacle_course() {
        let inputs = [
            "displayName",
            "@odata.type",
            "type",
            "self",
            "Self",
            "super",
            "crate",
            "_",
            "__",
            "iOS",
            "ODataType",
            "24HourFormat",
            "Azure AD",
            "fixed-length",
            "ünïcode",
            "",
            "r#x",
            "café",
            "a.b.c",
            "x-ms-foo",
            "$value",
            "😀",
            "\"quotes\"",
            "</script>",
            "gen",
            "async",
            "await",
            "dyn",
            "try",
            "abstract",
            "become",
            "box",
            "do",
            "final",
            "macro",
            "override",
            "priv",
            "typeof",
            "unsized",
            "virtual",
            "yield",
            "union",
            "static",
            "Option",
            "Result",
            "String",
            "Vec",
            "Box",
            "true",
            "false",
            "fn",
            "match",
            "loop",
            "1",
            "0.5",
            "-",
            "Ω",
        ];
        for input in inputs {
            let f = field_ident(input);
            let t = type_ident(input);
            let v = variant_ident(input);
            let file = quote! { struct #t { #f: u8 } enum E { #v } };
            syn::parse2::<syn::File>(file).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        }
        assert_eq!(field_ident("type").to_string(), "r#type");
        assert_eq!(field_ident("gen").to_string(), "r#gen");
        assert_eq!(field_ident("self").to_string(), "self_");
        assert_eq!(field_ident("@odata.type").to_string(), "odata_type");
        assert_eq!(field_ident("24HourFormat").to_string(), "f_24hour_format");
        assert_eq!(field_ident("café").to_string(), "cafe");
        assert_eq!(type_ident("option").to_string(), "OptionType");
        assert_eq!(type_ident("Self").to_string(), "SelfType");
        assert_eq!(variant_ident("Self").to_string(), "SelfValue");
        assert_eq!(variant_ident("1stPlace").to_string(), "V1stPlace");
        assert_eq!(variant_ident("").to_string(), "Empty");
    }

    #[test]
    fn namer_resolves_collisions_deterministically() {
        let mut n = Namer::new(Style::Snake);
        n.reserve("odata_type");
        let got: Vec<String> = ["displayName", "DisplayName", "display_name", "odataType"]
            .iter()
            .map(|s| n.claim(field_name(s)))
            .collect();
        assert_eq!(
            got,
            [
                "display_name",
                "display_name_2",
                "display_name_3",
                "odata_type_2"
            ]
        );
        let mut c = Namer::new(Style::Camel);
        c.reserve("Undocumented");
        assert_eq!(c.claim("Undocumented".into()), "Undocumented2");
        assert_eq!(c.claim("Undocumented".into()), "Undocumented3");
    }
}
