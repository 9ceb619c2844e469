//! String properties whose "Possible values are: `a`, `b`, `c`" list names a documented enum.
//!
//! The docs often type an enum-valued property as String and list its values in the
//! description. When a documented enum has every listed value as a member, and at most three
//! members more (`unknownFutureValue` and members newer than the description), the property
//! is that enum; when several enums hold the values, the one with the fewest extra members,
//! if unique. The generated SDK gets the open enum (unknown values still round trip) and the
//! schema says what the service says. A note records each decision.

use super::{Ir, Primitive, TypeRef};
use crate::diag::{Code, Diagnostics};
use regex::Regex;
use std::sync::LazyLock;

static POSSIBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:possible|supported|allowed|valid) values (?:are|include)\s*:?\s*(.*)")
        .unwrap()
});
static TICKED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([A-Za-z0-9_]+)`").unwrap());
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9_]*$").unwrap());

/// The values a description lists, lower-cased; empty when it lists none.
pub(crate) fn listed_values(description: &str) -> Vec<String> {
    let Some(c) = POSSIBLE.captures(description) else {
        return vec![];
    };
    let rest = &c[1];
    let ticked: Vec<String> = TICKED
        .captures_iter(rest)
        .map(|m| m[1].to_lowercase())
        .collect();
    if !ticked.is_empty() {
        return ticked;
    }
    // Untagged: "user, application, system." up to the end of the sentence.
    let sentence = rest.split(". ").next().unwrap_or("").trim_end_matches('.');
    let words: Vec<String> = sentence
        .split([',', ';'])
        .flat_map(|s| s.split(" or ").flat_map(|s| s.split(" and ")))
        .map(|s| {
            s.trim()
                .trim_matches(|c| c == '*' || c == '"' || c == '\'')
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect();
    if words.iter().all(|w| WORD.is_match(w)) {
        words.into_iter().map(|w| w.to_lowercase()).collect()
    } else {
        vec![]
    }
}

pub(super) fn type_string_enums(ir: &mut Ir, diags: &mut Diagnostics) {
    let members: Vec<(&str, Vec<String>)> = ir
        .enums
        .values()
        .map(|e| {
            (
                e.name.as_str(),
                e.members.iter().map(|m| m.name.to_lowercase()).collect(),
            )
        })
        .collect();
    let mut retype: Vec<(String, usize, String)> = Vec::new();
    for t in ir.types.values() {
        for (i, p) in t.properties.iter().enumerate() {
            if p.ty
                != (TypeRef::Primitive {
                    primitive: Primitive::String,
                })
            {
                continue;
            }
            let mut values = listed_values(&p.description);
            values.sort();
            values.dedup();
            if values.len() < 2 {
                continue;
            }
            // The enums holding every listed value, fewest extra members first; the
            // tightest fit must be unique.
            let mut fits: Vec<(usize, &str)> = members
                .iter()
                .filter(|(_, ms)| {
                    values.iter().all(|v| ms.contains(v)) && ms.len() <= values.len() + 3
                })
                .map(|(e, ms)| (ms.len() - values.len(), *e))
                .collect();
            fits.sort();
            match fits.as_slice() {
                [(_, e)] => retype.push((t.name.clone(), i, e.to_string())),
                [(a, e), (b, _), ..] if a < b => retype.push((t.name.clone(), i, e.to_string())),
                _ => {}
            }
        }
    }
    for (t, i, e) in retype {
        let p = &mut ir.types.get_mut(&t).unwrap().properties[i];
        diags.emit(
            Code::StringIsEnum,
            p.loc.clone(),
            format!(
                "`{}` of `{t}` is documented as String, but its possible values are the members of `{e}`; typed as that enum",
                p.name
            ),
        );
        p.ty = TypeRef::Enum { name: e };
    }
}

#[cfg(test)]
mod tests {
    use super::listed_values;

    #[test]
    fn reads_ticked_and_plain_lists() {
        assert_eq!(
            listed_values("The state. Possible values are: `active`, `disabled`."),
            ["active", "disabled"]
        );
        assert_eq!(
            listed_values(
                "Type of initiator. Possible values are: user, application, system. Read-only."
            ),
            ["user", "application", "system"]
        );
        assert!(listed_values("Possible values are described in the docs of x.").is_empty());
        assert!(listed_values("No list here").is_empty());
    }
}
