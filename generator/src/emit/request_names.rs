//! Rust names for operations: request builders, their modules and constructors.
//!
//! A name changes only when the docs change what it names. So request builders, their modules
//! and constructors are named from the method and the resource path, never from the page title
//! (titles are prose and get reworded), and each name depends on as little else as possible.
//!
//! - **Segments.** A path is read as navigation names (`messages`), keys (`{id}`, `{id |
//!   userPrincipalName}`, the parentheses of `worksheets(<key>)`), calls (`delta()`,
//!   `getX(period='{v}')` → `getX`), casts and qualified calls (`microsoft.graph.user` →
//!   `user`), system segments (`$ref` → `ref`, `$value`, `$count`), path addressing
//!   (`root:/{path}:` → `root`, `by_path`), and a fixed query (`?$expand=x` → `with`, `expand`).
//! - **One spelling per word.** A segment written in several casings (`directoryroles`,
//!   `directoryRoles`) is spelled, everywhere, as the lexicographically smallest of the
//!   spellings the IR holds (path segments, type names and their `s` plurals, property
//!   names); so the root `directoryroles` is `directory_roles` once any page spells it in
//!   camel case or a `directoryRole` type exists.
//! - **Builder.** Verb + words of the operation's first documented path, keys dropped. The
//!   verb is the method (`Get`, `Post`, `Patch`, `Put`, `Delete`), `List` for a GET whose
//!   path does not end in a key and whose response is a collection. The short name keeps the
//!   root word and the last three words (`GET /me/drive/root:/{p}:/children` →
//!   `ListMeRootByPathChildren`); operations whose short names coincide take their full names
//!   (`ListMeDriveRootByPathChildren`). The module is the root word (`requests::me`).
//! - **Constructors.** The first path's is `new`. Another path's is named from its own words
//!   that differ from the first path's (the common trailing words dropped), so
//!   `/me/drive/items/{id}` and `/groups/{id}/drive/items/{id}` beside
//!   `/users/{id}/drive/items/{id}` are `me(item_id)` and `groups(group_id, item_id)`. A
//!   constructor's name depends on its own path and the first one only: documenting a further
//!   path renames nothing.
//! - **Collisions.** Two names still equal: the one whose path ends in a key gets
//!   `by_<key>` (`a_by_x_id`), a GET of a collection gets `List`; only then, in id order, a
//!   numeric suffix (`…2`, `_2`), counted (`OpNames::disambiguated`: on the real docs, two
//!   paths of one page that differ only in a key, a call's arguments or a bare `$` segment).
//! - **Checked on real edits**: `tests/stability.rs` names the 2020-06 and 2020-11 Graph beta
//!   trees and checks that every type, builder and constructor present in both with the same
//!   method and path keeps its name (renames the docs caused, such as a new first path, are
//!   listed apart).
//!
//! Which page owns a call documented by several (and so names it) is `ir::ops::merge_duplicates`.

use crate::ident::{self, Namer, Style};
use crate::ir::path::{PathTemplate, Piece};
use crate::ir::{Ir, Method, Operation, simple_name};
use std::collections::{BTreeMap, BTreeSet};

/// One segment of a path as naming sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A navigation, call, cast or system segment: its name as the docs spell it.
    Name(String),
    /// A key or other value the caller supplies.
    Key,
    /// `root:/{path}:` addressing: an item by its path.
    ByPath,
}

const MARK: char = '\u{0}';

