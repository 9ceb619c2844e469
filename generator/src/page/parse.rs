//! markdown text → [`Page`], in one pass over pulldown-cmark events.

use super::table::{classify, normalise_header};
use super::*;
use crate::diag::{Code, Diagnostics};
use crate::jsonc;
use crate::source::Source;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(TODO|TBD)\b").unwrap());
static NAMESPACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^microsoft\.graph(\.[A-Za-z][A-Za-z0-9]*)*$").unwrap());

/// Parse one page. Never fails: problems become diagnostics.
pub fn parse_page(file: &str, text: &str, diags: &mut Diagnostics) -> Page {
    let src = Source::new(file, text);
    let mut w = Walker {
        src: &src,
        diags,
        page: Page {
            file: file.to_string(),
            kind: PageKind::Unknown,
            front_matter: BTreeMap::new(),
            title: None,
            namespace: None,
            headings: Vec::new(),
            blocks: Vec::new(),
            placeholders: 0,
        },
        pending: None,
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut events = Parser::new_ext(text, opts).into_offset_iter();
    let mut saw_front_matter = false;
    while let Some((ev, range)) = events.next() {
        match ev {
            Event::Start(Tag::MetadataBlock(_)) => {
                saw_front_matter = true;
                let body = collect_text(&mut events);
                w.front_matter(&body, range.start);
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let (text, links) = collect_inline(&mut events);
                w.heading(level, text, &links, range);
            }
            Event::Start(Tag::Paragraph) => {
                let (text, links) = collect_inline(&mut events);
                w.paragraph(text, links, range);
            }
            Event::Start(Tag::Table(_)) => w.table(&mut events, range),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_lowercase()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let body = collect_text(&mut events);
                w.code_block(lang, body, range);
            }
            Event::Start(Tag::HtmlBlock) => {
                let body = collect_text(&mut events);
                w.html(&body, range.start);
            }
            Event::Html(html) | Event::InlineHtml(html) => w.html(&html, range.start),
            _ => {}
        }
    }
    if let Some(ann) = w.pending.take() {
        w.diags.emit(
            Code::AnnotationDangling,
            ann.loc,
            "annotation is not followed by a code block",
        );
    }
    if !saw_front_matter {
        w.diags.emit(
            Code::FrontMatterMissing,
            src.loc(0),
            "page has no YAML front matter",
        );
    }
    w.classify_page();
    if w.page.title.is_none() {
        w.diags
            .emit(Code::TitleMissing, src.loc(0), "page has no `# Title`");
    }
    for m in PLACEHOLDER.find_iter(text) {
        w.page.placeholders += 1;
        let line_end = text[m.start()..]
            .find('\n')
            .map_or(text.len(), |i| m.start() + i);
        let snippet: String = text[m.start()..line_end].chars().take(60).collect();
        w.diags.emit(
            Code::Placeholder,
            src.loc(m.start()),
            format!("placeholder left in the docs: `{}`", snippet.trim()),
        );
    }
    w.page
}

struct Walker<'s, 'd> {
    src: &'s Source<'s>,
    diags: &'d mut Diagnostics,
    page: Page,
    pending: Option<Annotation>,
}

impl Walker<'_, '_> {
    fn section(&self) -> Option<usize> {
        self.page.headings.len().checked_sub(1)
    }

    fn push(&mut self, kind: BlockKind) {
        if !matches!(kind, BlockKind::Code(_))
            && let Some(ann) = self.pending.take()
        {
            self.diags.emit(
                Code::AnnotationDangling,
                ann.loc,
                "annotation is not directly followed by a code block",
            );
        }
        let section = self.section();
        self.page.blocks.push(Block { section, kind });
    }

    /// Location of the first non-blank character of a range.
    fn loc_trimmed(&self, range: &Range<usize>) -> Loc {
        let slice = &self.src.text[range.clone()];
        let lead = slice.len() - slice.trim_start().len();
        self.src.loc(range.start + lead)
    }

