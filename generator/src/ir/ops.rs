//! API pages → [`Operation`]s and their examples: the HTTP request section (method and every
//! path), query options, request headers, request body (a type or an action's parameter
//! table), the response (status and type), and the request/response examples. Each section
//! of a page has its reader; [`collect_api`] puts what they read together.
//!
//! Request lines come from the `HTTP request` section (`ignored` blocks, and the first line of
//! `request`/`samples` blocks there), else from blocks outside the examples (`D2R420`); a page
//! whose request lines are all examples says so (`D2R421`). Bodies from every form: property
//! and parameter tables, `Name | Value` tables, a linked type, the request annotation's type, a
//! `201 Created` POST's type its example fits, prose naming the resource's fields (the type its
//! path returns), an example alone (JSON), bytes for media paths and non-JSON content types
//! (multipart: bytes the caller builds, `D2R424`). Responses: every 2xx the docs show
//! (`statuses`), bytes for media-stream GETs and `stream` examples. A headers table is headers
//! wherever it sits (`D2R425`). Paths: the service root is stripped only at the start (a URL in
//! the query is a value); a `root:/{path}:` value is a path of segments; an example URL on
//! another host (a redirect target) is never a path.
//!
//! Path templates are literal pieces and parameters, plus fixed query pairs (a pair whose
//! value holds a placeholder, `?startDateTime={start}`, or that an example gives another value,
//! is a query option the caller sets); stub pages merged into the real page; a response the
//! prose calls a collection whose every example is one value is single (`D2R411`).

use super::Method;
use super::hierarchy;
use super::path::{self, PathTemplate, Piece};
use super::path_repair;
use super::resolve::Resolver;
use super::typespell::{Base, parse_type_spelling};
use super::{
    Body, Example, ExampleCall, ExampleKind, HeaderParam, Ir, Operation, RequestLine, Response,
    TypeRef, area_of, has_property,
};
use crate::diag::{Code, Diagnostic, Diagnostics, Loc};
use crate::jsonc;
use crate::page::{
    Annotation, BlockKind, CodeBlock, Link, Page, PageKind, Paragraph, Spanned, Table, TableKind,
};
use rayon::prelude::*;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static REQUEST_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(GET|POST|PATCH|PUT|DELETE)\s+(\S.*?)\s*$").unwrap());
static STATUS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b([2-5]\d\d)\b").unwrap());
static STATUS_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^HTTP/\d(?:\.\d)?\s+(\d{3})").unwrap());
static QUERY_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$(select|filter|expand|top|orderby|orderBy|search|count|skip|skipToken|format)\b")
        .unwrap()
});

/// A page's headings, lower-cased once for [`under`].
struct Headings<'p> {
    page: &'p Page,
    lower: Vec<String>,
}

impl<'p> Headings<'p> {
    fn new(page: &'p Page) -> Self {
        let lower = page
            .headings
            .iter()
            .map(|h| h.text.to_lowercase())
            .collect();
        Headings { page, lower }
    }
}

/// Whether a block in `section` sits under a heading (at any level up to the nearest H1/H2)
/// whose text, lower-cased, satisfies `pred`.
fn under(headings: &Headings, section: Option<usize>, pred: impl Fn(&str) -> bool) -> bool {
    let Some(mut i) = section else { return false };
    loop {
        let h = &headings.page.headings[i];
        if pred(&headings.lower[i]) {
            return true;
        }
        if h.level <= 2 || i == 0 {
            return false;
        }
        i -= 1;
    }
}

/// The first link in a paragraph that names an entity or complex type.
fn first_type_link(r: &Resolver, links: &[Link], ns: &str, loc: &Loc) -> Option<TypeRef> {
    links.iter().find_map(|l| {
        match r.named(
            &l.label,
            Some(&l.target),
            ns,
            loc,
            &mut Diagnostics::default(),
        ) {
            Some(t @ TypeRef::Complex { .. }) => Some(t),
            _ => None,
        }
    })
}

/// Every API page's examples and operations (each page on its own, in parallel; each reads
/// only the types), combined in page order.
pub(super) fn collect(pages: &[&Page], r: &Resolver, ir: &mut Ir, diags: &mut Diagnostics) {
    let types: &Ir = ir;
    let apis: Vec<(Vec<Example>, Vec<Operation>, Diagnostics)> = pages
        .par_iter()
        .filter(|page| page.kind == PageKind::Api)
        .map(|page| {
            let mut d = Diagnostics::default();
            let (examples, operations) = collect_api(page, r, types, &mut d);
            (examples, operations, d)
        })
        .collect();
    for (examples, operations, d) in apis {
        ir.examples.extend(examples);
        ir.operations.extend(operations);
        diags.extend(d);
    }
}

/// One API page's examples and operations (`ir`: the types, already resolved).
pub(super) fn collect_api(
    page: &Page,
    r: &Resolver,
    ir: &Ir,
    diags: &mut Diagnostics,
) -> (Vec<Example>, Vec<Operation>) {
    let ns = page.ns();
    let headings = Headings::new(page);
    let Some(title) = &page.title else {
        return (Vec::new(), Vec::new());
    };
    let Some(by_method) = page_request_lines(page, &headings, diags) else {
        return (Vec::new(), Vec::new());
    };
    let ids = OpIds::new(page, &by_method);
    let method = ids.method;
    let places = places(page, &headings);
    let ResponseSection {
        mut response,
        loc: response_loc,
        at: response_at,
    } = response_section(page, &places, r, &ns);
    let query = query_section(page, &headings, &places, response_at);
    let headers = request_headers(page, &headings, &places, diags);
    let body_section = request_body_section(page, &places, response_at, r, &ns, diags);
    let mut body = body_section.body.clone();
    if body.is_none() && method.takes_body() {
        body = body_section.link.clone().map(|ty| Body::Type {
            ty,
            collection: false,
        });
    }
    let mut read = examples_section(page, &ids, r, ir, &ns, &body, &mut response, diags);
    if body.is_none() && method.takes_body() {
        body = infer_body(
            ir,
            &ids,
            &by_method[0].1,
            &body_section,
            &response,
            &mut read,
            diags,
        );
    }
    let primary = ids.of(method);
    single_response(
        &mut response,
        &read.examples,
        &primary,
        response_loc,
        title,
        diags,
    );
    response.statuses = statuses(&response, &read.examples, &primary);
    response.binary = binary_response(method, &by_method[0].1) || read.streams.contains(&primary);
    if response.binary {
        response.ty = None;
        response.collection = false;
    }
    let common = Common {
        name: title.value.trim().to_string(),
        description: page
            .front_matter
            .get("description")
            .cloned()
            .unwrap_or_default(),
        stub: page.placeholders > 0,
        area: area_of(page),
        query,
        headers,
        body,
        loc: title.loc.clone(),
    };
    let operations = operations(by_method, &ids, common, response, &read.examples);
    (read.examples, operations)
}

/// The ids of a page's operations: the page's file for its first method (the primary
/// operation), `file#METHOD` for the others.
struct OpIds {
    file: String,
    method: Method,
    methods: Vec<Method>,
}

impl OpIds {
    fn new(page: &Page, by_method: &[(Method, Vec<PathTemplate>)]) -> Self {
        OpIds {
            file: page.file.clone(),
            method: by_method[0].0,
            methods: by_method.iter().map(|(m, _)| *m).collect(),
        }
    }

    fn of(&self, m: Method) -> String {
        if m == self.method || !self.methods.contains(&m) {
            self.file.clone()
        } else {
            format!("{}#{m}", self.file)
        }
    }
}