/// The segments of a path (see the module docs).
pub(crate) fn segments(path: &PathTemplate) -> Vec<Seg> {
    let mut text = String::new();
    for p in &path.pieces {
        match p {
            Piece::Literal { text: t } => text.push_str(t),
            Piece::Param { .. } => text.push(MARK),
        }
    }
    let mut out = Vec::new();
    for raw in text.split('/').filter(|s| !s.is_empty()) {
        let seg = raw.trim_end_matches(':');
        if seg.is_empty() {
            continue;
        }
        if seg.chars().all(|c| c == MARK || c == '\'' || c == ':') {
            out.push(if raw.ends_with(':') && raw != seg {
                Seg::ByPath
            } else {
                Seg::Key
            });
            continue;
        }
        let (head, inner) = match seg.split_once('(') {
            Some((h, rest)) => (h, Some(rest.trim_end_matches(')'))),
            None => (seg, None),
        };
        let head = head.rsplit('.').next().unwrap_or(head);
        let head: String = head
            .trim_start_matches('$')
            .chars()
            .filter(|&c| c != MARK)
            .collect();
        if !head.chars().any(|c| c.is_ascii_alphanumeric()) {
            if head.is_empty() && inner.is_some() {
                out.push(Seg::Key);
            }
            continue;
        }
        out.push(Seg::Name(head));
        // `name(<key>)` / `name({id})`: key syntax; `name()` / `name(k='{v}')`: a call.
        if let Some(inner) = inner
            && !inner.trim().is_empty()
            && !inner.contains('=')
        {
            out.push(Seg::Key);
        }
    }
    out
}

/// One spelling per word, for the whole IR (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    spelling: BTreeMap<String, String>,
}

impl Vocabulary {
    pub fn new(ir: &Ir) -> Self {
        use rayon::prelude::*;
        // The smallest spelling wins whatever the order: parts made in parallel, then merged.
        let from_paths = ir
            .operations
            .par_iter()
            .fold(Vocabulary::default, |mut v, op| {
                for p in &op.paths {
                    for s in segments(p) {
                        if let Seg::Name(n) = s {
                            v.add(&n);
                        }
                    }
                }
                v
            });
        let from_types = ir
            .types
            .par_iter()
            .fold(Vocabulary::default, |mut v, (q, t)| {
                let n = simple_name(q);
                v.add(n);
                v.add(&format!("{n}s"));
                for p in t.properties.iter().chain(&t.navigation) {
                    v.add(&p.name);
                }
                v
            });
        from_paths
            .chain(from_types)
            .reduce(Vocabulary::default, Vocabulary::merge)
    }

    fn merge(mut self, other: Vocabulary) -> Vocabulary {
        for (key, word) in other.spelling {
            match self.spelling.get_mut(&key) {
                Some(s) if word < *s => *s = word,
                Some(_) => {}
                None => {
                    self.spelling.insert(key, word);
                }
            }
        }
        self
    }

    fn add(&mut self, word: &str) {
        let key = word.to_lowercase();
        match self.spelling.get_mut(&key) {
            Some(s) if word < s.as_str() => *s = word.to_string(),
            Some(_) => {}
            None => {
                self.spelling.insert(key, word.to_string());
            }
        }
    }

    /// The word as one snake-case name part: `directoryroles` → `directory_roles`.
    pub fn snake(&self, word: &str) -> String {
        let w = self
            .spelling
            .get(&word.to_lowercase())
            .map_or(word, String::as_str);
        ident::field_name(w)
    }

    /// The snake-case words of segments (keys dropped, addressing as `by_path`).
    pub fn words(&self, segs: &[Seg]) -> Vec<String> {
        segs.iter()
            .filter_map(|s| match s {
                Seg::Name(n) => Some(self.snake(n)),
                Seg::Key => None,
                Seg::ByPath => Some("by_path".into()),
            })
            .collect()
    }
}

/// The words of a path: its segments' words, then `with` and the names of the query options
/// it writes, fixed or not (`/users?$expand=manager` → `users`, `with`, `expand`).
pub(crate) fn path_words(vocab: &Vocabulary, path: &PathTemplate) -> Vec<String> {
    let mut w = vocab.words(&segments(path));
    let mut query = path.query_names().peekable();
    if query.peek().is_some() {
        w.push("with".into());
        w.extend(query.map(ident::field_name));
    }
    w
}

