//! STUB until the real module lands.
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Snake,
    Camel,
}
fn clean(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    s
}
pub fn field_name(name: &str) -> String {
    let s = clean(name).to_snake_case();
    if s.is_empty() {
        "field".into()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{s}")
    } else {
        s
    }
}
pub fn type_name(name: &str) -> String {
    let s = clean(name).to_upper_camel_case();
    if s.is_empty() {
        "Type".into()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{s}")
    } else if ["Option", "Result", "Box", "String", "Vec", "Self"].contains(&s.as_str()) {
        format!("{s}Type")
    } else {
        s
    }
}
pub fn variant_name(name: &str) -> String {
    let s = clean(name).to_upper_camel_case();
    if s.is_empty() {
        "Empty".into()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else if s == "Self" {
        "SelfValue".into()
    } else {
        s
    }
}
pub fn make_ident(name: &str) -> syn::Ident {
    match name {
        "self" | "Self" | "super" | "crate" | "_" => {
            return syn::Ident::new(&format!("{name}_"), proc_macro2::Span::call_site());
        }
        _ => {}
    }
    syn::parse_str::<syn::Ident>(name)
        .unwrap_or_else(|_| syn::Ident::new_raw(name, proc_macro2::Span::call_site()))
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
        if self.taken.insert(converted.clone()) {
            return converted;
        }
        let mut n = 2;
        loop {
            let c = match self.style {
                Style::Snake => format!("{converted}_{n}"),
                Style::Camel => format!("{converted}{n}"),
            };
            if self.taken.insert(c.clone()) {
                return c;
            }
            n += 1;
        }
    }
}