    fn front_matter(&mut self, body: &str, start: usize) {
        // The body starts on the line after the opening `---`.
        let body_offset = self.src.text[start..]
            .find('\n')
            .map_or(start, |i| start + i + 1);
        if let Some(pairs) = simple_front_matter(body) {
            self.page.front_matter.extend(pairs);
            return;
        }
        match yaml_front_matter(body) {
            Ok(pairs) => self.page.front_matter.extend(pairs),
            Err(e) => {
                let m = e.marker();
                let line_start = body
                    .split_inclusive('\n')
                    .take(m.line().saturating_sub(1))
                    .map(str::len)
                    .sum::<usize>();
                self.diags.emit(
                    Code::FrontMatterInvalid,
                    self.src.loc(body_offset + line_start + m.col()),
                    format!(
                        "front matter is not valid YAML: {}; its `key: value` lines are read as text",
                        e.info()
                    ),
                );
                self.page.front_matter.extend(lenient_front_matter(body));
            }
        }
    }

    fn heading(&mut self, level: HeadingLevel, text: String, links: &[Link], range: Range<usize>) {
        let level = level as u8;
        // Snippet tabs (`# [HTTP](#tab/http)`) are H1 lines inside examples, not headings.
        if links.iter().any(|l| l.target.starts_with("#tab/")) {
            return;
        }
        let loc = self.loc_trimmed(&range);
        if level == 1 && self.page.title.is_none() {
            self.page.title = Some(Spanned {
                value: text.clone(),
                loc: loc.clone(),
            });
        }
        if let Some(ann) = self.pending.take() {
            self.diags.emit(
                Code::AnnotationDangling,
                ann.loc,
                "annotation is followed by a heading, not a code block",
            );
        }
        self.page.headings.push(Heading { level, text, loc });
    }

    fn paragraph(&mut self, text: String, links: Vec<Link>, range: Range<usize>) {
        let loc = self.loc_trimmed(&range);
        if self.page.namespace.is_none()
            && let Some(rest) = text.trim().strip_prefix("Namespace:")
        {
            let ns = rest.split_whitespace().next().unwrap_or("").to_string();
            if !NAMESPACE.is_match(&ns) {
                self.diags.emit(
                    Code::NamespaceMalformed,
                    loc.clone(),
                    format!("malformed namespace `{ns}`"),
                );
            }
            self.page.namespace = Some(Spanned { value: ns, loc });
            return;
        }
        self.push(BlockKind::Paragraph(Paragraph { text, links, loc }));
    }

