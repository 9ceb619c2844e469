//! Diagnostics: every irregularity found in the docs becomes a value with a stable code,
//! a severity, a message and the place (file:line:col) it comes from.

use serde::Serialize;
use std::fmt;

/// A place in a docs page: path relative to the docs root, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $slug:literal;)*) => {
        /// Stable diagnostic codes. The number never changes meaning; retired codes are not reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }
        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            /// The stable code, e.g. `D2R101`.
            pub fn as_str(self) -> &'static str { match self { $(Code::$variant => $code,)* } }
            /// A short kebab-case name for the code.
            pub fn slug(self) -> &'static str { match self { $(Code::$variant => $slug,)* } }
            pub fn severity(self) -> Severity { match self { $(Code::$variant => Severity::$sev,)* } }
        }
    };
}

codes! {
    // 0xx: reading files
    ReadFailed = "D2R001", Error, "read-failed";
    NotUtf8 = "D2R002", Warning, "not-utf8";
    FileSkipped = "D2R003", Note, "file-skipped";
    // 1xx: page structure
    FrontMatterMissing = "D2R101", Warning, "front-matter-missing";
    FrontMatterInvalid = "D2R102", Warning, "front-matter-invalid";
    DocTypeUnknown = "D2R103", Warning, "doc-type-unknown";
    TitleMissing = "D2R104", Warning, "title-missing";
    NamespaceMalformed = "D2R105", Warning, "namespace-malformed";
    Placeholder = "D2R106", Warning, "todo-placeholder";
    TableMalformed = "D2R107", Warning, "table-malformed";
    TableUnclassified = "D2R108", Note, "table-unclassified";
    DocTypeContradicted = "D2R109", Warning, "doc-type-contradicted";
    // 2xx: annotations and JSON
    AnnotationInvalid = "D2R201", Warning, "annotation-invalid";
    AnnotationRepaired = "D2R202", Note, "annotation-repaired";
    AnnotationDangling = "D2R203", Warning, "annotation-dangling";
    JsonRepaired = "D2R204", Note, "json-repaired";
    JsonInvalid = "D2R205", Warning, "json-invalid";
    ExampleNoBody = "D2R206", Note, "example-no-body";
    // 3xx: types
    TypeSpellingUnrecognised = "D2R301", Warning, "type-spelling-unrecognised";
    TypeUnresolved = "D2R302", Warning, "type-unresolved";
    TypeDuplicate = "D2R303", Warning, "type-duplicate";
    TypeTableJsonMismatch = "D2R304", Note, "type-table-json-mismatch";
    PropertyOnlyInJson = "D2R305", Note, "property-only-in-json";
    NamespaceMismatch = "D2R306", Warning, "namespace-mismatch";
    BaseTypeUnresolved = "D2R307", Warning, "base-type-unresolved";
    PropertyDuplicate = "D2R308", Warning, "property-duplicate";
    EnumDuplicate = "D2R309", Warning, "enum-duplicate";
    EnumMemberInvalid = "D2R310", Warning, "enum-member-invalid";
    ResourceWithoutType = "D2R311", Warning, "resource-without-type";
    BaseTypeCycle = "D2R312", Warning, "base-type-cycle";
    BaseTypeConflict = "D2R313", Note, "base-type-conflict";
    NavigationFromPath = "D2R314", Note, "navigation-from-path";
    StringIsEnum = "D2R315", Note, "string-is-enum";
    // 4xx: operations
    PathMalformed = "D2R401", Warning, "path-malformed";
    OperationDuplicate = "D2R402", Note, "operation-duplicate";
    ResponseUnparsed = "D2R403", Note, "response-unparsed";
    ExampleUnpaired = "D2R404", Note, "example-unpaired";
    ExampleInvalid = "D2R405", Warning, "example-mismatch";
    RequestLineMalformed = "D2R406", Warning, "request-line-malformed";
    QueryFromExample = "D2R407", Note, "query-option-from-example";
    PathFromExample = "D2R408", Note, "path-from-example";
    ExampleBodyUndocumented = "D2R409", Note, "example-body-undocumented";
    ResponseWidened = "D2R410", Note, "response-widened";
    ResponseSingle = "D2R411", Note, "response-single";
    PathRepaired = "D2R412", Warning, "path-repaired";
    RequestLinesElsewhere = "D2R420", Note, "request-lines-elsewhere";
    PageWithoutOperation = "D2R421", Warning, "page-without-operation";
    OperationFactsConflict = "D2R422", Note, "operation-facts-conflict";
    BodyInferred = "D2R423", Note, "body-inferred";
    BodyMultipart = "D2R424", Note, "body-multipart";
    HeaderInQuerySection = "D2R425", Note, "header-in-query-section";
    // 600-649: the docs against official metadata (`lint --metadata`)
    MetadataTypeMissing = "D2R600", Warning, "metadata-type-missing";
    MetadataPropertyMissing = "D2R601", Warning, "metadata-property-missing";
    MetadataPropertyType = "D2R602", Warning, "metadata-property-type";
    MetadataEnumAsString = "D2R603", Note, "metadata-enum-as-string";
    MetadataBaseMissing = "D2R604", Warning, "metadata-base-missing";
    MetadataBaseDiffers = "D2R605", Warning, "metadata-base-differs";
    MetadataNavigationMissing = "D2R606", Warning, "metadata-navigation-missing";
    MetadataEnumMissing = "D2R607", Warning, "metadata-enum-missing";
    MetadataEnumMemberMissing = "D2R608", Warning, "metadata-enum-member-missing";
    MetadataOperationMissing = "D2R609", Note, "metadata-operation-missing";
    MetadataPathUnresolved = "D2R610", Warning, "path-unresolved";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding about the docs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub loc: Loc,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// A second place involved (the other definition of a duplicate, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Loc>,
}

impl Diagnostic {
    pub fn new(code: Code, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            loc,
            code,
            severity: code.severity(),
            message: message.into(),
            related: None,
        }
    }

    pub fn with_related(mut self, related: Loc) -> Self {
        self.related = Some(related);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}: {sev}[{} {}]: {}",
            self.loc,
            self.code,
            self.code.slug(),
            self.message
        )?;
        if let Some(rel) = &self.related {
            write!(f, " (see also {rel})")?;
        }
        Ok(())
    }
}

/// Collects diagnostics; sorted on output so runs are deterministic.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn emit(&mut self, code: Code, loc: Loc, message: impl Into<String>) {
        self.push(Diagnostic::new(code, loc, message));
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Report each `key` of `code` once: the first place keeps the diagnostic, which names
    /// the second place as related and counts the rest.
    pub fn collapse(&mut self, code: Code, key: impl Fn(&Diagnostic) -> String) {
        let mut groups: std::collections::BTreeMap<String, Vec<Diagnostic>> = Default::default();
        let mut rest = Vec::new();
        for d in std::mem::take(&mut self.items) {
            if d.code == code {
                groups.entry(key(&d)).or_default().push(d);
            } else {
                rest.push(d);
            }
        }
        for (_, mut group) in groups {
            group.sort();
            group.dedup_by(|a, b| a.loc == b.loc);
            let others = group.len() - 1;
            let mut iter = group.into_iter();
            let Some(mut first) = iter.next() else {
                continue;
            };
            if let Some(second) = iter.next() {
                first.related = Some(second.loc);
                first.message.push_str(&format!(
                    " ({others} more place{})",
                    if others == 1 { "" } else { "s" }
                ));
            }
            rest.push(first);
        }
        self.items = rest;
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }
}
