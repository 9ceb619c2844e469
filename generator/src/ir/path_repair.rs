//! Request paths the docs misspell, repaired where the spelling has one reading, each a
//! [`Code::PathRepaired`] warning at the path's line. Decided from the docs alone; the
//! official metadata only measures the result (`lint --metadata`, [`crate::metadata::paths`]).
//!
//! On one path's text, before it is parsed ([`parse`]):
//! - `~/x`: the service root written as `~` → `/x`;
//! - `/teams/(team-id)/…`: a placeholder in parentheses as a whole segment → `{team-id}`;
//! - `{user-id} | user-principal-name`: the alternative outside the braces → inside;
//! - `range(address='<address>'`: a call left open at the end → closed;
//! - `{id}$ref`: `$ref`, `$value` or `$count` glued to the segment before → its own segment;
//! - `tables/$/add`: a segment that is only `$` → dropped;
//! - `/classes/acdefc6b-…/`, `/messages/AAMkAGVmMDEz`: a sample id (a GUID, hex, a number,
//!   a base64 id) → a parameter named after the segment before (`{class-id}`); a bare `id`
//!   segment with more after it → `{id}`.
//!
//! Over all the documented paths ([`across`], before duplicates are merged):
//! - `accessPackage/{id}`: a segment before a key, where other paths with the same prefix
//!   spell it in the plural (`accessPackages/{id}`) → the plural;
//! - `languages/en`: a literal where another path of the same operation has a parameter
//!   after the same segment (`languages/{id}`) → that parameter.
//!
//! A repaired path keeps the docs' text in `original`; its `raw` is the repaired text.

use super::Ir;
use super::path::{self, PathTemplate};
use crate::diag::{Code, Diagnostics, Loc};
use std::collections::BTreeMap;

/// What a repair reads a misspelling as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rule {
    TildeRoot,
    ParenPlaceholder,
    DetachedAlternative,
    UnclosedCall,
    GluedSystemSegment,
    LoneDollar,
    SampleId,
    UnbracedId,
    Plural,
    ExampleLiteral,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::TildeRoot => "`~` is the service root",
            Rule::ParenPlaceholder => "a placeholder in parentheses is a parameter",
            Rule::DetachedAlternative => "the alternative belongs inside the braces",
            Rule::UnclosedCall => "the call's parentheses were left open",
            Rule::GluedSystemSegment => "a `$` segment glued to the one before",
            Rule::LoneDollar => "a segment that is only `$` means nothing",
            Rule::SampleId => "a sample id where the caller's key goes",
            Rule::UnbracedId => "`id` without its braces",
            Rule::Plural => "other paths spell this segment in the plural",
            Rule::ExampleLiteral => {
                "an example value where another path of the operation has a parameter"
            }
        }
    }
}

/// A GUID, a hex id (`2192ca408ea2410eba3bec8ae873be6b`, `acdefc6b-…`), a number, or a
/// base64 id (`AAMkAGVmMDEz`, `gDbc8U7HGwADDZocJgAAAA==`): a sample value an example URL
/// carries, never a name.
pub(crate) fn is_sample_value(seg: &str) -> bool {
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
pub(crate) fn is_unbraced_placeholder(seg: &str) -> bool {
    seg.eq_ignore_ascii_case("id") || seg.to_ascii_lowercase().ends_with("-id")
}

/// `classes` → `class`, `policies` → `policy`, `cases` → `case`.
pub(crate) fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if let Some(stem) = word.strip_suffix("ies").filter(|_| lower.len() > 4) {
        return format!("{stem}y");
    }
    for end in ["sses", "xes", "ches", "shes"] {
        if lower.ends_with(end) {
            return word[..word.len() - 2].to_string();
        }
    }
    match lower.ends_with('s') && !lower.ends_with("ss") {
        true => word[..word.len() - 1].to_string(),
        false => word.to_string(),
    }
}