/// The request lines of a page by method: its `HTTP request` section's, else (a note)
/// those outside its examples. `None` when it has none; a page whose request lines are all
/// in its examples says so.
fn page_request_lines(
    page: &Page,
    headings: &Headings,
    diags: &mut Diagnostics,
) -> Option<Vec<(Method, Vec<PathTemplate>)>> {
    let mut first = Diagnostics::default();
    let mut by_method = request_lines(page, headings, Section::Request, &mut first);
    let malformed = first
        .iter()
        .any(|d| matches!(d.code, Code::PathMalformed | Code::RequestLineMalformed));
    diags.extend(first);
    if by_method.is_empty() {
        // No `HTTP request` section (or nothing in it): request-line blocks elsewhere,
        // outside the examples (`## Get the tenant's root site`, a block under the
        // permissions), are the page's definitions.
        let mut found = Diagnostics::default();
        by_method = request_lines(page, headings, Section::Elsewhere, &mut found);
        if let Some(first) = by_method
            .iter()
            .flat_map(|(_, p)| p)
            .find_map(|p| p.loc.clone())
        {
            diags.extend(found);
            diags.emit(
                Code::RequestLinesElsewhere,
                first,
                "the page has no `HTTP request` section with request lines; the request lines outside its examples are read as its definitions",
            );
        }
    }
    by_method.retain(|(_, p)| !p.is_empty());
    if !by_method.is_empty() {
        return Some(by_method);
    }
    // A page about something else, or nothing usable (malformed lines are diagnosed
    // above); a page whose request lines are all in its examples says so.
    let example_line = page.code_blocks().find_map(|(_, c)| {
        let (i, _) = c
            .text
            .lines()
            .enumerate()
            .find(|(_, l)| REQUEST_LINE.is_match(l.trim()))?;
        Some(Loc {
            file: page.file.clone(),
            line: c.body_line + i as u32,
            col: 1,
        })
    });
    if let Some(loc) = example_line.filter(|_| !malformed) {
        diags.emit(
            Code::PageWithoutOperation,
            loc,
            "the page's request lines are all in its examples (no `HTTP request` section defines a path); no operation",
        );
    }
    None
}

/// Where a block sits: under which of the headings the section readers look for.
struct Place {
    /// Under an `Example...` heading.
    examples: bool,
    /// Under a heading naming query parameters.
    query: bool,
    /// Under a heading naming the request body.
    body: bool,
    /// Under a heading naming the response.
    response: bool,
}

fn places(page: &Page, headings: &Headings) -> Vec<Place> {
    page.blocks
        .iter()
        .map(|b| {
            let sec = b.section;
            Place {
                examples: under(headings, sec, |h| h.starts_with("example")),
                query: under(headings, sec, |h| h.contains("query param")),
                body: under(headings, sec, |h| h.contains("request body")),
                response: under(headings, sec, |h| h.contains("response")),
            }
        })
        .collect()
}

/// The Response section as prose says it: the first paragraph outside the examples that
/// mentions a return and names a success status.
struct ResponseSection {
    response: Response,
    loc: Option<Loc>,
    /// The index of that paragraph among the page's blocks.
    at: Option<usize>,
}

fn response_section(page: &Page, places: &[Place], r: &Resolver, ns: &str) -> ResponseSection {
    let mut response = Response::default();
    for (i, (block, place)) in page.blocks.iter().zip(places).enumerate() {
        let BlockKind::Paragraph(p) = &block.kind else {
            continue;
        };
        if place.examples || !p.text.contains("return") {
            continue;
        }
        // The first success status named (`... 201 Created ... or 507 ...`).
        let named = || STATUS.captures_iter(&p.text).map(|m| m[1].to_string());
        if let Some(m) = named().find(|m| m.starts_with('2')) {
            response.status = m.parse().ok();
            response.collection = p.text.contains("collection");
            response.ty = first_type_link(r, &p.links, ns, &p.loc);
            return ResponseSection {
                response,
                loc: Some(p.loc.clone()),
                at: Some(i),
            };
        }
    }
    ResponseSection {
        response,
        loc: None,
        at: None,
    }
}

/// Whether the response reader reads paragraph `i`: one outside the examples mentioning a
/// return, up to the one that names the response (every such one, when none does). No other
/// reader reads it.
fn read_as_response(i: usize, p: &Paragraph, place: &Place, at: Option<usize>) -> bool {
    !place.examples && p.text.contains("return") && at.is_none_or(|a| i <= a)
}

/// The query options the query parameters section names: `$x` in its prose, the names in
/// its tables (other than a headers table, or a table of the properties `$filter` takes).
fn query_section(
    page: &Page,
    headings: &Headings,
    places: &[Place],
    response_at: Option<usize>,
) -> Vec<String> {
    let mut query: Vec<String> = Vec::new();
    for (i, (block, place)) in page.blocks.iter().zip(places).enumerate() {
        if !place.query {
            continue;
        }
        match &block.kind {
            BlockKind::Paragraph(p) if !read_as_response(i, p, place, response_at) => {
                for m in QUERY_OPTION.captures_iter(&p.text) {
                    let opt = format!("${}", &m[1]);
                    if !query.contains(&opt) {
                        query.push(opt);
                    }
                }
            }
            BlockKind::Table(t) => {
                let nearest = block.section.map_or("", |i| headings.lower[i].as_str());
                if is_headers_in_query(nearest, t)
                    || nearest.contains("attribute")
                    || nearest.contains("supported by")
                {
                    // Headers, or properties a `$filter` accepts: not options.
                    continue;
                }
                push_query_names(t, &mut query);
            }
            _ => {}
        }
    }
    query
}

/// A table in the query parameters section that is a request headers table (`### Optional
/// request headers` inside it).
fn is_headers_in_query(nearest: &str, t: &Table) -> bool {
    nearest.contains("header") || t.kind == TableKind::Headers
}

/// The option names of a query parameters table, each once.
fn push_query_names(t: &Table, query: &mut Vec<String>) {
    let col = t
        .column(&["name", "parameter", "query parameter", "parameter name"])
        .unwrap_or(0);
    for row in &t.rows {
        let name = row
            .get(col)
            .map(|c| c.text.trim().trim_matches(['`', '_', '*']).to_string())
            .unwrap_or_default();
        let plain = name
            .strip_prefix('$')
            .unwrap_or(&name)
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !name.is_empty() && plain && !query.iter().any(|q| q.eq_ignore_ascii_case(&name)) {
            query.push(name);
        }
    }
}

/// The request headers: every headers table outside the examples, wherever it sits (one
/// inside the query parameters section is a note).
fn request_headers(
    page: &Page,
    headings: &Headings,
    places: &[Place],
    diags: &mut Diagnostics,
) -> Vec<HeaderParam> {
    let mut headers: Vec<HeaderParam> = Vec::new();
    for (block, place) in page.blocks.iter().zip(places) {
        let BlockKind::Table(t) = &block.kind else {
            continue;
        };
        if place.query {
            let nearest = block.section.map_or("", |i| headings.lower[i].as_str());
            if is_headers_in_query(nearest, t) {
                if let Some(row) = t.rows.first().and_then(|r| r.first()) {
                    diags.emit(
                        Code::HeaderInQuerySection,
                        row.loc.clone(),
                        "a request headers table inside the query parameters section; read as headers",
                    );
                }
                push_headers(t, &mut headers);
            }
        } else if t.kind == TableKind::Headers && !place.examples {
            push_headers(t, &mut headers);
        }
    }
    headers
}

/// What the request body section says.
struct BodySection {
    /// From its tables: the parameters (a parameters or `Name | Value` table, or a
    /// properties table when no type is linked).
    body: Option<Body>,
    /// The type its prose links.
    link: Option<TypeRef>,
    /// It says "supply the values for relevant fields" (the resource's own properties).
    prose: Option<Loc>,
    /// It names multipart content.
    multipart: Option<Loc>,
}

