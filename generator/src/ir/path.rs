//! Request path templates as the docs write them: `/users/{id | userPrincipalName}/x`,
//! `{x-id}`, `f(k='{v}')`, `f(<key>)`, `delta()`, `$ref`, `root:/{path}:/`, type-cast
//! segments, query strings, absolute URLs, missing leading `/`. A template is a list of
//! literal pieces and parameters; malformed ones (unclosed brace, `PATCH **`) are errors.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Piece {
    /// Literal path text, including the `/` separators.
    Literal { text: String },
    /// A value the caller supplies. `quoted`: inside an OData string literal (`'...'`).
    /// `segments`: a path of several segments (`root:/{item-path}:`), its `/` kept and
    /// each part percent-encoded.
    Param {
        name: String,
        quoted: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        segments: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathTemplate {
    /// As written in the docs, or as `ir::path_repair` repaired it.
    pub raw: String,
    /// The docs' text when `ir::path_repair` repaired it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// The path (leading `/`, no trailing `/`, no query).
    pub pieces: Vec<Piece>,
    /// Fixed query pairs written into the path (`?$expand=manager`): sent with every request
    /// on this path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Query options the path writes with a placeholder in their value
    /// (`?startDateTime={start_datetime}`, `?$filter=id eq '{id}'`): the caller's values,
    /// not fixed pairs; the operation documents them as query options.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The line of the `http` block that documents it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loc: Option<crate::diag::Loc>,
}

impl PathTemplate {
    pub fn params(&self) -> impl Iterator<Item = (&str, bool)> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param { name, quoted, .. } => Some((name.as_str(), *quoted)),
            Piece::Literal { .. } => None,
        })
    }

    /// A key that is equal for the same operation written two ways: parameters blanked,
    /// literals lower-cased.
    pub fn shape(&self) -> String {
        self.blanked().to_lowercase()
    }

    /// The path as written with `{}` for every parameter (`/users/{}/usageRights`).
    pub fn blanked(&self) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Literal { text } => text.as_str(),
                Piece::Param { .. } => "{}",
            })
            .collect()
    }

    /// The names of the query options the path writes, fixed or not, in their order
    /// (`?startDateTime={s}&$expand=x` → `startDateTime`, `$expand`).
    pub fn query_names(&self) -> impl Iterator<Item = &str> {
        let query = self.raw.split_once('?').map_or("", |(_, q)| q);
        query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| kv.split_once('=').map_or(kv, |(k, _)| k))
    }

    /// The literal path segments (no parameters), e.g. for naming.
    pub fn literal_segments(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.pieces {
            if let Piece::Literal { text } = p {
                out.extend(
                    text.split('/')
                        .filter(|s| !s.is_empty() && s.chars().any(|c| c.is_alphanumeric()))
                        .map(str::to_string),
                );
            }
        }
        out
    }
}

impl PathTemplate {
    /// Match a concrete path (no query) against this template; returns the text of each
    /// parameter, percent-decoded. Literals compare ASCII-case-insensitively (byte offsets
    /// stay those of `path`: full Unicode lower-casing can change lengths, `Ω` → `ω`); a
    /// parameter takes the text up to the next literal, or when that literal is the last
    /// piece, up to the end less the literal (`{id}zz` on `q3zzz` is `q3z`, not `q3`).
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        let path = path.trim_end_matches('/');
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        let lower = path.to_ascii_lowercase();
        let mut pos = 0;
        let mut values = Vec::new();
        for (i, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Literal { text } => {
                    let t = text.to_ascii_lowercase();
                    if !lower[pos..].starts_with(&t) {
                        return None;
                    }
                    pos += t.len();
                }
                Piece::Param { .. } => {
                    let end = match self.pieces.get(i + 1) {
                        Some(Piece::Literal { text }) if i + 2 == self.pieces.len() => {
                            pos + lower[pos..].strip_suffix(&text.to_ascii_lowercase())?.len()
                        }
                        Some(Piece::Literal { text }) => {
                            pos + lower[pos..].find(&text.to_ascii_lowercase())?
                        }
                        _ => path.len(),
                    };
                    if end == pos || !path.is_char_boundary(end) {
                        return None;
                    }
                    values.push(percent_decode(&path[pos..end]));
                    pos = end;
                }
            }
        }
        (pos == path.len()).then_some(values)
    }
}

/// The argument names of a call's parentheses, in order: `a={a},b='{b}'` → `a`, `b`.
pub fn call_argument_names(inner: &str) -> impl Iterator<Item = &str> {
    inner
        .split(',')
        .filter_map(|kv| kv.split_once('=').map(|(k, _)| k.trim()))
}

