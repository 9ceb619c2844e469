//! Table classification by header shape *and* the heading the table sits under.
//! The nearest heading alone misfires (a "List group members" table is no enum), and a
//! header alone is ambiguous (`Name | Type | Description` lists headers, properties or
//! parameters depending on the section), so both are used.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableKind {
    /// `Property | Type | Description` and variants: resource properties or a request body.
    Properties,
    /// `Relationship | Type | Description`: navigation properties.
    Relationships,
    /// `Member | Value | Description` and variants.
    EnumMembers,
    /// `Parameter | Type | Description`: action/function parameters, query or path parameters.
    Parameters,
    /// `Header | Value`, `Name | Description` under a headers heading.
    Headers,
    Permissions,
    /// `Method | Return Type | Description` on resource pages.
    Methods,
    Unknown,
}

/// Lower-case, markdown marks removed, inner whitespace collapsed.
pub fn normalise_header(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '`' | '_'))
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Classify a table from its header cells (plain text) and the heading texts above it
/// (nearest first).
pub fn classify(header: &[String], headings: &[&str]) -> TableKind {
    let cols: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    let first = cols.first().map(String::as_str).unwrap_or("");
    let has = |name: &str| cols.iter().any(|c| c == name);
    let heading = headings
        .first()
        .map(|h| normalise_header(h))
        .unwrap_or_default();
    let under = |words: &[&str]| words.iter().any(|w| heading.contains(w));

    if first.starts_with("permission type") {
        return TableKind::Permissions;
    }
    if first == "relationship" || first == "relationship name" {
        return TableKind::Relationships;
    }
    if first == "method" && has("return type") {
        return TableKind::Methods;
    }
    if first == "header" || under(&["header"]) && matches!(first, "name" | "header name") {
        return TableKind::Headers;
    }
    if first == "member" || first == "member name" {
        return TableKind::EnumMembers;
    }
    if matches!(first, "value" | "type value")
        && has("description")
        && (heading.ends_with("values") || heading == "members" || heading.contains("enum"))
    {
        return TableKind::EnumMembers;
    }
    let typed = has("type");
    if matches!(
        first,
        "parameter" | "parameter name" | "query parameter" | "path parameter"
    ) {
        return TableKind::Parameters;
    }
    if first == "name" && typed && under(&["parameter"]) {
        return TableKind::Parameters;
    }
    if matches!(first, "property" | "property name" | "name") && typed {
        return TableKind::Properties;
    }
    TableKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(h: &str, heading: &str) -> TableKind {
        let header: Vec<String> = h.split('|').map(str::to_string).collect();
        classify(&header, &[heading])
    }

    #[test]
    fn header_shapes_and_headings() {
        assert_eq!(
            c("Property|Type|Description", "Properties"),
            TableKind::Properties
        );
        assert_eq!(
            c("Property name|Type|Description", "Properties"),
            TableKind::Properties
        );
        assert_eq!(c("Property|Type", "Request body"), TableKind::Properties);
        assert_eq!(
            c("Name|Type|Description", "Properties"),
            TableKind::Properties
        );
        assert_eq!(
            c("Name|Type|Description", "Request headers"),
            TableKind::Headers
        );
        assert_eq!(c("Name|Description", "Request headers"), TableKind::Headers);
        assert_eq!(
            c("Name|Type|Description", "Function parameters"),
            TableKind::Parameters
        );
        assert_eq!(c("Header|Value", "Request headers"), TableKind::Headers);
        assert_eq!(
            c("**Relationship**|Type|Description", "Relationships"),
            TableKind::Relationships
        );
        assert_eq!(
            c("Member|Value|Description", "Members"),
            TableKind::EnumMembers
        );
        assert_eq!(c("Member", "x values"), TableKind::EnumMembers);
        assert_eq!(
            c("Value|Description", "riskLevel values"),
            TableKind::EnumMembers
        );
        assert_eq!(
            c("Value|Description", "List group members"),
            TableKind::Unknown
        );
        assert_eq!(
            c("Parameter|Type|Description", "Request body"),
            TableKind::Parameters
        );
        assert_eq!(
            c(
                "Query parameter|Type|Description",
                "Optional query parameters"
            ),
            TableKind::Parameters
        );
        assert_eq!(
            c("Method|Return Type|Description", "Methods"),
            TableKind::Methods
        );
        assert_eq!(
            c(
                "Permission type|Permissions (from least to most privileged)",
                "Permissions"
            ),
            TableKind::Permissions
        );
        assert_eq!(
            c("Use cases|REST resources|See also", "Overview"),
            TableKind::Unknown
        );
    }
}