fn request_body_section(
    page: &Page,
    places: &[Place],
    response_at: Option<usize>,
    r: &Resolver,
    ns: &str,
    diags: &mut Diagnostics,
) -> BodySection {
    let mut s = BodySection {
        body: None,
        link: None,
        prose: None,
        multipart: None,
    };
    for (i, (block, place)) in page.blocks.iter().zip(places).enumerate() {
        if !place.body || place.query {
            continue;
        }
        match &block.kind {
            BlockKind::Paragraph(p)
                if !place.response
                    && s.link.is_none()
                    && !read_as_response(i, p, place, response_at) =>
            {
                s.link = first_type_link(r, &p.links, ns, &p.loc);
                let lower = p.text.to_lowercase();
                if s.prose.is_none()
                    && (lower.contains("supply the values")
                        || lower.contains("values for relevant")
                        || lower.contains("properties that should be updated")
                        || lower.contains("fields that should be updated"))
                {
                    s.prose = Some(p.loc.clone());
                }
                if lower.contains("multipart") {
                    s.multipart = Some(p.loc.clone());
                }
            }
            BlockKind::Table(t)
                if t.kind == TableKind::Unknown
                    && t.column(&["name"]).is_some()
                    && t.column(&["value"]).is_some()
                    && s.body.is_none() =>
            {
                // `Name | Value | Description`: the parameters, typed in the Value column.
                let props = r.props(&t.property_rows(diags), ns, diags);
                if !props.is_empty() {
                    diags.emit(
                        Code::BodyInferred,
                        t.loc.clone(),
                        "a `Name | Value` table in the request body: read as the body's parameters, typed by the Value column",
                    );
                    s.body = Some(Body::Parameters { properties: props });
                }
            }
            BlockKind::Table(t)
                if matches!(t.kind, TableKind::Properties | TableKind::Parameters) =>
            {
                let props = r.props(&t.property_rows(diags), ns, diags);
                if (t.kind == TableKind::Parameters || s.link.is_none()) && s.body.is_none() {
                    s.body = Some(Body::Parameters { properties: props });
                }
            }
            _ => {}
        }
    }
    s
}

/// What a page's request and response examples say.
#[derive(Default)]
struct ExamplesRead {
    examples: Vec<Example>,
    /// The Content-Type of each request example that names one.
    request_content: Vec<RequestContent>,
    /// Operations a response example shows as a `stream`.
    streams: Vec<String>,
}

/// The Content-Type a request example names, for its operation.
struct RequestContent {
    operation: String,
    content_type: String,
    loc: Loc,
}

/// The page's request and response examples, each of the operation its request line (or
/// the request before it) names; a response example's type is the response's when the
/// Response section named none.
#[allow(clippy::too_many_arguments)]
fn examples_section(
    page: &Page,
    ids: &OpIds,
    r: &Resolver,
    ir: &Ir,
    ns: &str,
    body: &Option<Body>,
    response: &mut Response,
    diags: &mut Diagnostics,
) -> ExamplesRead {
    let mut read = ExamplesRead::default();
    let mut last_request_op = page.file.clone();
    for (_, c) in page.code_blocks() {
        let Some(ann) = &c.annotation else { continue };
        let kind = match ann.block_type() {
            Some("request") => ExampleKind::Request,
            Some("response") => ExampleKind::Response,
            _ => continue,
        };
        let first = c.text.lines().next().unwrap_or("").trim();
        // The patterns are anchored at literal prefixes: a line without one is spared the
        // regex (most first lines are one or the other, never both).
        let request_line = first
            .starts_with(['G', 'P', 'D'])
            .then(|| REQUEST_LINE.captures(first))
            .flatten()
            .and_then(|m| {
                Some(RequestLine {
                    method: Method::parse(&m[1])?,
                    url: m[2].to_string(),
                })
            });
        let status = first
            .starts_with("HTTP/")
            .then(|| STATUS_LINE.captures(first))
            .flatten()
            .and_then(|m| m[1].parse().ok());
        let (text, offset) = if c.lang == "json" {
            (Some(c.text.trim_end()), 0)
        } else {
            c.http_body()
        };
        if kind == ExampleKind::Request
            && let Some(RequestLine { method: m, .. }) = &request_line
            && let Some(ct) = content_type(&c.text)
        {
            read.request_content.push(RequestContent {
                operation: ids.of(*m),
                content_type: ct,
                loc: c.body_loc(0),
            });
        }
        let mut collection = ann.flag("isCollection");
        let mut type_name = None;
        let stream = ann.odata_type().is_some_and(|t| {
            let t = t.trim();
            t.eq_ignore_ascii_case("stream") || t.eq_ignore_ascii_case("Edm.Stream")
        });
        if stream {
            if kind == ExampleKind::Response {
                read.streams.push(last_request_op.clone());
            }
        } else if let Some(t) = ann.odata_type() {
            type_name = annotated_type(t, ann, r, ns, &mut collection, diags);
        } else if kind == ExampleKind::Request {
            if let Some(Body::Type {
                ty: TypeRef::Complex { name },
                ..
            }) = body
            {
                type_name = Some(name.clone());
            }
        } else if let Some(TypeRef::Complex { name }) = &response.ty {
            type_name = Some(name.clone());
            collection = response.collection;
        }
        if kind == ExampleKind::Response && response.ty.is_none() {
            // The response section named no type: the annotation does.
            if let Some(t) = &type_name {
                response.ty = Some(TypeRef::Complex { name: t.clone() });
                response.collection = collection;
            }
        }
        let typed_response = type_name.is_some() && kind == ExampleKind::Response;
        let Ok(body_value) = example_json(c, ann, text, offset, typed_response, status, diags)
        else {
            continue;
        };
        if let (Some(serde_json::Value::Object(obj)), false, Some(t)) =
            (&body_value, collection, &type_name)
        {
            let has_value_prop = ir
                .types
                .get(t)
                .is_some_and(|t| has_property(ir, t, "value"));
            if obj.get("value").is_some_and(|v| v.is_array()) && !has_value_prop {
                collection = true;
            }
        }
        if kind == ExampleKind::Request && body_value.is_none() && request_line.is_none() {
            continue;
        }
        read.examples.push(Example {
            kind,
            name: ann.str("name").map(str::to_string),
            operation: Some(match &request_line {
                Some(RequestLine { method: m, .. }) => {
                    last_request_op = ids.of(*m);
                    last_request_op.clone()
                }
                None => last_request_op.clone(),
            }),
            request_loc: request_line.as_ref().map(|_| Loc {
                file: page.file.clone(),
                line: c.body_line,
                col: 1,
            }),
            request_line,
            call: None,
            status,
            type_name: if body_value.is_some() {
                type_name
            } else {
                None
            },
            collection,
            body: body_value.unwrap_or(serde_json::Value::Null),
            mismatch: None,
            loc: c.body_loc(offset),
        });
    }
    read
}

/// The type an example's annotation names (`x`, or `Collection(x)`, which sets
/// `collection`), when it is a defined entity or complex type.
fn annotated_type(
    t: &str,
    ann: &Annotation,
    r: &Resolver,
    ns: &str,
    collection: &mut bool,
    diags: &mut Diagnostics,
) -> Option<String> {
    let t = t.trim();
    let inner = t
        .get(..11)
        .filter(|p| p.eq_ignore_ascii_case("collection("))
        .and_then(|_| t[11..].strip_suffix(')'))
        .inspect(|_| *collection = true)
        .unwrap_or(t);
    match r.named(inner, None, ns, &ann.loc, diags) {
        Some(TypeRef::Complex { name }) => Some(name),
        Some(_) => None,
        None => {
            if parse_type_spelling(inner).is_ok_and(|s| matches!(s.base, Base::Named { .. })) {
                diags.emit(
                    Code::TypeUnresolved,
                    ann.loc.clone(),
                    format!("example type `{inner}` is not defined in the docs"),
                );
            }
            None
        }
    }
}

/// An example's JSON body (`None` without one; a typed response example without one is a
/// note); `Err` when it does not parse (a diagnostic; the example is left out).
fn example_json(
    c: &CodeBlock,
    ann: &Annotation,
    text: Option<&str>,
    offset: usize,
    typed_response: bool,
    status: Option<u16>,
    diags: &mut Diagnostics,
) -> Result<Option<serde_json::Value>, ()> {
    let Some(b) = text.filter(|b| b.trim_start().starts_with(['{', '['])) else {
        if typed_response && status != Some(204) {
            diags.emit(
                Code::ExampleNoBody,
                ann.loc.clone(),
                "typed response example has no body",
            );
        }
        return Ok(None);
    };
    match jsonc::parse_lenient(b) {
        Ok(v) => {
            if let Some(rep) = v.repairs.first() {
                diags.emit(
                    Code::JsonRepaired,
                    c.body_loc(offset + rep.offset),
                    format!("example JSON repaired ({:?})", rep.kind),
                );
            }
            Ok(Some(v.value))
        }
        Err(e) => {
            diags.emit(
                Code::JsonInvalid,
                c.body_loc(offset + e.offset),
                format!("example JSON does not parse: {}", e.message),
            );
            Err(())
        }
    }
}