/// `/users/{id}/usageRights` → `["users", "{}", "usageRights"]`.
pub fn segments(p: &PathTemplate) -> Vec<String> {
    p.blanked()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A plain OData identifier segment (`usageRights`), as properties and operations are named.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `f(...)` → (`f`, the text inside); a segment without parentheses → (itself, `None`).
pub fn split_call(seg: &str) -> (&str, Option<&str>) {
    match seg.split_once('(') {
        Some((head, rest)) => (head, Some(rest.strip_suffix(')').unwrap_or(rest))),
        None => (seg, None),
    }
}

/// `%XX` sequences decoded (invalid ones kept as written).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && s.is_char_boundary(i + 3)
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request target split at its start: the host of an absolute URL (`None` for a path)
/// and the rest (path and query, as written).
fn split_origin(raw: &str) -> (Option<&str>, &str) {
    let s = raw.trim();
    let scheme = ["https://", "http://"]
        .iter()
        .find(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
    let Some(p) = scheme else {
        return (None, s);
    };
    let after = &s[p.len()..];
    let end = after.find(['/', '?']).unwrap_or(after.len());
    (Some(&after[..end]), &after[end..])
}

/// A path split after a leading service version (`/beta`, `/v1.0`): the version, if any,
/// and the rest.
fn split_version(path: &str) -> (Option<&'static str>, &str) {
    for v in ["beta", "v1.0"] {
        if let Some(rest) = path.strip_prefix('/').and_then(|r| r.strip_prefix(v))
            && (rest.is_empty() || rest.starts_with(['/', '?']))
        {
            return (Some(v), rest);
        }
    }
    (None, path)
}

/// Strip scheme, host and version from the start of an absolute URL or a `/beta/...` path.
/// Only the start: a URL inside the query (`$ref?$id=https://graph.microsoft.com/v1.0/x`)
/// is a value and stays.
pub fn strip_service_root(raw: &str) -> &str {
    split_version(split_origin(raw).1).1
}

/// The service version a request line on the service host is written against (`beta`,
/// `v1.0`), when it says.
pub fn service_version(raw: &str) -> Option<&'static str> {
    let (host, path) = split_origin(raw);
    host.is_none_or(is_service_host)
        .then(|| split_version(path).0)
        .flatten()
}

/// Whether a request line addresses the service: a relative path or a URL on Graph's host
/// (not a pre-authenticated download URL or another host an example redirects to).
pub fn on_service_host(raw: &str) -> bool {
    split_origin(raw).0.is_none_or(is_service_host)
}

/// Graph's hosts: the global service, its sub-hosts, the national clouds.
fn is_service_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("graph.microsoft.com")
        || host.to_ascii_lowercase().ends_with(".graph.microsoft.com")
        || host.eq_ignore_ascii_case("graph.microsoft.us")
        || host.eq_ignore_ascii_case("microsoftgraph.chinacloudapi.cn")
}

/// End the pending literal and add a parameter.
fn push_param(pieces: &mut Vec<Piece>, lit: &mut String, name: &str, quoted: bool) {
    if !lit.is_empty() {
        pieces.push(Piece::Literal {
            text: std::mem::take(lit),
        });
    }
    pieces.push(Piece::Param {
        name: name.to_string(),
        quoted,
        segments: false,
    });
}

/// Parameters inside `:/` ... `:` path addressing (`root:/{item-path}:/content`) are paths
/// of several segments: their `/` is kept.
fn mark_colon_paths(pieces: &mut [Piece]) {
    let mut inside = false;
    for piece in pieces {
        match piece {
            Piece::Literal { text } => {
                let mut quoted = false;
                for c in text.chars() {
                    match c {
                        '\'' => quoted = !quoted,
                        ':' if !quoted => inside = !inside,
                        _ => {}
                    }
                }
            }
            Piece::Param {
                quoted: false,
                segments,
                ..
            } if inside => *segments = true,
            Piece::Param { .. } => {}
        }
    }
}