    fn table<'a>(
        &mut self,
        events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
        range: Range<usize>,
    ) {
        let mut header = Vec::new();
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut in_head = false;
        while let Some((ev, r)) = events.next() {
            match ev {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => rows.push(Vec::new()),
                Event::Start(Tag::TableCell) => {
                    let (text, _) = collect_inline(events);
                    let raw = self.src.text[r.clone()].trim().to_string();
                    let cell = Cell {
                        text: text.trim().to_string(),
                        raw,
                        loc: self.loc_trimmed(&r),
                    };
                    if in_head {
                        header.push(cell);
                    } else if let Some(row) = rows.last_mut() {
                        row.push(cell);
                    }
                }
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        let loc = self.loc_trimmed(&range);
        let headings: Vec<&str> = self
            .page
            .headings
            .iter()
            .rev()
            .map(|h| h.text.as_str())
            .collect();
        let names: Vec<String> = header.iter().map(|c| c.text.clone()).collect();
        let kind = classify(&names, &headings);
        if kind == TableKind::Unknown && names.iter().any(|n| normalise_header(n) == "type") {
            self.diags.emit(
                Code::TableUnclassified,
                loc.clone(),
                format!(
                    "table with header `{}` was not classified",
                    names.join(" | ")
                ),
            );
        }
        self.push(BlockKind::Table(Table {
            kind,
            header,
            rows,
            loc,
        }));
    }

    fn code_block(&mut self, lang: String, text: String, range: Range<usize>) {
        let loc = self.loc_trimmed(&range);
        let annotation = self.pending.take();
        let body_line = loc.line + 1;
        self.push(BlockKind::Code(CodeBlock {
            lang,
            text,
            loc,
            body_line,
            annotation,
        }));
    }

    /// HTML comments holding a JSON object with `blockType` annotate the next code block.
    fn html(&mut self, html: &str, start: usize) {
        let mut rest = html;
        let mut base = start;
        while let Some(open) = rest.find("<!--") {
            let after = &rest[open + 4..];
            let Some(close) = after.find("-->") else {
                break;
            };
            let body = &after[..close];
            let body_start = base + open + 4;
            let trimmed = body.trim_start();
            let json_start = body_start + (body.len() - trimmed.len());
            if trimmed.starts_with('{') {
                self.annotation(trimmed.trim_end(), json_start);
            }
            let consumed = open + 4 + close + 3;
            base += consumed;
            rest = &rest[consumed..];
        }
    }

    fn annotation(&mut self, json: &str, offset: usize) {
        let loc = self.src.loc(offset);
        match jsonc::parse_lenient(json) {
            Ok(parsed) => {
                let serde_json::Value::Object(value) = parsed.value else {
                    self.diags.emit(
                        Code::AnnotationInvalid,
                        loc,
                        "annotation is not a JSON object",
                    );
                    return;
                };
                if let Some(r) = parsed.repairs.first() {
                    self.diags.emit(
                        Code::AnnotationRepaired,
                        self.src.loc(offset + r.offset),
                        format!("annotation is not strict JSON ({:?}); repaired", r.kind),
                    );
                }
                if value.contains_key("type") && !value.contains_key("blockType") {
                    return; // page annotation (`#page.annotation`)
                }
                if let Some(prev) = self.pending.take() {
                    self.diags.emit(
                        Code::AnnotationDangling,
                        prev.loc,
                        "annotation is followed by another annotation",
                    );
                }
                self.pending = Some(Annotation { value, loc });
            }
            Err(e) => self.diags.emit(
                Code::AnnotationInvalid,
                self.src.loc(offset + e.offset),
                format!("annotation is not JSON: {}", e.message),
            ),
        }
    }

    fn classify_page(&mut self) {
        let doc_type = self.page.front_matter.get("doc_type").cloned();
        let kind = match doc_type.as_deref().map(str::trim) {
            // A page that defines a resource and shows no request is a resource page,
            // whatever its front matter says (a copied header).
            Some("apiPageType") if self.defines_resource_only() => {
                self.diags.emit(
                    Code::DocTypeContradicted,
                    self.src.loc(0),
                    "doc_type `apiPageType`, but the page defines a resource and shows no \
                     request; read as a resource page",
                );
                PageKind::Resource
            }
            Some("apiPageType") => PageKind::Api,
            Some("resourcePageType") | Some("resourcePageType_")
                if self.documents_requests_only() =>
            {
                self.diags.emit(
                    Code::DocTypeContradicted,
                    self.src.loc(0),
                    "doc_type `resourcePageType`, but the page documents requests (an HTTP \
                     request section) and defines no resource; read as an API page",
                );
                PageKind::Api
            }
            Some("resourcePageType") | Some("resourcePageType_") => PageKind::Resource,
            Some("enumPageType") | Some("enumTypes") => PageKind::Enum,
            Some("conceptualPageType") => PageKind::Conceptual,
            other => {
                if let Some(other) = other {
                    self.diags.emit(
                        Code::DocTypeUnknown,
                        self.src.loc(0),
                        format!("unknown doc_type `{other}`; page kind taken from its content"),
                    );
                }
                self.sniff_kind()
            }
        };
        self.page.kind = kind;
    }

    /// A `resource` annotation and no `request` one.
    fn defines_resource_only(&self) -> bool {
        let types = || {
            let blocks = self.page.code_blocks();
            blocks.filter_map(|(_, c)| c.annotation.as_ref().and_then(|a| a.block_type()))
        };
        types().any(|t| t == "resource") && !types().any(|t| t == "request")
    }

    /// An `HTTP request` heading and no `resource` annotation.
    fn documents_requests_only(&self) -> bool {
        self.has_request_section()
            && !self.page.code_blocks().any(|(_, c)| {
                c.annotation.as_ref().and_then(|a| a.block_type()) == Some("resource")
            })
    }

    /// A heading `HTTP request` (any level, any case).
    fn has_request_section(&self) -> bool {
        self.page
            .headings
            .iter()
            .any(|h| h.text.trim().eq_ignore_ascii_case("http request"))
    }

    fn sniff_kind(&self) -> PageKind {
        // A page with an `HTTP request` section documents requests, whatever resource
        // blocks (a body's type, shown before the first request) it also holds.
        if self.has_request_section() {
            return PageKind::Api;
        }
        let mut api = false;
        for (_, c) in self.page.code_blocks() {
            match c.annotation.as_ref().and_then(|a| a.block_type()) {
                Some("resource") => return PageKind::Resource,
                Some("request") => api = true,
                _ => {}
            }
        }
        if api {
            PageKind::Api
        } else if self
            .page
            .tables()
            .any(|(_, t)| t.kind == TableKind::EnumMembers)
        {
            PageKind::Enum
        } else {
            PageKind::Unknown
        }
    }
}

/// Front matter of the usual shape, `key: value` lines whose keys are plain names and whose
/// values are plain text or quoted text without escapes, read without the YAML parser (it
/// was a sixth of the page model's time), with the result the parser gives. `None` when
/// anything else appears (indentation, comments, flow or block indicators, escapes,
/// special scalars, duplicate keys): the parser reads those.
/// What can be read of front matter that is not valid YAML: each line `key: value` at the
/// start of a line (the value up to its end, `: ` inside it kept, one pair of enclosing
/// quotes removed); the first of a repeated key wins. The docs' commonest break is an
/// unquoted title with a colon (`title: driveItem: createUploadSession`), which would
/// otherwise lose `ms.prod` and so put the page's calls in the wrong area.
fn lenient_front_matter(body: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let mut key_chars = key.chars();
        let is_key = key_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && key_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !is_key || pairs.iter().any(|(k, _)| k == key) {
            continue;
        }
        let value = value.trim();
        let unquoted = [('"', '"'), ('\'', '\'')].iter().find_map(|(open, close)| {
            value
                .strip_prefix(*open)
                .and_then(|v| v.strip_suffix(*close))
        });
        pairs.push((key.to_string(), unquoted.unwrap_or(value).to_string()));
    }
    pairs
}