/// A body that neither a table nor a linked type gives, from the other facts ([`BodyFacts`]);
/// a type found so is the type of the operation's untyped request examples too.
fn infer_body(
    ir: &Ir,
    ids: &OpIds,
    paths: &[PathTemplate],
    section: &BodySection,
    response: &Response,
    read: &mut ExamplesRead,
    diags: &mut Diagnostics,
) -> Option<Body> {
    let primary = ids.of(ids.method);
    let facts = BodyFacts {
        ir,
        method: ids.method,
        paths,
        content: read
            .request_content
            .iter()
            .find(|c| c.operation == primary)
            .map(|c| (c.content_type.as_str(), &c.loc)),
        multipart: section.multipart.as_ref(),
        prose: section.prose.as_ref(),
        response,
        example: {
            let mine = || {
                read.examples.iter().filter(|e| {
                    e.kind == ExampleKind::Request
                        && e.operation.as_deref() == Some(&primary)
                        && (e.body.is_object() || e.body.is_array())
                })
            };
            // One annotated with its type, else the first.
            mine()
                .find(|e| e.type_name.is_some())
                .or_else(|| mine().next())
        },
    };
    let body = facts.infer(diags);
    if let Some(Body::Type {
        ty: TypeRef::Complex { name },
        ..
    }) = &body
    {
        for e in &mut read.examples {
            if e.kind == ExampleKind::Request
                && e.operation.as_deref() == Some(&primary)
                && e.type_name.is_none()
                && e.body.is_object()
            {
                e.type_name = Some(name.clone());
            }
        }
    }
    body
}

/// The Response section says "a collection of [x]" but every response example of the
/// operation is one `x` (annotated so, no `value` array): the examples show what the
/// service sends.
fn single_response(
    response: &mut Response,
    examples: &[Example],
    primary: &str,
    response_loc: Option<Loc>,
    title: &Spanned<String>,
    diags: &mut Diagnostics,
) {
    let single: Vec<&Example> = examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response && e.operation.as_deref() == Some(primary))
        .filter(|e| e.body.is_object())
        .collect();
    let response_type = match &response.ty {
        Some(TypeRef::Complex { name }) => Some(name),
        _ => None,
    };
    if response.collection
        && !single.is_empty()
        && single.iter().all(|e| {
            !e.collection && e.type_name.is_some() && e.type_name.as_ref() == response_type
        })
    {
        let message = format!(
            "the response is described as a collection, but its {} response example{} one `{}`; the operation returns one",
            single.len(),
            if single.len() == 1 {
                " is"
            } else {
                "s are each"
            },
            response_type.map_or("", |t| t.rsplit('.').next().unwrap_or(t))
        );
        response.collection = false;
        diags.push(
            Diagnostic::new(
                Code::ResponseSingle,
                response_loc.unwrap_or_else(|| title.loc.clone()),
                message,
            )
            .with_related(single[0].loc.clone()),
        );
    }
}

/// What every operation of a page shares.
struct Common {
    name: String,
    description: String,
    stub: bool,
    area: String,
    query: Vec<String>,
    headers: Vec<HeaderParam>,
    body: Option<Body>,
    loc: Loc,
}

/// An operation per method: the first is the page's (its response the Response
/// section's); another one's response is what its examples show.
fn operations(
    by_method: Vec<(Method, Vec<PathTemplate>)>,
    ids: &OpIds,
    common: Common,
    response: Response,
    examples: &[Example],
) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (m, paths) in by_method {
        let primary = m == ids.method;
        operations.push(Operation {
            id: ids.of(m),
            name: if primary {
                common.name.clone()
            } else {
                format!("{} ({m})", common.name)
            },
            stub: common.stub,
            area: common.area.clone(),
            description: common.description.clone(),
            body: if m.takes_body() {
                common.body.clone()
            } else {
                None
            },
            // The page's own examples: no other page's example is of this page's operation.
            response: if primary {
                response.clone()
            } else {
                secondary_response(examples, &ids.of(m))
            },
            method: m,
            paths,
            query: common.query.clone(),
            headers: common.headers.clone(),
            loc: common.loc.clone(),
            also_documented_at: vec![],
        });
    }
    operations
}

/// Where request lines are read from: the `HTTP request` section, or anywhere outside the
/// examples (a page without such a section).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Request,
    Elsewhere,
}

/// Paths by method, in page order: a page can document two operations (create with POST,
/// update with PATCH); the first method is the page's primary operation.
fn request_lines(
    page: &Page,
    headings: &Headings,
    where_: Section,
    diags: &mut Diagnostics,
) -> Vec<(Method, Vec<PathTemplate>)> {
    let mut by_method: Vec<(Method, Vec<PathTemplate>)> = Vec::new();
    for (section, c) in page.code_blocks() {
        let blocktype = c.annotation.as_ref().and_then(|a| a.block_type());
        // In the request section, a block annotated `request` or `samples` is the request
        // line as an example shows it (its first line; headers and a body may follow).
        let example_shaped = matches!(blocktype, Some("request" | "samples"));
        let in_place = match where_ {
            Section::Request => under(headings, section, |h| h.contains("http request")),
            Section::Elsewhere => {
                !under(headings, section, |h| {
                    h.starts_with("example") || h.contains("response") || h == "request"
                }) && (blocktype == Some("ignored") || blocktype.is_none())
                    && c.text
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .is_some_and(|l| REQUEST_LINE.is_match(l.trim()))
            }
        };
        if !in_place || blocktype.is_some_and(|b| b != "ignored" && !example_shaped) {
            continue;
        }
        let lines = c.text.lines().enumerate();
        let lines = lines.filter(|(_, l)| !l.trim().is_empty());
        let lines: Vec<(usize, &str)> = if example_shaped {
            lines.take(1).collect()
        } else {
            lines.collect()
        };
        for (i, line) in lines {
            let line = line.trim();
            let loc = Loc {
                file: page.file.clone(),
                line: c.body_line + i as u32,
                col: 1,
            };
            let parsed = REQUEST_LINE.captures(line);
            let Some((method, m)) = parsed.and_then(|m| Some((Method::parse(&m[1])?, m))) else {
                diags.emit(
                    Code::RequestLineMalformed,
                    loc,
                    format!("`{line}` is not `METHOD /path`; skipped"),
                );
                continue;
            };
            let i = match by_method.iter().position(|(mm, _)| *mm == method) {
                Some(i) => i,
                None => {
                    by_method.push((method, Vec::new()));
                    by_method.len() - 1
                }
            };
            let paths = &mut by_method[i].1;
            match path_repair::parse(&m[2], &loc, diags) {
                Ok(t) if !paths.iter().any(|p| p.shape() == t.shape()) => {
                    paths.push(PathTemplate {
                        loc: Some(loc),
                        ..t
                    })
                }
                Ok(_) => {}
                Err(why) => diags.emit(Code::PathMalformed, loc, format!("{why}; path skipped")),
            }
        }
    }
    by_method
}

/// The rows of a request headers table, each header once (Authorization, Content-Type and
/// Content-Length are the client's).
fn push_headers(t: &Table, headers: &mut Vec<HeaderParam>) {
    let name_col = t.column(&["header", "name", "header name"]).unwrap_or(0);
    let desc_col = t.column(&["description", "value"]);
    for row in &t.rows {
        let Some(name) = row
            .get(name_col)
            .map(|c| c.text.trim().trim_matches(['`', '_', '*']).to_string())
        else {
            continue;
        };
        if name.is_empty()
            || name.contains(' ')
            || ["authorization", "content-type", "content-length"]
                .contains(&name.to_lowercase().as_str())
        {
            continue;
        }
        let description = desc_col
            .and_then(|c| row.get(c))
            .map(|c| c.text.clone())
            .unwrap_or_default();
        if !headers.iter().any(|h| h.name.eq_ignore_ascii_case(&name)) {
            headers.push(HeaderParam {
                required: description.contains("Required"),
                name,
                description,
            });
        }
    }
}

