//! Doc comments from the docs' descriptions. Text is only ever placed in string literals
//! (`#[doc = "..."]`), so nothing in it can change the generated code; markdown that
//! rustdoc would misread (brackets as links, `<tag>` as HTML) is escaped.

/// Clean one description: whitespace collapsed, rustdoc-sensitive characters escaped, bare
/// URLs made links (`<https://...>`, which rustdoc's `bare_urls` lint asks for).
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match split_url(word) {
            Some((before, url, after)) => {
                push_clean(&mut out, before);
                out.push('<');
                out.push_str(url);
                out.push('>');
                push_clean(&mut out, after);
            }
            None => push_clean(&mut out, word),
        }
    }
    out
}

/// A word holding an `http(s)://` URL: the text before it, the URL (only URL characters,
/// trailing punctuation left out) and the text after it. `None` when the word holds no URL
/// or a character that could end the `<...>` link early or start markup.
fn split_url(word: &str) -> Option<(&str, &str, &str)> {
    let start = word.find("https://").or_else(|| word.find("http://"))?;
    let rest = &word[start..];
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c)))
        .unwrap_or(rest.len());
    let url = rest[..len].trim_end_matches(['.', ',', ';', ':', ')', '\'', '!', '?']);
    let scheme_end = url.find("://")? + 3;
    if url.len() <= scheme_end || word[..start].ends_with('(') && url.contains('(') {
        return None;
    }
    Some((&word[..start], url, &word[start + url.len()..]))
}

/// One word of [`clean`]: invisible and control characters dropped, rustdoc-sensitive
/// brackets escaped.
fn push_clean(out: &mut String, word: &str) {
    for c in word.chars() {
        match c {
            // Invisible text-direction and other format/control characters: dropped, so no
            // doc comment can hide or reorder text.
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}' => {}
            c if c.is_control() => {}
            '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// `#[doc]` attributes, one per paragraph (empty paragraphs skipped, blank lines between).
pub(crate) fn attr_list(paragraphs: &[String]) -> Result<Vec<syn::Attribute>, super::EmitError> {
    lines(paragraphs)
        .iter()
        .map(|l| super::syntax::doc_attr(l))
        .collect()
}

/// The text of each doc line: a line per paragraph, blank lines between.
fn lines(paragraphs: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" {p}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::print::fix_doc_attrs;
    use quote::quote;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(
            clean("see [x]  <br> a_b\n`c`"),
            "see \\[x\\] \\<br> a_b `c`"
        );
    }

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(
            clean("See https://aka.ms/x. and (http://a.b/c?d=1&e=[2]), or https://"),
            "See <https://aka.ms/x>. and (<http://a.b/c?d=1&e=>\\[2\\]), or https://"
        );
        assert_eq!(clean("x<https://a.b/<c>"), "x\\<<https://a.b/>\\<c>");
        assert_eq!(
            clean("[link](https://a.b/c)"),
            "\\[link\\](<https://a.b/c>)"
        );
    }

    #[test]
    fn invisible_direction_marks_are_dropped() {
        assert_eq!(clean("a\u{202c}b\u{2067}c\u{0}"), "abc");
    }

    #[test]
    fn carriage_returns_leave_doc_comments() {
        let doc = " a\rb\r\nc";
        let mut file: syn::File = syn::parse2(quote! { #[doc = #doc] pub struct S; }).unwrap();
        fix_doc_attrs(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(!text.contains('\r'), "{text:?}");
        syn::parse_file(&text).unwrap();
    }

    #[test]
    fn hostile_text_stays_inside_the_literal() {
        let evil = "\"] pub fn pwned() {} #[doc = \"";
        let attrs = attr_list(&[clean(evil)]).unwrap();
        let file: syn::File = syn::parse2(quote! { #(#attrs)* pub struct S; }).unwrap();
        assert_eq!(file.items.len(), 1);
    }
}