fn simple_front_matter(body: &str) -> Option<Vec<(String, String)>> {
    // Plain scalars the YAML core schema reads as something other than their text.
    const SPECIAL: &[&str] = &[
        "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
    ];
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in body.split('\n') {
        if line.bytes().all(|b| b == b' ') {
            continue;
        }
        let colon = line.find(':')?;
        let (key, rest) = (&line[..colon], &line[colon + 1..]);
        let mut key_chars = key.chars();
        if !key_chars.next()?.is_ascii_alphabetic()
            || !key_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            || SPECIAL.contains(&key)
            || pairs.iter().any(|(k, _)| k == key)
        {
            return None;
        }
        let value = rest.strip_prefix(' ')?.trim_matches(' ');
        let text = if let Some(quoted) = value.strip_prefix('"') {
            let inner = quoted.strip_suffix('"')?;
            if inner.contains(['"', '\\', '\u{2028}', '\u{2029}', '\u{feff}'])
                || inner.chars().any(char::is_control)
            {
                return None;
            }
            inner
        } else {
            let mut chars = value.chars();
            if !chars.next()?.is_ascii_alphabetic()
                || !value
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, '#' | ':') || c == ' ')
                || SPECIAL.contains(&value)
            {
                return None;
            }
            value
        };
        pairs.push((key.to_string(), text.to_string()));
    }
    Some(pairs)
}

/// Front matter read by the YAML parser: the scalar `key: value` pairs of its first
/// document, in order (other entries are not front matter this tool reads).
fn yaml_front_matter(body: &str) -> Result<Vec<(String, String)>, yaml_rust2::ScanError> {
    let docs = yaml_rust2::YamlLoader::load_from_str(body)?;
    let mut pairs = Vec::new();
    if let Some(yaml_rust2::Yaml::Hash(map)) = docs.into_iter().next() {
        for (k, v) in map {
            if let (Some(k), Some(v)) = (yaml_scalar(&k), yaml_scalar(&v)) {
                pairs.push((k, v));
            }
        }
    }
    Ok(pairs)
}