/// The `Content-Type` header of an `http` example block (after its first line, before the
/// blank line), lower-cased, parameters dropped.
fn content_type(text: &str) -> Option<String> {
    text.lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-type").then(|| {
                let v = v.split(';').next().unwrap_or("").trim();
                v.to_ascii_lowercase()
            })
        })
        .filter(|v| !v.is_empty())
}

/// What a page says about a request body besides a table or a linked type.
struct BodyFacts<'a> {
    ir: &'a Ir,
    method: Method,
    paths: &'a [PathTemplate],
    /// The Content-Type of the operation's request example.
    content: Option<(&'a str, &'a Loc)>,
    /// The body section names multipart content.
    multipart: Option<&'a Loc>,
    /// "Supply the values for relevant fields": the resource's own properties.
    prose: Option<&'a Loc>,
    response: &'a Response,
    example: Option<&'a Example>,
}

impl BodyFacts<'_> {
    /// The body, from the strongest statement: bytes (a media path, a non-JSON content
    /// type, multipart), the request annotation's type, the prose naming the resource (the
    /// type the operation returns), then an example alone (any JSON).
    fn infer(&self, diags: &mut Diagnostics) -> Option<Body> {
        let media = self.paths.iter().any(is_media_path);
        let json = |ct: &str| ct.contains("json");
        match self.content {
            Some((ct, loc)) if ct.starts_with("multipart/") => {
                diags.emit(
                    Code::BodyMultipart,
                    loc.clone(),
                    format!("the request is `{ct}`: the body is bytes the caller builds as multipart, never JSON"),
                );
                return Some(Body::Binary {
                    content_type: Some(ct.to_string()),
                });
            }
            Some((ct, _)) if !json(ct) => {
                return Some(Body::Binary {
                    content_type: Some(ct.to_string()),
                });
            }
            _ => {}
        }
        if let Some(loc) = self.multipart.filter(|_| self.content.is_none()) {
            diags.emit(
                Code::BodyMultipart,
                loc.clone(),
                "the request body is multipart: bytes the caller builds, never JSON",
            );
            return Some(Body::Binary {
                content_type: Some("multipart/form-data".into()),
            });
        }
        if media {
            return Some(Body::Binary { content_type: None });
        }
        let example = self
            .example
            .filter(|e| e.body.is_object() || e.body.is_array());
        if let Some(e) = example
            && let Some(t) = &e.type_name
        {
            diags.emit(
                Code::BodyInferred,
                e.loc.clone(),
                format!("the request body is the `{t}` the request example is annotated with"),
            );
            return Some(Body::Type {
                ty: TypeRef::Complex { name: t.clone() },
                collection: e.collection,
            });
        }
        // A POST answered `201 Created` with one `x` creates an `x` from its body.
        let created = self.method == Method::Post
            && self.response.status == Some(201)
            && !self.response.collection;
        let fits = |e: &Example, name: &str| {
            let (Some(obj), Some(t)) = (e.body.as_object(), self.ir.types.get(name)) else {
                return false;
            };
            obj.keys()
                .all(|k| k.starts_with('@') || has_property(self.ir, t, k))
        };
        if let (Some(e), true, Some(ty @ TypeRef::Complex { name })) =
            (example, created, &self.response.ty)
            && fits(e, name)
        {
            diags.emit(
                Code::BodyInferred,
                e.loc.clone(),
                format!("the request creates a `{name}` (answered `201 Created` with one): the body is one"),
            );
            return Some(Body::Type {
                ty: ty.clone(),
                collection: false,
            });
        }
        if let (Some(loc), Some(ty @ TypeRef::Complex { name })) = (self.prose, &self.response.ty) {
            diags.emit(
                Code::BodyInferred,
                loc.clone(),
                format!("the request body is the values of the resource's properties: a `{name}`"),
            );
            return Some(Body::Type {
                ty: ty.clone(),
                collection: false,
            });
        }
        let at = self
            .prose
            .cloned()
            .or_else(|| example.map(|e| e.loc.clone()))?;
        diags.emit(
            Code::BodyInferred,
            at,
            "the request body is documented only by prose or an example; taken as JSON",
        );
        Some(Body::Type {
            ty: TypeRef::Opaque {
                spelling: "Json".into(),
            },
            collection: false,
        })
    }
}

/// The service root the docs write their requests against: the version most request
/// examples name (`https://graph.microsoft.com/v1.0/...` → v1.0), ties to beta.
pub(super) fn service_root(ir: &Ir) -> Option<String> {
    let (mut beta, mut v1) = (0usize, 0usize);
    for ex in &ir.examples {
        match ex
            .request_line
            .as_ref()
            .and_then(|l| path::service_version(&l.url))
        {
            Some("beta") => beta += 1,
            Some(_) => v1 += 1,
            None => {}
        }
    }
    match (beta, v1) {
        (0, 0) => None,
        (b, v) if v > b => Some("https://graph.microsoft.com/v1.0".into()),
        _ => Some("https://graph.microsoft.com/beta".into()),
    }
}

/// The response of a page's second operation (the Response section describes the first):
/// what its first response example shows.
fn secondary_response(examples: &[Example], op: &str) -> Response {
    let ex = examples
        .iter()
        .rev()
        .find(|e| e.kind == ExampleKind::Response && e.operation.as_deref() == Some(op));
    match ex {
        Some(e) => {
            let mut r = Response {
                status: e.status,
                ty: e.type_name.clone().map(|name| TypeRef::Complex { name }),
                collection: e.collection,
                ..Response::default()
            };
            r.statuses = statuses(&r, examples, op);
            r
        }
        None => Response::default(),
    }
}

/// Every 2xx status the docs show for an operation: its Response section's and its response
/// examples', sorted.
fn statuses(response: &Response, examples: &[Example], op: &str) -> Vec<u16> {
    let shown = examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response && e.operation.as_deref() == Some(op))
        .filter_map(|e| e.status);
    let mut out: Vec<u16> = response
        .status
        .into_iter()
        .chain(shown)
        .filter(|s| (200..300).contains(s))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether an operation's response is bytes: a GET of a media stream (every path ending in
/// `/content` or `/$value`; a response example annotated `"@odata.type": "stream"` says so
/// too, see the caller).
fn binary_response(method: Method, paths: &[PathTemplate]) -> bool {
    method == Method::Get && !paths.is_empty() && paths.iter().all(is_media_path)
}

/// A path that addresses a media stream: it ends in the literal segment `content` or
/// `$value` (`/items/{id}/content`, `root:/{path}:/content`, `/photo/$value`).
fn is_media_path(p: &PathTemplate) -> bool {
    let last = p.literal_segments().pop();
    last.is_some_and(|s| {
        let s = s.trim_start_matches(':').to_ascii_lowercase();
        s == "content" || s == "$value"
    }) && matches!(p.pieces.last(), Some(Piece::Literal { .. }))
}

/// The longest common substring of `a` and `b` (bytes), by length.
fn common_substring(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for &x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best
}