pub fn parse(raw: &str) -> Result<PathTemplate, String> {
    let text = strip_service_root(raw);
    if text.is_empty() || !text.chars().any(|c| c.is_ascii_alphanumeric()) || text.contains("**") {
        return Err(format!("`{raw}` is not a path"));
    }
    let (path, query) = match text.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (text, None),
    };
    if path.chars().any(char::is_whitespace) && !path.contains('{') {
        return Err(format!("`{raw}` contains spaces"));
    }
    let mut pieces = Vec::new();
    let mut lit = String::new();
    if !path.starts_with('/') {
        lit.push('/');
    }
    let mut chars = path.char_indices().peekable();
    let mut in_quote = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => {
                let rest = &path[i + 1..];
                let close = rest
                    .find('}')
                    .ok_or_else(|| format!("unclosed `{{` in `{raw}`"))?;
                let inner = &rest[..close];
                if inner.contains('{') {
                    return Err(format!("unclosed `{{` in `{raw}`"));
                }
                let name = inner.split('|').next().unwrap_or("").trim();
                if name.is_empty() {
                    return Err(format!("empty placeholder in `{raw}`"));
                }
                push_param(&mut pieces, &mut lit, name, in_quote);
                for _ in 0..=inner.chars().count() {
                    chars.next();
                }
            }
            '<' => {
                // f(<key>)
                let rest = &path[i + 1..];
                let close = rest
                    .find('>')
                    .ok_or_else(|| format!("unclosed `<` in `{raw}`"))?;
                let name = rest[..close].trim();
                if name.is_empty() {
                    return Err(format!("empty placeholder in `{raw}`"));
                }
                push_param(&mut pieces, &mut lit, name, in_quote);
                for _ in 0..=rest[..close].chars().count() {
                    chars.next();
                }
            }
            '}' | '>' => return Err(format!("unbalanced `{c}` in `{raw}`")),
            '\'' => {
                in_quote = !in_quote;
                lit.push(c);
            }
            c if c.is_whitespace() => {}
            _ => lit.push(c),
        }
    }
    if in_quote {
        return Err(format!("unterminated quote in `{raw}`"));
    }
    while lit.ends_with('/') && (lit.len() > 1 || !pieces.is_empty()) {
        lit.pop();
    }
    if !lit.is_empty() {
        pieces.push(Piece::Literal { text: lit });
    }
    mark_colon_paths(&mut pieces);
    let (mut fixed, mut options) = (Vec::new(), Vec::new());
    for kv in query.unwrap_or("").split('&').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if v.contains(['{', '<']) {
            if !options.iter().any(|o| o == k) {
                options.push(k.to_string());
            }
        } else {
            fixed.push((k.to_string(), v.to_string()));
        }
    }
    Ok(PathTemplate {
        loc: None,
        raw: raw.to_string(),
        original: None,
        pieces,
        query: fixed,
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::{
        Piece, on_service_host, parse, percent_decode, service_version, strip_service_root,
    };

    fn shape(raw: &str) -> String {
        parse(raw).unwrap().shape()
    }

    #[test]
    fn placeholder_styles() {
        assert_eq!(shape("/users/{id}/messages"), "/users/{}/messages");
        assert_eq!(shape("/users/{userId}/messages/"), "/users/{}/messages");
        assert_eq!(shape("/users/{user-id}"), "/users/{}");
        assert_eq!(
            shape("/users/{id | userPrincipalName}/photo/$value"),
            "/users/{}/photo/$value"
        );
        let t = parse("/users/{id | userPrincipalName}").unwrap();
        assert_eq!(t.params().collect::<Vec<_>>(), vec![("id", false)]);
    }

    #[test]
    fn functions_casts_and_addressing() {
        let t = parse("/reports/getOffice365ActiveUserDetail(period='{period_value}')").unwrap();
        assert_eq!(t.params().collect::<Vec<_>>(), vec![("period_value", true)]);
        assert_eq!(
            t.shape(),
            "/reports/getoffice365activeuserdetail(period='{}')"
        );
        assert_eq!(shape("/me/events/delta()"), "/me/events/delta()");
        assert_eq!(
            shape("/groups/{id}/members/$ref"),
            "/groups/{}/members/$ref"
        );
        assert_eq!(
            shape("/drives/{drive-id}/items/{item-id}/workbook/worksheets(<key>)"),
            "/drives/{}/items/{}/workbook/worksheets({})"
        );
        assert_eq!(
            shape("/me/drive/root:/{item-path}:/children"),
            "/me/drive/root:/{}:/children"
        );
        assert_eq!(
            shape("/groups/{id}/members/microsoft.graph.user"),
            "/groups/{}/members/microsoft.graph.user"
        );
    }

    #[test]
    fn roots_queries_and_leading_slash() {
        assert_eq!(
            shape("https://graph.microsoft.com/beta/me/messages"),
            "/me/messages"
        );
        assert_eq!(
            shape("servicePrincipals/{id}/synchronization/templates/{templateId}"),
            "/serviceprincipals/{}/synchronization/templates/{}"
        );
        let t = parse("/me/messages?$filter=isRead eq false").unwrap();
        assert_eq!(
            t.query,
            vec![("$filter".to_string(), "isRead eq false".to_string())]
        );
        // A placeholder in a value makes it the caller's: a query option, not a fixed pair.
        let t =
            parse("/me/calendarView?startDateTime={start}&endDateTime={end}&$expand=x").unwrap();
        assert_eq!(t.query, vec![("$expand".to_string(), "x".to_string())]);
        assert_eq!(t.options, ["startDateTime", "endDateTime"]);
        assert_eq!(
            t.query_names().collect::<Vec<_>>(),
            ["startDateTime", "endDateTime", "$expand"]
        );
        let t = parse("/roleAssignments?$filter=principalId eq '<principal>'").unwrap();
        assert!(t.query.is_empty());
        assert_eq!(t.options, ["$filter"]);
    }

    #[test]
    fn concrete_paths_match_templates() {
        let t = parse("/servicePrincipals/{id}/synchronization/jobs/{jobId}/").unwrap();
        assert_eq!(
            t.match_path("/servicePrincipals/abc/synchronization/jobs/%7BjobId%7D"),
            Some(vec!["abc".into(), "{jobId}".into()])
        );
        assert_eq!(
            t.match_path("/servicePrincipals/abc/synchronization/jobs"),
            None
        );
        let f = parse("/reports/getX(period='{v}')").unwrap();
        assert_eq!(
            f.match_path("/reports/getX(period='D7')"),
            Some(vec!["D7".into()])
        );
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
    }

    #[test]
    fn the_service_root_is_stripped_only_at_the_start() {
        let t = parse(
            "DELETE https://graph.microsoft.com/v1.0/groups/{id}/owners/$ref?$id=https://graph.microsoft.com/v1.0/users/{other-id}"
                .split_once(' ')
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(t.shape(), "/groups/{}/owners/$ref");
        assert!(t.query.is_empty());
        assert_eq!(t.options, ["$id"]);
        let t = parse("/groups/{id}/members/$ref?$id=https://graph.microsoft.com/beta/x").unwrap();
        assert_eq!(t.shape(), "/groups/{}/members/$ref");
        assert_eq!(
            t.query,
            vec![(
                "$id".to_string(),
                "https://graph.microsoft.com/beta/x".to_string()
            )]
        );
        assert_eq!(
            strip_service_root("HTTPS://graph.microsoft.com/beta?x=1"),
            "?x=1"
        );
        assert_eq!(
            service_version("https://graph.microsoft.com/v1.0/me"),
            Some("v1.0")
        );
        assert_eq!(service_version("/beta/me"), Some("beta"));
        assert_eq!(service_version("/me"), None);
        assert!(on_service_host("/me/drive"));
        assert!(on_service_host("https://graph.microsoft.com/beta/me"));
        assert!(!on_service_host(
            "https://b0mpua-by3301.files.1drv.com/y23vmag"
        ));
    }

    #[test]
    fn colon_paths_keep_their_slashes() {
        let t = parse("/me/drive/root:/{item-path}:/content").unwrap();
        assert!(matches!(&t.pieces[1], Piece::Param { segments: true, .. }));
        let t = parse("/drives/{drive-id}/root:/{parent-path}/{file-name}:/content").unwrap();
        let segs: Vec<bool> = t
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Param { segments, .. } => Some(*segments),
                _ => None,
            })
            .collect();
        assert_eq!(segs, [false, true, true]);
        assert_eq!(
            t.match_path("/drives/d/root:/Folder A/File.txt:/content"),
            Some(vec!["d".into(), "Folder A".into(), "File.txt".into()])
        );
        // A last literal ends the path, even when the value ends with its first letters.
        let t = parse("/unknownFutureValue(k='{v}')/{id}ZZ").unwrap();
        assert_eq!(
            t.match_path("/unknownFutureValue(k='Q1z')/Q3zZZ"),
            Some(vec!["Q1z".into(), "Q3z".into()])
        );
        assert_eq!(t.match_path("/unknownFutureValue(k='Q1z')/ZZ"), None);
        // Function-call segments are not colon paths.
        let t = parse("/reports/getX(period='{v}')/content").unwrap();
        assert!(t.params().all(|(_, quoted)| quoted));
        assert!(matches!(
            &t.pieces[1],
            Piece::Param {
                segments: false,
                ..
            }
        ));
        let t = parse("/me/drive/items/{id}/workbook/functions/abs").unwrap();
        assert!(matches!(
            &t.pieces[1],
            Piece::Param {
                segments: false,
                ..
            }
        ));
    }

    #[test]
    fn malformed_paths_are_errors() {
        assert!(parse("/users/{id").is_err());
        assert!(parse("/users/id}").is_err());
        assert!(parse("**").is_err());
        assert!(parse("/x/{}").is_err());
        assert!(parse("/f(a='{v})").is_err());
    }
}