/// `by_<parameter>` for a path ending in a key (`/users/{user-id}` → `by_user_id`): how two
/// paths whose words are otherwise identical are told apart before a number is used.
pub(crate) fn by_key(path: &PathTemplate) -> Option<String> {
    if !matches!(segments(path).last(), Some(Seg::Key)) {
        return None;
    }
    let (name, _) = path.params().last()?;
    Some(format!("by_{}", ident::field_name(name)))
}

/// `with_<argument>...` for a path that calls a function with named arguments
/// (`findRooms(RoomList='{x}')` → `with_room_list`).
pub(crate) fn with_arguments(path: &PathTemplate) -> Option<String> {
    let mut text = String::new();
    for p in &path.pieces {
        if let Piece::Literal { text: t } = p {
            text.push_str(t);
        }
    }
    let mut keys = Vec::new();
    for call in text.split('(').skip(1) {
        let inner = call.split(')').next().unwrap_or("");
        for k in crate::ir::path::call_argument_names(inner) {
            let k = ident::field_name(k);
            if !k.is_empty() && !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    (!keys.is_empty()).then(|| format!("with_{}", keys.join("_")))
}

/// `by_<parameter>...` for the parameters of `path` that `first` does not have
/// (`/teams/{id}/photo/{size}/$value` against `/teams/{id}/photo/$value` → `by_size`).
pub(crate) fn by_own_params(path: &PathTemplate, first: &PathTemplate) -> Option<String> {
    let theirs: BTreeSet<String> = first.params().map(|(n, _)| ident::field_name(n)).collect();
    let mut own: Vec<String> = Vec::new();
    for (n, _) in path.params() {
        let n = ident::field_name(n);
        if !theirs.contains(&n) && !own.contains(&n) {
            own.push(n);
        }
    }
    (!own.is_empty()).then(|| format!("by_{}", own.join("_")))
}

/// The builder's verb: the method, `List` for a GET of a collection.
pub(crate) fn verb(op: &Operation, segs: &[Seg]) -> &'static str {
    match op.method {
        Method::Get if !matches!(segs.last(), Some(Seg::Key)) && op.response.collection => "List",
        Method::Get => "Get",
        Method::Post => "Post",
        Method::Patch => "Patch",
        Method::Put => "Put",
        Method::Delete => "Delete",
    }
}

/// Words kept after the root in a short builder name.
pub(crate) const TAIL_WORDS: usize = 3;

/// The module, the short name and the full name of an operation's builder (module docs):
/// the full name has every word of the first path; the short one the root and the last
/// [`TAIL_WORDS`] words.
pub(crate) fn builder_names(vocab: &Vocabulary, op: &Operation) -> (String, String, String) {
    let segs = segments(&op.paths[0]);
    let words = path_words(vocab, &op.paths[0]);
    let module = words.first().cloned().unwrap_or_else(|| "root".to_string());
    let verb = verb(op, &segs);
    let full = ident::type_name(&format!("{verb}_{}", words.join("_")));
    let short = if words.len() > TAIL_WORDS + 1 {
        let tail = &words[words.len() - TAIL_WORDS..];
        ident::type_name(&format!("{verb}_{}_{}", words[0], tail.join("_")))
    } else {
        full.clone()
    };
    (module, short, full)
}

/// Constructor names for an operation's paths, from each path and the first (module docs).
/// The second value counts names that needed a numeric suffix.
pub(crate) fn constructor_names(vocab: &Vocabulary, op: &Operation) -> (Vec<String>, usize) {
    let words: Vec<Vec<String>> = op.paths.iter().map(|p| path_words(vocab, p)).collect();
    let mut namer = Namer::new(Style::Snake);
    let mut taken: BTreeSet<String> = BTreeSet::new();
    taken.insert("new".into());
    let mut out = vec![namer.claim("new".into())];
    let mut suffixed = 0;
    let first = &words[0];
    // name → the path that holds it
    let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (w, path)) in words[1..].iter().zip(&op.paths[1..]).enumerate() {
        let common = first
            .iter()
            .rev()
            .zip(w.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let own = &w[..w.len() - common];
        let base = if own.is_empty() { &w[..] } else { own };
        let base = ident::field_name(&base.join("_"));
        let mut base = if base == "field" { "path".into() } else { base };
        // Told apart by what distinguishes the path before a number is used: its last key,
        // a function's named arguments, the parameters the first path does not have.
        let holder = claimed.get(&base).map_or(&op.paths[0], |&i| &op.paths[i]);
        let candidates = [
            by_key(path),
            with_arguments(path),
            by_own_params(path, holder),
        ];
        for extra in candidates.into_iter().flatten() {
            if !taken.contains(&base) {
                break;
            }
            base = format!("{base}_{extra}");
        }
        let name = namer.claim(base.clone());
        if name != base {
            suffixed += 1;
        }
        taken.insert(name.clone());
        claimed.insert(name.clone(), i + 1);
        out.push(name);
    }
    (out, suffixed)
}

/// Rust names for operations: builder names unique across `requests`, a module per path root,
/// constructor names per operation.
#[derive(Debug)]
pub struct OpNames {
    /// op id → (root module, type name)
    items: BTreeMap<String, (String, String)>,
    ctors: BTreeMap<String, Vec<String>>,
    vocab: Vocabulary,
    /// Builder and constructor names that needed a numeric suffix (`requests::x::Name2`,
    /// `Name::ctor_2`).
    pub disambiguated: Vec<String>,
}

impl OpNames {
    pub fn new(ir: &Ir) -> Self {
        let vocab = Vocabulary::new(ir);
        let mut ops: Vec<&Operation> = ir
            .operations
            .iter()
            .filter(|o| !o.paths.is_empty())
            .collect();
        ops.sort_by(|a, b| a.id.cmp(&b.id));
        let mut namer = Namer::new(Style::Camel);
        let mut disambiguated = Vec::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut items = BTreeMap::new();
        let mut ctors = BTreeMap::new();
        // Each operation's candidate names depend on it alone: made in parallel.
        type Candidates = ((String, String, String), (Vec<String>, usize));
        let named: Vec<(&Operation, Candidates)> = {
            use rayon::prelude::*;
            ops.into_par_iter()
                .map(|op| {
                    let candidates = (builder_names(&vocab, op), constructor_names(&vocab, op));
                    (op, candidates)
                })
                .collect()
        };
        let mut short_uses: BTreeMap<String, usize> = BTreeMap::new();
        for (_, ((_, short, _), _)) in &named {
            *short_uses.entry(short.clone()).or_default() += 1;
        }
        for (op, ((module, short, full), (c, n))) in named {
            // A short name two operations share: each takes its full name.
            let mut base = if short_uses[&short] > 1 { full } else { short };
            if taken.contains(&base) {
                // An item and a collection GET with one name: `By<key>` for the item, `List`
                // for the collection (whose docs did not say it returns one).
                if let Some(by) = by_key(&op.paths[0]) {
                    base = ident::type_name(&format!("{base}_{by}"));
                } else if op.method == Method::Get
                    && let Some(rest) = base.strip_prefix("Get")
                {
                    base = format!("List{rest}");
                }
            }
            let name = namer.claim(base.clone());
            taken.insert(name.clone());
            if name != base {
                disambiguated.push(format!("{} {}: {name}", op.method, op.paths[0].raw));
            }
            if n > 0 {
                disambiguated.extend(
                    op.paths
                        .iter()
                        .zip(&c)
                        .filter(|(_, c)| {
                            c.rsplit_once('_')
                                .is_some_and(|(_, d)| d.chars().all(|x| x.is_ascii_digit()))
                        })
                        .map(|(p, c)| format!("{} {}: {name}::{c}", op.method, p.raw)),
                );
            }
            items.insert(op.id.clone(), (module, name));
            ctors.insert(op.id.clone(), c);
        }
        OpNames {
            items,
            ctors,
            vocab,
            disambiguated,
        }
    }

    pub fn module(&self, id: &str) -> &str {
        &self.items[id].0
    }

    pub fn name(&self, id: &str) -> &str {
        &self.items[id].1
    }

    pub fn ident(&self, id: &str) -> syn::Ident {
        ident::make_ident(&self.items[id].1)
    }

    pub fn body_ident(&self, id: &str) -> syn::Ident {
        ident::make_ident(&format!("{}Body", self.items[id].1))
    }

    /// One constructor name per path of the operation, in path order.
    pub fn constructors(&self, id: &str) -> &[String] {
        &self.ctors[id]
    }

    /// The module for a path: its first word (`requests::users`).
    pub fn root_module(&self, path: &PathTemplate) -> String {
        self.vocab
            .words(&segments(path))
            .into_iter()
            .next()
            .unwrap_or_else(|| "root".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::path::parse;

    fn op(method: &str, paths: &[&str], collection: bool) -> Operation {
        let loc = crate::diag::Loc {
            file: "api/x.md".into(),
            line: 1,
            col: 1,
        };
        Operation {
            id: "api/x.md".into(),
            name: "A title that must not matter".into(),
            stub: false,
            area: String::new(),
            description: String::new(),
            method: crate::ir::Method::parse(method).expect("a method"),
            paths: paths.iter().map(|p| parse(p).unwrap()).collect(),
            query: vec![],
            headers: vec![],
            body: None,
            response: crate::ir::Response {
                status: Some(200),
                ty: None,
                collection,
                ..Default::default()
            },
            loc,
            also_documented_at: vec![],
        }
    }

    fn names(method: &str, paths: &[&str], collection: bool) -> (String, String, Vec<String>) {
        let o = op(method, paths, collection);
        let v = Vocabulary::default();
        let (m, _, full) = builder_names(&v, &o);
        (m, full, constructor_names(&v, &o).0)
    }

    /// The obstacle course: real path shapes from the Graph docs.
    #[test]
    fn obstacle_course() {
        let cases: &[(&str, &[&str], bool, &str, &str)] = &[
            ("GET", &["/users"], true, "users", "ListUsers"),
            (
                "GET",
                &["/users/{id | userPrincipalName}"],
                false,
                "users",
                "GetUsers",
            ),
            ("GET", &["/me/messages/{id}"], false, "me", "GetMeMessages"),
            (
                "POST",
                &["/users/{id}/sendMail"],
                false,
                "users",
                "PostUsersSendMail",
            ),
            (
                "GET",
                &["/me/drive/root:/{item-path}:/children"],
                true,
                "me",
                "ListMeDriveRootByPathChildren",
            ),
            (
                "PUT",
                &["/me/drive/root:/{filename}:/content"],
                false,
                "me",
                "PutMeDriveRootByPathContent",
            ),
            (
                "GET",
                &["/reports/getOffice365ActiveUserDetail(period='{period_value}')"],
                false,
                "reports",
                "GetReportsGetOffice365ActiveUserDetail",
            ),
            (
                "GET",
                &[
                    "/drives/{drive-id}/items/{item-id}/workbook/worksheets(<key>)/range(address='{address}')",
                ],
                false,
                "drives",
                "GetDrivesItemsWorkbookWorksheetsRange",
            ),
            (
                "GET",
                &["/groups/{id}/members/microsoft.graph.user"],
                true,
                "groups",
                "ListGroupsMembersUser",
            ),
            (
                "DELETE",
                &["/groups/{id}/members/{memberId}/$ref"],
                false,
                "groups",
                "DeleteGroupsMembersRef",
            ),
            (
                "GET",
                &["/users/{id}/photo/$value"],
                false,
                "users",
                "GetUsersPhotoValue",
            ),
            (
                "GET",
                &["/me/events/delta()"],
                true,
                "me",
                "ListMeEventsDelta",
            ),
            (
                "POST",
                &["/servicePrincipals/{id}/synchronization/jobs/{jobId}/pause"],
                false,
                "service_principals",
                "PostServicePrincipalsSynchronizationJobsPause",
            ),
            (
                "POST",
                &["/deviceManagement/deviceConfigurations/{id}/microsoft.graph.assign"],
                false,
                "device_management",
                "PostDeviceManagementDeviceConfigurationsAssign",
            ),
            (
                "GET",
                &["https://graph.microsoft.com/beta/directoryRoles/{id}"],
                false,
                "directory_roles",
                "GetDirectoryRoles",
            ),
        ];
        for (method, paths, coll, module, name) in cases {
            let (m, n, _) = names(method, paths, *coll);
            assert_eq!(
                (m.as_str(), n.as_str()),
                (*module, *name),
                "{method} {paths:?}"
            );
        }
    }

    #[test]
    fn constructors_name_what_distinguishes_the_paths() {
        let (_, n, c) = names(
            "GET",
            &[
                "/users/{id}/drive/items/{item-id}",
                "/me/drive/items/{item-id}",
                "/groups/{group-id}/drive/items/{item-id}",
                "/drives/{drive-id}/items/{item-id}",
                "/drive/items/{item-id}",
            ],
            false,
        );
        assert_eq!(n, "GetUsersDriveItems");
        assert_eq!(c, ["new", "me", "groups", "drives", "drive_items"]);
        // Adding a path never renames another constructor.
        let (_, _, c2) = names(
            "GET",
            &[
                "/users/{id}/drive/items/{item-id}",
                "/me/drive/items/{item-id}",
                "/sites/{site-id}/drive/items/{item-id}",
                "/groups/{group-id}/drive/items/{item-id}",
            ],
            false,
        );
        assert_eq!(c2, ["new", "me", "sites", "groups"]);
        // Otherwise identical words: a counted suffix.
        let o = op(
            "GET",
            &[
                "/me/x",
                "/a/{id}/x",
                "/a/x",
                "/me/{id}/x",
                "/a/x/{x-id}",
                "/b/x?$top=1",
            ],
            false,
        );
        let (c3, n3) = constructor_names(&Vocabulary::default(), &o);
        let c3: Vec<&str> = c3.iter().map(String::as_str).collect();
        let expected = vec!["new", "a", "a_2", "me_x", "a_by_x_id", "b_x_with_top"];
        assert_eq!((c3, n3), (expected, 1));
        // A function's named arguments, then the parameters the first path lacks, before a
        // number.
        let o = op(
            "GET",
            &[
                "/me/findRooms",
                "/users/{id}/findRooms",
                "/users/{id}/findRooms(RoomList='{list}')",
                "/users/{id}/photo/$value",
                "/users/{id}/photo/{size}/$value",
            ],
            false,
        );
        let (c4, n4) = constructor_names(&Vocabulary::default(), &o);
        let c4: Vec<&str> = c4.iter().map(String::as_str).collect();
        let expected = vec![
            "new",
            "users",
            "users_with_room_list",
            "users_photo_value",
            "users_photo_value_by_size",
        ];
        assert_eq!((c4, n4), (expected, 0));
    }

    #[test]
    fn words_are_spelled_once() {
        let mut v = Vocabulary::default();
        v.add("directoryroles");
        v.add("directoryRoles");
        assert_eq!(v.snake("directoryroles"), "directory_roles");
        let mut w = Vocabulary::default();
        w.add("directoryRoles");
        w.add("directoryroles");
        assert_eq!(w.snake("DIRECTORYROLES"), "directory_roles");
    }
}