fn alnum_lower(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How well a page documents a path: the longest run its file name shares with the path's
/// last named segment (`deviceEnrollmentConfigurations` in
/// `intune-onboarding-deviceenrollmentlimitconfiguration-delete.md`: 16).
pub(crate) fn claim_strength(page: &str, path: &PathTemplate) -> usize {
    let stem = page.rsplit('/').next().unwrap_or(page);
    let stem = alnum_lower(stem.strip_suffix(".md").unwrap_or(stem));
    let last = path
        .literal_segments()
        .into_iter()
        .rev()
        .find(|s| !s.starts_with('$'))
        .map(|s| alnum_lower(s.split('(').next().unwrap_or(&s)))
        .unwrap_or_default();
    common_substring(&last, &stem)
}

/// Merge operations documented on several pages (same method, a path of the same shape).
///
/// Each claimed (method, path shape) goes to one page, chosen among the pages that claim it
/// and by what each says alone, so no other page can change the choice: a real page before a
/// stub (a page with TODO placeholders), a page writing the path bare before one writing it
/// with fixed query pairs, then the page of the resource's own family (the file stem of the
/// page defining the type the path returns or takes: `api/user-list.md` for `user`, not
/// `api/intune-shared-user-list.md`), then the page whose file name best matches that path
/// ([`claim_strength`]), then the lexicographically smallest page id. A page keeps the paths
/// it won; a page that won none merges into the winner of its first path. Each lost claim is
/// a note at the loser, related to the winner; what the loser says about the call (query
/// options, headers, statuses, a body or response type the winner lacks) is merged into the
/// winner ([`Facts`]), and its examples of that path follow it.
pub(super) fn merge_duplicates(ir: &mut Ir, diags: &mut Diagnostics) {
    let ops = std::mem::take(&mut ir.operations);
    // Each path's shape, made once.
    let shapes: Vec<Vec<String>> = {
        use rayon::prelude::*;
        ops.par_iter()
            .map(|op| op.paths.iter().map(PathTemplate::shape).collect())
            .collect()
    };
    let owners = claim_owners(ir, &ops, &shapes);
    let locs: Vec<(Loc, String)> = ops.iter().map(|o| (o.loc.clone(), o.id.clone())).collect();
    // What each page that lost a claim says about the call: merged into the winner.
    let mut facts: Vec<(usize, Facts)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let mut winners: Vec<usize> = owners[i].iter().copied().filter(|&w| w != i).collect();
        winners.sort_unstable();
        winners.dedup();
        facts.extend(winners.into_iter().map(|w| (w, Facts::of(op))));
    }
    let mut lost_shapes: Vec<(String, PathTemplate, String)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        for (&w, p) in owners[i].iter().zip(&op.paths) {
            if w != i {
                lost_shapes.push((op.id.clone(), p.clone(), ops[w].id.clone()));
            }
        }
    }
    let mut kept: Vec<Operation> = Vec::new();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut merged_into: Vec<(usize, Loc)> = Vec::new();
    for (i, mut op) in ops.into_iter().enumerate() {
        let owners = &owners[i];
        let mut won: Vec<PathTemplate> = Vec::new();
        let mut gone: Vec<(PathTemplate, usize)> = Vec::new();
        for (p, &w) in std::mem::take(&mut op.paths).into_iter().zip(owners) {
            if w == i {
                won.push(p);
            } else {
                gone.push((p, w));
            }
        }
        let mut lost = Vec::new();
        for &(_, w) in &gone {
            if !lost.contains(&w) {
                lost.push(w);
            }
        }
        for (n, &w) in lost.iter().enumerate() {
            let (wloc, _) = &locs[w];
            let whole = won.is_empty() && n == 0;
            diags.push(
                Diagnostic::new(
                    Code::OperationDuplicate,
                    op.loc.clone(),
                    format!(
                        "`{} {}` is also documented at {wloc}; {}{}",
                        op.method,
                        gone.iter()
                            .find(|(_, o)| *o == w)
                            .map_or("", |(p, _)| p.raw.as_str()),
                        if whole {
                            "merged into it"
                        } else {
                            "that page documents it"
                        },
                        if op.stub {
                            " (this page is a stub: the real page's types win)"
                        } else {
                            ""
                        }
                    ),
                )
                .with_related(wloc.clone()),
            );
        }
        if won.is_empty() {
            let w = owners[0];
            renamed.insert(op.id.clone(), locs[w].1.clone());
            merged_into.push((w, op.loc.clone()));
            continue;
        }
        op.paths = won;
        kept.push(op);
    }
    for (w, loc) in merged_into {
        let id = &locs[w].1;
        if let Some(k) = kept.iter_mut().find(|k| &k.id == id) {
            k.also_documented_at.push(loc);
        }
    }
    kept.sort_by(|a, b| a.id.cmp(&b.id));
    for (w, f) in facts {
        let id = &locs[w].1;
        if let Ok(k) = kept.binary_search_by(|k| k.id.as_str().cmp(id)) {
            f.merge_into(&mut kept[k], diags);
        }
    }
    follow_moved_examples(&mut ir.examples, &lost_shapes, &renamed);
    ir.operations = kept;
    resource_bodies(ir, diags);
}

/// The owner of each path of each operation (by operation and path index): for each
/// (method, path shape), the best claimant by the rank [`merge_duplicates`] describes.
fn claim_owners(ir: &Ir, ops: &[Operation], shapes: &[Vec<String>]) -> Vec<Vec<usize>> {
    let homes = resource_homes(ir, ops, shapes);
    // (method, shape) → the best claimant's index, with its rank once a second page claims
    let mut owner: BTreeMap<(&str, &str), (usize, Option<Rank>)> = BTreeMap::new();
    type Rank<'a> = (bool, bool, bool, std::cmp::Reverse<usize>, &'a str);
    for (i, op) in ops.iter().enumerate() {
        for (p, shape) in op.paths.iter().zip(&shapes[i]) {
            // The claimant's path of this shape (its first, when it documents several).
            let rank = |j: usize| {
                let o: &Operation = &ops[j];
                let path = o
                    .paths
                    .iter()
                    .zip(&shapes[j])
                    .find(|(_, s)| *s == shape)
                    .map_or(p, |(q, _)| q);
                (
                    o.stub,
                    // A page that writes the path bare documents the call itself; one
                    // that writes it with fixed query pairs (`/users?$expand=manager`)
                    // documents a use of it.
                    !path.query.is_empty(),
                    !homes
                        .get(shape.as_str())
                        .is_some_and(|stem| in_family(&o.id, stem)),
                    std::cmp::Reverse(claim_strength(&o.id, path)),
                    o.id.as_str(),
                )
            };
            owner
                .entry((op.method.as_str(), shape.as_str()))
                .and_modify(|(j, best)| {
                    let best = best.get_or_insert_with(|| rank(*j));
                    let mine = rank(i);
                    if mine < *best {
                        (*j, *best) = (i, mine);
                    }
                })
                .or_insert((i, None));
        }
    }
    ops.iter()
        .zip(shapes)
        .map(|(op, shapes)| {
            shapes
                .iter()
                .map(|s| owner[&(op.method.as_str(), s.as_str())].0)
                .collect()
        })
        .collect()
}

/// An update whose page says only "supply the values for relevant fields" (a JSON body of
/// no named type) takes the type the docs return for the same path: the resource itself.
fn resource_bodies(ir: &mut Ir, diags: &mut Diagnostics) {
    let mut single: BTreeMap<String, String> = BTreeMap::new();
    for op in &ir.operations {
        if let (Some(TypeRef::Complex { name }), false) = (&op.response.ty, op.response.collection)
        {
            for p in &op.paths {
                single.entry(p.shape()).or_insert_with(|| name.clone());
            }
        }
    }
    for op in &mut ir.operations {
        if !matches!(op.method, Method::Patch | Method::Put)
            || !matches!(
                &op.body,
                Some(Body::Type {
                    ty: TypeRef::Opaque { .. },
                    ..
                })
            )
        {
            continue;
        }
        let Some(name) = op.paths.iter().find_map(|p| single.get(&p.shape())) else {
            continue;
        };
        diags.emit(
            Code::BodyInferred,
            op.loc.clone(),
            format!("the update's body is the values of the resource's fields: a `{name}`, the type the docs return for its path"),
        );
        op.body = Some(Body::Type {
            ty: TypeRef::Complex { name: name.clone() },
            collection: false,
        });
    }
}

/// What a page says about an operation besides its paths: merged into the operation that
/// another page owns.
struct Facts {
    loc: Loc,
    query: Vec<String>,
    headers: Vec<HeaderParam>,
    body: Option<Body>,
    response: Response,
}

impl Facts {
    fn of(op: &Operation) -> Facts {
        Facts {
            loc: op.loc.clone(),
            query: op.query.clone(),
            headers: op.headers.clone(),
            body: op.body.clone(),
            response: op.response.clone(),
        }
    }