fn yaml_scalar(y: &yaml_rust2::Yaml) -> Option<String> {
    use yaml_rust2::Yaml;
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Concatenate all text up to the end of the current element (code blocks, HTML blocks,
/// metadata blocks).
fn collect_text<'a>(events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for (ev, _) in events.by_ref() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Html(t) | Event::Code(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Plain text and links of an inline container, up to its end.
fn collect_inline<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> (String, Vec<Link>) {
    let mut text = String::new();
    let mut links = Vec::new();
    let mut open_links: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    for (ev, _) in events.by_ref() {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                depth += 1;
                open_links.push((dest_url.to_string(), text.len()));
            }
            Event::End(TagEnd::Link) => {
                depth = depth.saturating_sub(1);
                if let Some((target, from)) = open_links.pop() {
                    links.push(Link {
                        label: text[from..].to_string(),
                        target,
                    });
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    (text, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the YAML parser reads.
    fn by_yaml(body: &str) -> Option<Vec<(String, String)>> {
        yaml_front_matter(body).ok()
    }

    #[test]
    fn invalid_front_matter_keeps_its_key_value_lines() {
        let body = "author: J\ntitle: driveItem: createUploadSession\nms.prod: \"sites-and-lists\"\n  nested: x\n- item\nauthor: again\n";
        assert!(yaml_front_matter(body).is_err());
        assert_eq!(
            lenient_front_matter(body),
            [
                ("author".to_string(), "J".to_string()),
                ("title".into(), "driveItem: createUploadSession".into()),
                ("ms.prod".into(), "sites-and-lists".into()),
            ]
        );
    }

    #[test]
    fn simple_front_matter_reads_as_yaml_does() {
        let read = [
            "title: \"Get a user\"\ndescription: \"a: b # c, [d] {e} 'f' é\"\nms.prod: users\ndoc_type: apiPageType\n",
            "a: x  y  \n\n   \nb:   \"\"  \nc-d_e.f: T1000 (beta), [x] {y} *z !w\n",
            "a: Trueish\nb: nullable\n",
            "",
        ];
        for body in read {
            assert_eq!(simple_front_matter(body), by_yaml(body), "{body:?}");
            assert!(simple_front_matter(body).is_some(), "{body:?}");
        }
        // Left to the parser.
        let left = [
            "a: true",
            "a: null",
            "a: 1",
            "a: x # c",
            "a: b: c",
            "a:",
            "a: ",
            "a: \"x\\\"\"",
            "a: 'x'",
            "a: \"x\" y",
            " a: x",
            "a:\tx",
            "a: x\tb",
            "a: x\r",
            "a: [x]",
            "a: -x",
            "a: x\na: y",
            "true: x",
            "a: é",
            "# c\na: x",
            "---\na: x",
            "a: \"x\ny\"",
            "a: x\n b",
            "\u{feff}a: x",
            "a: \"\u{2028}\"",
        ];
        for body in left {
            assert_eq!(simple_front_matter(body), None, "{body:?}");
        }
    }

    /// Every front matter of a docs tree (`DOC2RS_FRONT_MATTER_DOCS`) read both ways.
    #[test]
    #[ignore = "needs a docs tree"]
    fn simple_front_matter_on_a_docs_tree() {
        let Ok(root) = std::env::var("DOC2RS_FRONT_MATTER_DOCS") else {
            return;
        };
        let (mut fast, mut all) = (0, 0);
        let root = std::path::PathBuf::from(root);
        let (pages, _) = crate::load::list(&root).unwrap();
        for rel in pages {
            let text = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
            let opts = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
            let mut events = Parser::new_ext(&text, opts).into_offset_iter();
            while let Some((ev, _)) = events.next() {
                if let Event::Start(Tag::MetadataBlock(_)) = ev {
                    let body = collect_text(&mut events);
                    all += 1;
                    if let Some(pairs) = simple_front_matter(&body) {
                        fast += 1;
                        assert_eq!(Some(pairs), by_yaml(&body), "{rel}");
                    }
                }
            }
        }
        eprintln!("{fast} of {all} front matters read without the parser");
    }
}