/// The path's segments (split at `/` outside quotes, parentheses and braces).
fn split_segments(path: &str) -> Vec<String> {
    let (mut out, mut cur) = (Vec::new(), String::new());
    let (mut depth, mut quote) = (0i32, false);
    for c in path.chars() {
        match c {
            '\'' => quote = !quote,
            '(' | '{' if !quote => depth += 1,
            ')' | '}' if !quote => depth -= 1,
            '/' if !quote && depth <= 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// Text before the path (scheme, host, version), the path, and the query (with its `?`).
fn parts(raw: &str) -> (&str, &str, &str) {
    let trimmed = raw.trim();
    let stripped = path::strip_service_root(trimmed);
    let prefix = match trimmed.ends_with(stripped) {
        true => &trimmed[..trimmed.len() - stripped.len()],
        false => "",
    };
    let body = &trimmed[prefix.len()..];
    match body.find('?') {
        Some(i) => (prefix, &body[..i], &body[i..]),
        None => (prefix, body, ""),
    }
}

/// One path's text repairs, in order; the repaired text and the rules applied.
pub(crate) fn repair_text(raw: &str) -> (String, Vec<Rule>) {
    let (prefix, path, query) = parts(raw);
    let mut rules = Vec::new();
    let mut path = path.to_string();
    if let Some(rest) = path.strip_prefix('~').filter(|r| r.starts_with('/')) {
        path = rest.to_string();
        rules.push(Rule::TildeRoot);
    }
    if let Some(fixed) = attach_alternative(&path) {
        path = fixed;
        rules.push(Rule::DetachedAlternative);
    }
    if let Some(fixed) = close_call(&path) {
        path = fixed;
        rules.push(Rule::UnclosedCall);
    }
    let segs = split_segments(&path);
    let mut out: Vec<String> = Vec::with_capacity(segs.len());
    let mut params: Vec<String> = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        match segment_repair(seg, out.last().map(String::as_str), last, &mut params) {
            Some((rule, replaced)) => {
                rules.push(rule);
                out.extend(replaced);
            }
            None => out.push(seg.clone()),
        }
    }
    if rules.is_empty() {
        return (raw.to_string(), rules);
    }
    (format!("{prefix}{}{query}", out.join("/")), rules)
}

/// A repair of one segment: the rule and what replaces it (none, one or two segments).
fn segment_repair(
    seg: &str,
    prev: Option<&str>,
    last: bool,
    params: &mut Vec<String>,
) -> Option<(Rule, Vec<String>)> {
    let inner = seg.strip_prefix('(').and_then(|s| s.strip_suffix(')'));
    if let Some(name) = inner.filter(|n| is_placeholder_name(n)) {
        return Some((Rule::ParenPlaceholder, vec![format!("{{{name}}}")]));
    }
    if seg == "$" {
        return Some((Rule::LoneDollar, vec![]));
    }
    for sys in ["$ref", "$value", "$count"] {
        if let Some(head) = seg.strip_suffix(sys).filter(|h| {
            h.ends_with(|c: char| c == '}' || c.is_ascii_alphanumeric()) && !h.contains(['(', '\''])
        }) {
            return Some((Rule::GluedSystemSegment, vec![head.into(), sys.into()]));
        }
    }
    let prev = prev.filter(|p| is_placeholder_name(p))?;
    if is_sample_value(seg) {
        let mut name = format!("{}-id", singular(prev));
        let n = params.iter().filter(|p| p.starts_with(&name)).count();
        params.push(name.clone());
        if n > 0 {
            name = format!("{name}{}", n + 1);
        }
        return Some((Rule::SampleId, vec![format!("{{{name}}}")]));
    }
    if seg.eq_ignore_ascii_case("id") && !last {
        return Some((Rule::UnbracedId, vec![format!("{{{seg}}}")]));
    }
    None
}

/// `team-id`, `accessPackages`: a name (letters, digits, `-`, `_`, starting with a letter).
fn is_placeholder_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `{user-id} | user-principal-name` → `{user-id | user-principal-name}`.
fn attach_alternative(path: &str) -> Option<String> {
    let close = path.find('}')?;
    let after = &path[close + 1..];
    let rest = after.trim_start().strip_prefix('|')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    if end == 0
        || path[..close]
            .rfind('{')
            .is_none_or(|o| path[o..close].contains('|'))
    {
        return None;
    }
    let (alt, tail) = rest.split_at(end);
    Some(format!("{} | {alt}}}{tail}", &path[..close]))
}

/// `…/range(address='<address>'` (the last call left open) → `…/range(address='<address>')`.
fn close_call(path: &str) -> Option<String> {
    let (mut depth, mut quote) = (0i32, false);
    for c in path.chars() {
        match c {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => depth -= 1,
            _ => {}
        }
    }
    let last = path.rsplit('/').next().unwrap_or(path);
    (depth == 1 && !quote && last.contains('(') && !last.contains(')')).then(|| format!("{path})"))
}

/// [`path::parse`] of `raw` after [`repair_text`]; each repair is a warning at `loc`, and a
/// repaired template keeps the docs' text in `original`.
pub(crate) fn parse(raw: &str, loc: &Loc, diags: &mut Diagnostics) -> Result<PathTemplate, String> {
    let (fixed, rules) = repair_text(raw);
    if rules.is_empty() {
        return path::parse(raw);
    }
    let mut t = path::parse(&fixed)?;
    for rule in rules {
        emit(diags, loc, rule, raw, &fixed);
    }
    t.original = Some(raw.to_string());
    Ok(t)
}

fn emit(diags: &mut Diagnostics, loc: &Loc, rule: Rule, from: &str, to: &str) {
    diags.emit(
        Code::PathRepaired,
        loc.clone(),
        format!("`{from}` read as `{to}`: {}", rule.describe()),
    );
}

/// A path's text split for [`across`]: before the path, its segments, the query.
struct RawPath {
    prefix: String,
    segs: Vec<String>,
    query: String,
}

impl RawPath {
    fn new(raw: &str) -> Self {
        let (prefix, path, query) = parts(raw);
        let lead = if path.starts_with('/') { "/" } else { "" };
        let segs = split_segments(path.trim_matches('/'));
        RawPath {
            prefix: format!("{prefix}{lead}"),
            segs,
            query: query.to_string(),
        }
    }

    fn text(&self) -> String {
        format!("{}{}{}", self.prefix, self.segs.join("/"), self.query)
    }

    /// Segment `i` is one parameter (`{id}`, `<key>`).
    fn is_param(&self, i: usize) -> bool {
        self.segs.get(i).is_some_and(|s| is_param_segment(s))
    }
}

/// The prefixes of the documented paths as a trie: node 0 is the empty prefix, and each
/// node has a child per segment that follows it (lower-cased, a parameter as `{}`). A prefix
/// is then one number, however long the path (a key string per prefix would be quadratic in
/// a path's length, in time and memory).
struct Prefixes {
    children: BTreeMap<(usize, String), usize>,
}

impl Prefixes {
    const ROOT: usize = 0;

    fn new() -> Self {
        Prefixes {
            children: BTreeMap::new(),
        }
    }

    /// The node after `node` and `seg`, made when new.
    fn child(&mut self, node: usize, seg: &str) -> usize {
        let next = self.children.len() + 1;
        *self.children.entry((node, word_of(seg))).or_insert(next)
    }

    /// The node after `node` and `seg`, when some documented path has that prefix.
    fn find(&self, node: Option<usize>, seg: &str) -> Option<usize> {
        self.children.get(&(node?, word_of(seg))).copied()
    }
}

/// A segment as the prefixes hold it: lower-cased, a parameter as `{}`.
fn word_of(seg: &str) -> String {
    match is_param_segment(seg) {
        true => "{}".to_string(),
        false => seg.to_lowercase(),
    }
}

fn is_param_segment(s: &str) -> bool {
    (s.starts_with('{') && s.ends_with('}')) || (s.starts_with('<') && s.ends_with('>'))
}

/// A prefix ([`Prefixes`] node, or for [`Spelled::after`] the one segment before,
/// lower-cased) → the segments that follow it and how many paths spell each.
type Spellings<K> = BTreeMap<K, BTreeMap<String, usize>>;

struct Spelled {
    prefixes: Prefixes,
    /// By the whole prefix, literal segments as written.
    prefix: Spellings<usize>,
    /// By the segment before (lower-cased; a parameter as `{}`).
    after: Spellings<String>,
}

fn spellings(ir: &Ir) -> Spelled {
    let mut prefixes = Prefixes::new();
    let (mut prefix, mut after) = (Spellings::new(), Spellings::new());
    for p in ir.operations.iter().flat_map(|o| &o.paths) {
        let raw = RawPath::new(&p.raw);
        let mut node = Prefixes::ROOT;
        for (i, seg) in raw.segs.iter().enumerate() {
            if !is_param_segment(seg) {
                let entry: &mut BTreeMap<String, usize> = prefix.entry(node).or_default();
                *entry.entry(seg.clone()).or_default() += 1;
            }
            node = prefixes.child(node, seg);
            if let Some(before) = i.checked_sub(1).map(|b| raw.segs[b].to_lowercase()) {
                *after
                    .entry(before)
                    .or_default()
                    .entry(word_of(seg))
                    .or_default() += 1;
            }
        }
    }
    Spelled {
        prefixes,
        prefix,
        after,
    }
}

/// The repairs that need every documented path: plural spellings and example literals.
pub(crate) fn across(ir: &mut Ir, diags: &mut Diagnostics) {
    let spelled = spellings(ir);
    for op in &mut ir.operations {
        let siblings: Vec<RawPath> = op.paths.iter().map(|p| RawPath::new(&p.raw)).collect();
        for p in &mut op.paths {
            let mut raw = RawPath::new(&p.raw);
            let mut rules = Vec::new();
            let mut node = Some(Prefixes::ROOT);
            for i in 0..raw.segs.len() {
                if is_placeholder_name(&raw.segs[i]) {
                    if let Some(plural) = plural_of(&spelled.prefix, &raw, node, i) {
                        raw.segs[i] = plural;
                        rules.push(Rule::Plural);
                    } else if let Some(param) = sibling_param(&spelled.after, &siblings, &raw, i) {
                        raw.segs[i] = param;
                        rules.push(Rule::ExampleLiteral);
                    }
                }
                node = spelled.prefixes.find(node, &raw.segs[i]);
            }
            if rules.is_empty() {
                continue;
            }
            let loc = p.loc.clone().unwrap_or_else(|| op.loc.clone());
            let fixed = raw.text();
            let Ok(mut t) = path::parse(&fixed) else {
                continue;
            };
            for rule in rules {
                emit(diags, &loc, rule, &p.raw, &fixed);
            }
            t.loc = p.loc.take();
            t.original = p.original.take().or_else(|| Some(p.raw.clone()));
            *p = t;
        }
    }
}

/// The plural the other paths with the same prefix spell segment `i` (before a key) in,
/// when more paths spell it so than as written.
fn plural_of(
    spelled: &Spellings<usize>,
    raw: &RawPath,
    node: Option<usize>,
    i: usize,
) -> Option<String> {
    if !raw.is_param(i + 1) {
        return None;
    }
    let word = &raw.segs[i];
    let lower = word.to_lowercase();
    let candidates = [format!("{lower}s"), format!("{lower}es")];
    let here = spelled.get(&node?)?;
    let singular = here
        .iter()
        .filter(|(w, _)| w.eq_ignore_ascii_case(word))
        .map(|(_, n)| n)
        .sum::<usize>();
    let plural = here
        .iter()
        .filter(|(w, _)| candidates.contains(&w.to_lowercase()))
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    (*plural.1 > singular).then(|| plural.0.clone())
}

/// The parameter another path of the operation has at segment `i`, after the same segment
/// as this one's literal, when that path does not name the literal anywhere and the docs put
/// a parameter after that segment more often than the literal.
fn sibling_param(
    after: &Spellings<String>,
    siblings: &[RawPath],
    raw: &RawPath,
    i: usize,
) -> Option<String> {
    let before = raw.segs.get(i.checked_sub(1)?)?;
    if is_param_segment(before) {
        return None;
    }
    let word = &raw.segs[i];
    let counts = after.get(&before.to_lowercase())?;
    let count = |w: &str| counts.get(w).copied().unwrap_or(0);
    if count("{}") <= count(&word.to_lowercase()) {
        return None;
    }
    // `/groups/evaluateDynamicMembership` beside `/groups/{id}/evaluateDynamicMembership`:
    // a name the other path uses too is no example value
    let found = siblings.iter().find(|s| {
        s.is_param(i)
            && s.segs
                .get(i - 1)
                .is_some_and(|b| b.eq_ignore_ascii_case(before))
            && !s.segs.iter().any(|w| w.eq_ignore_ascii_case(word))
    })?;
    Some(found.segs[i].clone())
}

#[cfg(test)]
mod tests {
    use super::{Rule, across, is_sample_value, parse, repair_text, singular};
    use crate::diag::{Code, Diagnostics, Loc};
    use crate::ir::Ir;
    use crate::ir::path::{self, PathTemplate};
    use crate::ir::{Operation, Response};

    fn repaired(raw: &str) -> (String, Vec<Rule>) {
        repair_text(raw)
    }

    fn loc() -> Loc {
        Loc {
            file: "api/x.md".into(),
            line: 30,
            col: 1,
        }
    }

    #[test]
    fn sample_values_and_names() {
        for v in [
            "acdefc6b-2dc6-4e71-b1e9-6d9810ab1793",
            "2192ca408ea2410eba3bec8ae873be6b",
            "33434233-3030-3739-3043-393039324633",
            "AAMkAGVmMDEz",
            "AAMkpsDRVK",
            "gDbc8U7HGwADDZocJgAAAA==",
            "12345",
        ] {
            assert!(is_sample_value(v), "{v}");
        }
        for name in [
            "accessPackages",
            "fido2",
            "TemporaryAccessPass",
            "getOffice365ActiveUserDetail",
            "b2cUserFlows",
            "decade",
            "applicationProxy",
        ] {
            assert!(!is_sample_value(name), "{name}");
        }
        assert_eq!(singular("classes"), "class");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("cases"), "case");
        assert_eq!(singular("unifiedGroupSources"), "unifiedGroupSource");
    }

    #[test]
    fn tilde_root() {
        let (t, rules) = repaired("~/onPremisesPublishingProfiles/{publishingType}/agentGroups");
        assert_eq!(
            t,
            "/onPremisesPublishingProfiles/{publishingType}/agentGroups"
        );
        assert_eq!(rules, [Rule::TildeRoot]);
    }

    #[test]
    fn placeholder_in_parentheses() {
        let (t, rules) = repaired("/teams/(team-id)/channels/{channel-id}/messages/{message-id}");
        assert_eq!(
            t,
            "/teams/{team-id}/channels/{channel-id}/messages/{message-id}"
        );
        assert_eq!(rules, [Rule::ParenPlaceholder]);
        // a key in parentheses after a name is not one
        let keyed = "/workbook/worksheets(<key>)/range(address='{a}')";
        assert_eq!(repaired(keyed), (keyed.to_string(), vec![]));
    }

    #[test]
    fn detached_alternative() {
        let (t, rules) = repaired("/users/{user-id} | user-principal-name/chats");
        assert_eq!(t, "/users/{user-id | user-principal-name}/chats");
        assert_eq!(rules, [Rule::DetachedAlternative]);
        let fine = "/users/{user-id | user-principal-name}/chats/{chat-id}/members";
        assert!(repaired(fine).1.is_empty());
    }

    #[test]
    fn unclosed_call() {
        let raw = "/me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='<address>'";
        let (t, rules) = repaired(raw);
        assert_eq!(t, format!("{raw})"));
        assert_eq!(rules, [Rule::UnclosedCall]);
        assert!(
            path::parse(&t)
                .unwrap()
                .shape()
                .ends_with("/range(address='{}')")
        );
    }

    #[test]
    fn glued_system_segment_and_lone_dollar() {
        let (t, rules) = repaired("/servicePrincipals/{id}/tokenLifetimePolicies/{id}$ref");
        assert_eq!(t, "/servicePrincipals/{id}/tokenLifetimePolicies/{id}/$ref");
        assert_eq!(rules, [Rule::GluedSystemSegment]);
        let (t, rules) = repaired("/me/drive/root:/{item-path}:/workbook/tables/$/add");
        assert_eq!(t, "/me/drive/root:/{item-path}:/workbook/tables/add");
        assert_eq!(rules, [Rule::LoneDollar]);
        // inside a call's argument or the query, `$` is the docs' own
        let fine = "/me/messages?$filter=x eq 'a$ref'";
        assert!(repaired(fine).1.is_empty());
    }

    #[test]
    fn sample_ids_become_parameters() {
        let raw = "https://graph.microsoft.com/beta/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments/ad8afb28-c138-4ad7-b7f5-a6986c2655a8/submissions";
        let (t, rules) = repaired(raw);
        assert_eq!(
            t,
            "https://graph.microsoft.com/beta/education/classes/{class-id}/assignments/{assignment-id}/submissions"
        );
        assert_eq!(rules, [Rule::SampleId, Rule::SampleId]);
        let (t, _) = repaired(
            "/compliance/ediscovery/cases/4c8f8f70-7785-4bd4-b296-c98376a2c5e1/custodians/2192ca408ea2410eba3bec8ae873be6b/unifiedGroupSources",
        );
        assert_eq!(
            t,
            "/compliance/ediscovery/cases/{case-id}/custodians/{custodian-id}/unifiedGroupSources"
        );
        let (t, _) = repaired(
            "https://graph.microsoft.com/beta/me/todo/lists/gDbc8U7HGwADDZocJgAAAA==/tasks/delta?$deltatoken=w0vf2jHg2mBXU-I2AK0FSWl0dopNtG8u5YoM",
        );
        assert_eq!(
            t,
            "https://graph.microsoft.com/beta/me/todo/lists/{list-id}/tasks/delta?$deltatoken=w0vf2jHg2mBXU-I2AK0FSWl0dopNtG8u5YoM"
        );
        let (t, rules) = repaired("/sites/id/contentTypes/id/copyToDefaultContentLocation");
        assert_eq!(
            t,
            "/sites/{id}/contentTypes/{id}/copyToDefaultContentLocation"
        );
        assert_eq!(rules, [Rule::UnbracedId, Rule::UnbracedId]);
        // names stay, and a last `id` may be a property
        for fine in [
            "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2",
            "/reports/getOffice365ActivationCounts",
            "/users/{id}/id",
        ] {
            assert!(repaired(fine).1.is_empty(), "{fine}");
        }
    }

    #[test]
    fn parse_reports_each_repair_and_keeps_the_docs_text() {
        let mut diags = Diagnostics::default();
        let raw = "/teams/(team-id)/channels/{channel-id}/messages/{message-id}";
        let t = parse(raw, &loc(), &mut diags).unwrap();
        assert_eq!(t.original.as_deref(), Some(raw));
        assert_eq!(t.shape(), "/teams/{}/channels/{}/messages/{}");
        let d: Vec<_> = diags.iter().collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::PathRepaired);
        assert_eq!(d[0].loc, loc());
        assert!(
            d[0].message.contains("`/teams/{team-id}/"),
            "{}",
            d[0].message
        );
        let mut none = Diagnostics::default();
        let t = parse("/teams/{team-id}", &loc(), &mut none).unwrap();
        assert!(t.original.is_none() && none.is_empty());
    }

    fn op(id: &str, paths: &[&str]) -> Operation {
        Operation {
            id: id.into(),
            name: String::new(),
            stub: false,
            area: String::new(),
            description: String::new(),
            method: crate::ir::Method::Get,
            paths: paths
                .iter()
                .map(|p| PathTemplate {
                    loc: Some(loc()),
                    ..path::parse(p).unwrap()
                })
                .collect(),
            query: vec![],
            headers: vec![],
            body: None,
            response: Response::default(),
            loc: loc(),
            also_documented_at: vec![],
        }
    }

    fn across_raw(ops: Vec<Operation>) -> (Vec<Vec<String>>, Diagnostics) {
        let mut ir = Ir {
            operations: ops,
            ..Ir::default()
        };
        let mut diags = Diagnostics::default();
        across(&mut ir, &mut diags);
        let raws = ir.operations.iter();
        let raws = raws.map(|o| o.paths.iter().map(|p| p.raw.clone()).collect());
        (raws.collect(), diags)
    }

    #[test]
    fn singular_where_the_docs_say_plural() {
        let ops = vec![
            op(
                "a",
                &[
                    "/identityGovernance/entitlementManagement/accessPackage/{id}/incompatibleGroups",
                ],
            ),
            op(
                "b",
                &["/identityGovernance/entitlementManagement/accessPackages/{id}"],
            ),
            op(
                "c",
                &["/identityGovernance/entitlementManagement/accessPackages"],
            ),
            op("d", &["/user/{userId}/settings/itemInsights"]),
            op("e", &["/users/{id}", "/users"]),
            // a singular the docs use as much as the plural stays
            op("f", &["/me/calendar/{x}", "/me/calendars/{id}"]),
        ];
        let (raws, diags) = across_raw(ops);
        assert_eq!(
            raws[0],
            ["/identityGovernance/entitlementManagement/accessPackages/{id}/incompatibleGroups"]
        );
        assert_eq!(raws[3], ["/users/{userId}/settings/itemInsights"]);
        assert_eq!(raws[5], ["/me/calendar/{x}", "/me/calendars/{id}"]);
        assert_eq!(diags.len(), 2);
    }

    #[test]
    fn example_literal_where_a_sibling_has_the_parameter() {
        let ops = vec![
            op(
                "a",
                &[
                    "/identity/b2cUserFlows/{id}/languages/{id}/overridesPages/$value",
                    "/identity/b2cUserFlows/{id}/languages/en/overridesPages/phonefactor/$value",
                ],
            ),
            // the docs put a parameter after `languages` more often than `en`
            op("c", &["/identity/b2xUserFlows/{id}/languages/{id}"]),
            // the other path names the literal: a different path, not an example
            op(
                "b",
                &[
                    "/groups/evaluateDynamicMembership",
                    "/groups/{id}/evaluateDynamicMembership",
                ],
            ),
        ];
        let (raws, diags) = across_raw(ops);
        assert_eq!(
            raws[0][1],
            "/identity/b2cUserFlows/{id}/languages/{id}/overridesPages/phonefactor/$value"
        );
        assert_eq!(raws[2][0], "/groups/evaluateDynamicMembership");
        let d: Vec<_> = diags.iter().collect();
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("example value"));
    }
}