    /// Query options and headers are added; a body or response type the owner lacks is
    /// taken; statuses are added; where both say something different the owner's word
    /// stands and the difference is a note at this page.
    fn merge_into(self, op: &mut Operation, diags: &mut Diagnostics) {
        for q in self.query {
            if !op.query.iter().any(|o| o.eq_ignore_ascii_case(&q)) {
                op.query.push(q);
            }
        }
        for h in self.headers {
            if !op
                .headers
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(&h.name))
            {
                op.headers.push(h);
            }
        }
        if op.body.is_none() {
            op.body = self.body;
        }
        let (mine, theirs) = (&op.response, &self.response);
        let differs = (theirs.ty.is_some() && mine.ty.is_some() && theirs.ty != mine.ty)
            || (theirs.status.is_some() && mine.status.is_some() && theirs.status != mine.status);
        if differs {
            let say = |r: &Response| {
                let ty = r.ty.as_ref().and_then(TypeRef::named).unwrap_or("no body");
                format!("{} {ty}", r.status.map_or("?".into(), |s| s.to_string()))
            };
            diags.push(
                Diagnostic::new(
                    Code::OperationFactsConflict,
                    self.loc.clone(),
                    format!(
                        "`{} {}`: this page says the response is `{}`, the page that owns it (`{}`) says `{}`; the owner's is kept, both statuses are successes",
                        op.method,
                        op.paths.first().map_or("", |p| p.raw.as_str()),
                        say(theirs),
                        op.id,
                        say(mine)
                    ),
                )
                .with_related(op.loc.clone()),
            );
        }
        if op.response.ty.is_none() && op.response.status.is_none() {
            op.response.ty = self.response.ty.clone();
            op.response.collection = self.response.collection;
        }
        let extra = self
            .response
            .status
            .into_iter()
            .chain(self.response.statuses);
        for s in extra.filter(|s| (200..300).contains(s)) {
            if !op.response.statuses.contains(&s) {
                op.response.statuses.push(s);
            }
        }
        op.response.statuses.sort_unstable();
    }
}

/// The examples of a page that lost a path to another page follow that path: a request
/// example whose URL has the lost shape, and the response examples after it, belong to the
/// winner. `renamed`: pages merged whole.
fn follow_moved_examples(
    examples: &mut [Example],
    lost: &[(String, PathTemplate, String)],
    renamed: &BTreeMap<String, String>,
) {
    let mut current: Option<String> = None;
    for ex in examples {
        let Some(op) = ex.operation.clone() else {
            continue;
        };
        if let Some(new) = renamed.get(&op) {
            ex.operation = Some(new.clone());
            continue;
        }
        if let Some(RequestLine { url, .. }) = &ex.request_line {
            let rest = path::strip_service_root(url);
            let p = rest.split_once('?').map_or(rest, |(p, _)| p);
            current = lost
                .iter()
                .filter(|(id, _, _)| *id == op)
                .find(|(_, t, _)| t.match_path(p).is_some())
                .map(|(_, _, w)| w.clone());
        } else if ex.kind != ExampleKind::Response {
            current = None;
        }
        if let Some(w) = &current {
            ex.operation = Some(w.clone());
        }
    }
}

/// The page family that documents each path shape's resource: the file stem of the page
/// that defines the type the path returns or takes (`resources/user.md` → `user`), read
/// from the operations on that shape (a DELETE takes the type of the GET on its path).
fn resource_homes<'a>(
    ir: &'a Ir,
    ops: &[Operation],
    shapes: &'a [Vec<String>],
) -> BTreeMap<&'a str, String> {
    let mut homes: BTreeMap<&str, String> = BTreeMap::new();
    for (op, shapes) in ops.iter().zip(shapes) {
        let ty = match (&op.response.ty, &op.body) {
            (Some(TypeRef::Complex { name }), _) => name,
            (
                _,
                Some(Body::Type {
                    ty: TypeRef::Complex { name },
                    ..
                }),
            ) => name,
            _ => continue,
        };
        let Some(def) = ir.types.get(ty) else {
            continue;
        };
        let file = &def.loc.file;
        let stem = file.rsplit('/').next().unwrap_or(file);
        let stem = stem
            .strip_suffix(".md")
            .unwrap_or(stem)
            .to_ascii_lowercase();
        for shape in shapes {
            homes.entry(shape.as_str()).or_insert_with(|| stem.clone());
        }
    }
    homes
}

/// Whether a page belongs to a resource's page family (`api/user-list.md` to `user`, not
/// `api/intune-shared-user-list.md`).
fn in_family(page: &str, stem: &str) -> bool {
    let name = page.rsplit('/').next().unwrap_or(page).to_ascii_lowercase();
    name.strip_prefix(stem)
        .is_some_and(|rest| rest.starts_with('-') || rest == ".md")
}

/// An example URL as a path template: segments that carry values (GUIDs, numbers,
/// addresses, quoted keys) become parameters named after the segment before them. `None`
/// when a segment is neither a plain name nor such a value (functions, `root:` addressing).
fn template_from_example(path: &str) -> Option<path::PathTemplate> {
    let mut raw = String::new();
    let mut prev = "value";
    let mut names: Vec<String> = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let plain = seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$')
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '$'))
            && !seg.chars().any(|c| c.is_ascii_digit());
        let value = seg.chars().any(|c| c.is_ascii_digit() || c == '@')
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '@'));
        raw.push('/');
        if plain {
            raw.push_str(seg);
            prev = seg;
        } else if value {
            let mut name = format!("{prev}Id");
            let n = names.iter().filter(|x| x.starts_with(&name)).count();
            if n > 0 {
                name = format!("{name}{}", n + 1);
            }
            raw.push('{');
            raw.push_str(&name);
            raw.push('}');
            names.push(name);
        } else {
            return None;
        }
    }
    path::parse(&raw).ok()
}

/// What the examples show and the page does not document is evidence too: a request
/// example's URL on the service host that matches none of its operation's documented paths
/// is added as a path (its values made parameters), a note at the example. The pairing
/// itself is [`pair_example_calls`], once the paths are final.
pub(super) fn add_example_paths(ir: &mut Ir, diags: &mut Diagnostics) {
    let mut added_paths: Vec<(String, path::PathTemplate)> = Vec::new();
    for ex in &ir.examples {
        let (Some(id), Some(RequestLine { method, url })) =
            (ex.operation.as_deref(), &ex.request_line)
        else {
            continue;
        };
        let Some(op) = ir.operations.iter().find(|o| o.id == id) else {
            continue;
        };
        let rest = path::strip_service_root(url);
        let p = rest.split_once('?').map_or(rest, |(p, _)| p);
        let known = op
            .paths
            .iter()
            .chain(added_paths.iter().filter(|(o, _)| o == id).map(|(_, t)| t))
            .any(|t| t.match_path(p).is_some());
        // A URL on another host (a pre-authenticated download URL a redirect points at) is
        // no path of the service.
        if known || *method != op.method || !path::on_service_host(url) {
            continue;
        }
        if let Some(mut t) = template_from_example(p) {
            t.loc = ex.request_loc.clone().or_else(|| Some(ex.loc.clone()));
            diags.emit(
                Code::PathFromExample,
                t.loc.clone().unwrap_or_else(|| ex.loc.clone()),
                format!(
                    "request example `{method} {url}` matches none of the documented paths; `{}` added to the operation",
                    t.raw
                ),
            );
            added_paths.push((id.to_string(), t));
        }
    }
    for (id, t) in added_paths {
        if let Some(op) = ir.operations.iter_mut().find(|o| o.id == id) {
            op.paths.push(t);
        }
    }
}

/// Pair each request example with the documented path its URL matches (the values it fills
/// in, its query), after every path is final (added from examples, repaired): fixed query
/// pairs an example gives another value become options, and the options examples use are
/// added (each a note).
pub(super) fn pair_example_calls(ir: &mut Ir, diags: &mut Diagnostics) {
    // A fixed query pair an example gives another value (two pages document one path with
    // `?$filter=isof('a')` and `?$filter=isof('b')`) is the caller's: an option, not sent
    // with every request.
    let mut demoted: Vec<(usize, usize, String)> = Vec::new();
    for ex in &ir.examples {
        let (Some(id), Some(RequestLine { url, .. })) = (ex.operation.as_deref(), &ex.request_line)
        else {
            continue;
        };
        let Some(o) = ir.operations.iter().position(|o| o.id == id) else {
            continue;
        };
        let rest = path::strip_service_root(url);
        let (p, q) = rest.split_once('?').unwrap_or((rest, ""));
        let paths = &ir.operations[o].paths;
        let Some(i) = paths.iter().position(|t| t.match_path(p).is_some()) else {
            continue;
        };
        for kv in q.split('&').filter(|kv| !kv.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let (k, v) = (path::percent_decode(k), path::percent_decode(v));
            if paths[i].query.iter().any(|(fk, fv)| *fk == k && *fv != v) {
                demoted.push((o, i, k));
            }
        }
    }
    for (o, i, k) in demoted {
        let t = &mut ir.operations[o].paths[i];
        t.query.retain(|(fk, _)| *fk != k);
        if !t.options.contains(&k) {
            t.options.push(k);
        }
    }
    // A path's query options with placeholder values (`?startDateTime={start}`), or given
    // other values by examples, are the operation's query options: the caller sets them.
    for op in &mut ir.operations {
        let options: Vec<String> = op.paths.iter().flat_map(|t| t.options.clone()).collect();
        for o in options {
            if !op.query.iter().any(|q| q.eq_ignore_ascii_case(&o)) {
                op.query.push(o);
            }
        }
    }
    let ops: BTreeMap<&str, &Operation> =
        ir.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut added_query: Vec<(String, String, Loc)> = Vec::new();
    for ex in &mut ir.examples {
        let (Some(op), Some(RequestLine { method, url })) = (
            ex.operation.as_deref().and_then(|id| ops.get(id)),
            &ex.request_line,
        ) else {
            continue;
        };
        let rest = path::strip_service_root(url);
        let (p, q) = rest.split_once('?').unwrap_or((rest, ""));
        let call = op.paths.iter().enumerate().find_map(|(i, t)| {
            let values = t.match_path(p)?;
            let query = q
                .split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (path::percent_decode(k), path::percent_decode(v))
                })
                .filter(|kv| !t.query.contains(kv))
                .collect();
            Some(ExampleCall {
                path: i,
                values,
                query,
            })
        });
        if let Some(c) = &call {
            for (k, _) in &c.query {
                let new = !op.query.iter().any(|q| q.eq_ignore_ascii_case(k))
                    && !added_query
                        .iter()
                        .any(|(o, q, _)| o == &op.id && q.eq_ignore_ascii_case(k));
                if new && !k.is_empty() {
                    added_query.push((op.id.clone(), k.clone(), ex.loc.clone()));
                }
            }
        }
        if ex.kind == ExampleKind::Request && !ex.body.is_null() && op.body.is_none() {
            diags.emit(
                Code::ExampleBodyUndocumented,
                ex.loc.clone(),
                "request example sends a body the operation does not document; not turned into a test",
            );
        }
        if call.is_none() {
            diags.emit(
                Code::ExampleUnpaired,
                ex.loc.clone(),
                format!("request example `{method} {url}` matches none of the documented paths"),
            );
        } else if *method != op.method {
            diags.emit(
                Code::ExampleUnpaired,
                ex.loc.clone(),
                format!(
                    "request example uses `{method}`, the operation is `{}`",
                    op.method
                ),
            );
        }
        ex.call = call;
    }
    for (id, q, loc) in added_query {
        diags.emit(
            Code::QueryFromExample,
            loc,
            format!("query option `{q}` is used by an example but not documented; added"),
        );
        if let Some(op) = ir.operations.iter_mut().find(|o| o.id == id) {
            op.query.push(q);
        }
    }
}

/// A response example annotated with a base of the operation's documented response type
/// (`directoryObject` where the prose links `user`) shows the operation returns the base:
/// values of other derived types arrive too. The response is widened to it (a note).
pub(super) fn widen_responses(ir: &mut Ir, diags: &mut Diagnostics) {
    let mut widen: BTreeMap<String, (String, Loc)> = BTreeMap::new();
    for ex in &ir.examples {
        let (ExampleKind::Response, Some(id), Some(t)) =
            (ex.kind, ex.operation.as_deref(), ex.type_name.as_deref())
        else {
            continue;
        };
        let Some(op) = ir.operations.iter().find(|o| o.id == id) else {
            continue;
        };
        let Some(TypeRef::Complex { name }) = &op.response.ty else {
            continue;
        };
        if name != t && hierarchy::ancestors(ir, name).contains(&t) {
            let wider = widen
                .get(id)
                .is_none_or(|(w, _)| hierarchy::ancestors(ir, w).contains(&t));
            if wider {
                widen.insert(id.to_string(), (t.to_string(), ex.loc.clone()));
            }
        }
    }
    for (id, (t, loc)) in widen {
        let Some(op) = ir.operations.iter_mut().find(|o| o.id == id) else {
            continue;
        };
        let from = op
            .response
            .ty
            .as_ref()
            .and_then(TypeRef::named)
            .unwrap_or("")
            .to_string();
        diags.emit(
            Code::ResponseWidened,
            loc,
            format!("the response example is a `{t}`, a base of the documented `{from}`; the operation returns `{t}`"),
        );
        op.response.ty = Some(TypeRef::Complex { name: t });
    }
}

#[cfg(test)]
mod duplicate_tests {
    use super::merge_duplicates;
    use crate::diag::{Diagnostics, Loc};
    use crate::ir::{Ir, Operation, Response, path};

    fn op(id: &str, method: &str, paths: &[&str], stub: bool) -> Operation {
        let loc = Loc {
            file: id.into(),
            line: 1,
            col: 1,
        };
        Operation {
            id: id.into(),
            name: format!("title of {id}"),
            stub,
            area: String::new(),
            description: String::new(),
            method: crate::ir::Method::parse(method).expect("a method"),
            paths: paths.iter().map(|p| path::parse(p).unwrap()).collect(),
            query: vec![],
            headers: vec![],
            body: None,
            response: Response::default(),
            loc,
            also_documented_at: vec![],
        }
    }

    fn winners(ops: Vec<Operation>) -> Vec<(String, usize)> {
        let mut ir = Ir {
            operations: ops,
            ..Ir::default()
        };
        merge_duplicates(&mut ir, &mut Diagnostics::default());
        ir.operations
            .iter()
            .map(|o| (o.id.clone(), o.paths.len()))
            .collect()
    }

    const PATH: &str = "/deviceManagement/deviceEnrollmentConfigurations/{id}";

    #[test]
    fn the_winner_depends_on_the_claimants_alone() {
        let limit = || {
            op(
                "api/intune-onboarding-deviceenrollmentlimitconfiguration-delete.md",
                "DELETE",
                &[PATH],
                false,
            )
        };
        let comanagement = || {
            op(
                "api/intune-onboarding-devicecomanagementauthorityconfiguration-delete.md",
                "DELETE",
                &[PATH, "/deviceManagement/other/{id}"],
                false,
            )
        };
        let unrelated = || op("api/a-unrelated-delete.md", "DELETE", &["/a/{id}"], false);
        let stub = || op("api/0-stub.md", "DELETE", &[PATH], true);
        let limit_id = "api/intune-onboarding-deviceenrollmentlimitconfiguration-delete.md";
        let comanagement_id =
            "api/intune-onboarding-devicecomanagementauthorityconfiguration-delete.md";
        // The page whose file name best matches the path wins it, whatever the order; the
        // other keeps only the path it alone documents.
        let expected = vec![(comanagement_id.to_string(), 1), (limit_id.to_string(), 1)];
        assert_eq!(winners(vec![limit(), comanagement()]), expected);
        assert_eq!(winners(vec![comanagement(), limit()]), expected);
        // ...and whatever other pages exist: an unrelated page, a stub with a smaller id.
        let with_others = winners(vec![unrelated(), stub(), comanagement(), limit()]);
        assert_eq!(
            with_others,
            vec![
                ("api/a-unrelated-delete.md".to_string(), 1),
                (comanagement_id.to_string(), 1),
                (limit_id.to_string(), 1),
            ]
        );
        // A page that wins none of its paths merges into the winner of its first.
        assert_eq!(
            winners(vec![limit(), stub()]),
            vec![(limit_id.to_string(), 1)]
        );
        // Equal claims: the smallest page id.
        let (a, b) = (
            op("api/b-get.md", "GET", &["/q"], false),
            op("api/a-get.md", "GET", &["/q"], false),
        );
        assert_eq!(winners(vec![a, b]), vec![("api/a-get.md".to_string(), 1)]);
    }
}
