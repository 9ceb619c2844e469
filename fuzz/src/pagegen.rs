//! Structure-aware inputs from `arbitrary` data: pages in the docs' dialect (front matter,
//! headings, property / member / parameter tables, annotations, JSON, `http` blocks) with
//! odd text and injection payloads in every place text goes.

use crate::props::PAYLOADS;
use arbitrary::{Result, Unstructured};

fn pick<'a>(u: &mut Unstructured, items: &[&'a str]) -> Result<&'a str> {
    Ok(items[u.choose_index(items.len())?])
}

const NAMES: &[&str] = &[
    "widget",
    "gadget",
    "orderLine",
    "color",
    "entity",
    "user",
    "item",
    "type",
    "self",
    "Option",
    "value",
    "x",
    "fooBar",
    "unknownFutureValue",
    "2fa",
    "é",
    "display-name",
    "@odata.type",
];

const WORDS: &[&str] = &[
    "The",
    "value",
    "Read-only.",
    "Required.",
    "Nullable.",
    "Key.",
    "Possible values are: `a`, `b`, `unknownFutureValue`.",
    "Inherited from [entity](entity.md).",
    "Inherits from [widget](widget.md).",
    "TODO",
    "`code`",
    "**bold**",
    "[link](widget.md)",
    "[ref][]",
    "<br>",
    "&nbsp;",
    "\\|",
    "|",
    "*",
    "_",
    "\\",
    "<!--",
    "-->",
    "{",
    "}",
    "\"",
    "'",
    "#",
    "r#\"",
    "\"#",
    "*/",
    "/*",
    "///",
    "//!",
    "é",
    "\u{200B}",
    "\u{FEFF}",
    "\u{202E}",
    "𝔘",
    "\r",
    "\t",
    "\u{0}",
    "0",
    "-1",
    "1e309",
    "...",
    "…",
];

const TYPES: &[&str] = &[
    "String",
    "string",
    "Int32",
    "Int64",
    "Boolean",
    "Double",
    "DateTimeOffset",
    "Date",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
    "Stream",
    "Json",
    "Edm.String",
    "Collection(String)",
    "collection(Edm.Int32)",
    "String collection",
    "[widget](widget.md)",
    "[widget](widget.md) collection",
    "[color](color.md)",
    "[entity](entity.md)",
    "microsoft.graph.widget",
    "microsoft.graph.callRecords.session",
    "color",
    "`String`",
    "**String**",
    "Int64 or String",
    "(Optional) String",
    "String[]",
    "list of Int32",
    "[x][]",
    "None",
    "TBD",
    "",
    "[",
    "Collection(",
    "((((String))))",
];

/// Free text: words, odd characters and now and then an injection payload.
pub fn text(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(0..=6)?;
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        match u.int_in_range(0..=9)? {
            0 => out.push_str(pick(u, PAYLOADS)?),
            1 => out.push_str(&String::arbitrary_take(u)?),
            _ => out.push_str(pick(u, WORDS)?),
        }
    }
    Ok(out)
}

trait TakeString {
    fn arbitrary_take(u: &mut Unstructured) -> Result<String>;
}

impl TakeString for String {
    fn arbitrary_take(u: &mut Unstructured) -> Result<String> {
        let s: &str = u.arbitrary()?;
        Ok(s.chars().take(24).collect())
    }
}

/// One line: no newline (table cells, headings, request lines).
fn line(u: &mut Unstructured) -> Result<String> {
    Ok(text(u)?.replace(['\n', '\r'], " "))
}

fn cell(u: &mut Unstructured) -> Result<String> {
    Ok(line(u)?.replace('|', "\\|"))
}

/// A name: mostly from a small vocabulary (so pages refer to each other), sometimes odd.
pub fn name(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 => format!("x{}", pick(u, PAYLOADS)?),
        1 => String::arbitrary_take(u)?,
        2 => format!("{}{}", pick(u, NAMES)?, pick(u, NAMES)?),
        _ => pick(u, NAMES)?.to_string(),
    })
}

fn cell_name(u: &mut Unstructured) -> Result<String> {
    Ok(name(u)?.replace(['\n', '\r'], " ").replace('|', "\\|"))
}

pub fn type_spelling(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=7)? {
        0 => line(u)?,
        1 => format!("[{}]({}.md)", line(u)?, line(u)?),
        2 => format!("Collection({})", pick(u, TYPES)?),
        _ => pick(u, TYPES)?.to_string(),
    })
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// JSON as the docs write it: mostly valid, sometimes with the repairs the tolerant parser
/// knows (trailing commas, comments, ellipses, single quotes, bare words) or plain breakage.
pub fn json(u: &mut Unstructured, depth: usize) -> Result<String> {
    let choice = if depth > 6 {
        u.int_in_range(2..=9)?
    } else {
        u.int_in_range(0..=9)?
    };
    Ok(match choice {
        0 | 1 => {
            let n = u.int_in_range(0..=5)?;
            let mut parts = Vec::new();
            if u.ratio(1, 3)? {
                parts.push(format!(
                    "\"@odata.type\": {}",
                    json_string(&format!("#microsoft.graph.{}", name(u)?))
                ));
            }
            for _ in 0..n {
                let key = match u.int_in_range(0..=5)? {
                    0 => name(u)?,
                    1 => format!("'{}'", pick(u, NAMES)?),
                    _ => json_string(&name(u)?),
                };
                parts.push(format!("{key}: {}", json(u, depth + 1)?));
            }
            let sep = if u.ratio(1, 10)? { "\n" } else { ",\n" };
            let tail = pick(u, &["", "", "", ",", " /* c */", " // c\n", ",\n  ..."])?;
            format!("{{\n{}{tail}\n}}", parts.join(sep))
        }
        2 => {
            let n = u.int_in_range(0..=3)?;
            let items: Vec<String> = (0..n).map(|_| json(u, depth + 1)).collect::<Result<_>>()?;
            format!("[{}]", items.join(", "))
        }
        3 => json_string(&text(u)?),
        4 => json_string(pick(u, TYPES)?),
        5 => pick(
            u,
            &[
                "true",
                "false",
                "null",
                "0",
                "-1.5e3",
                "1e999",
                "\"String\"",
                "...",
                "…",
                "00:00:00",
                "bare word",
                "'single'",
                "\"a\\u0000b\"",
                "\"\\ud800\"",
                "[Zip file]",
                "{",
                "]",
                "\"unterminated",
            ],
        )?
        .to_string(),
        6 => format!("{}", u.arbitrary::<i64>()?),
        7 => format!("{}", u.arbitrary::<f64>()?),
        _ => json_string(&format!("{} | {}", name(u)?, name(u)?)),
    })
}

pub fn path(u: &mut Unstructured) -> Result<String> {
    let mut out = String::new();
    match u.int_in_range(0..=9)? {
        0 => out.push_str("https://graph.microsoft.com/beta"),
        1 => out.push_str("/v1.0"),
        2 => {}
        _ => {}
    }
    let n = u.int_in_range(0..=6)?;
    for _ in 0..n {
        if !u.ratio(1, 12)? {
            out.push('/');
        }
        let seg = match u.int_in_range(0..=15)? {
            0 => "{id}".to_string(),
            1 => "{id | userPrincipalName}".to_string(),
            2 => format!("{{{}-id}}", pick(u, NAMES)?),
            3 => format!("{}(k='{{v}}')", pick(u, NAMES)?),
            4 => format!("{}(<key>)", pick(u, NAMES)?),
            5 => "delta()".to_string(),
            6 => pick(u, &["$ref", "$value", "$count"])?.to_string(),
            7 => "root:/{path}:/".to_string(),
            8 => format!("microsoft.graph.{}", pick(u, NAMES)?),
            9 => pick(
                u,
                &["{", "}", "**", "'", "<", ">", "{}", "{ }", "%2F", "é", " "],
            )?
            .to_string(),
            10 => String::arbitrary_take(u)?,
            _ => pick(u, NAMES)?.to_string(),
        };
        out.push_str(&seg);
    }
    if u.ratio(1, 8)? {
        out.push_str(pick(
            u,
            &["?$filter=a eq 'b'", "?$top=5&$select=id", "?", "?a=&=b"],
        )?);
    }
    Ok(out.replace(['\n', '\r'], " "))
}

fn front_matter(u: &mut Unstructured, doc_type: &str) -> Result<String> {
    if u.ratio(1, 20)? {
        return Ok(String::new());
    }
    let doc_type = if u.ratio(1, 15)? {
        pick(
            u,
            &[
                "resourcePageType_",
                "enumTypes",
                "conceptualPageType",
                "x",
                "",
            ],
        )?
    } else {
        doc_type
    };
    let mut fm = format!(
        "---\ntitle: {}\ndescription: {}\ndoc_type: {doc_type}\n",
        json_string(&line(u)?),
        json_string(&line(u)?)
    );
    if u.ratio(1, 3)? {
        fm.push_str(&format!("ms.prod: {}\n", json_string(&line(u)?)));
    }
    if u.ratio(1, 15)? {
        fm.push_str(pick(
            u,
            &["key: [unclosed\n", "a: b: c\n", "- list\n", "x: &a *a\n"],
        )?);
    }
    fm.push_str("---\n\n");
    Ok(fm)
}

fn namespace(u: &mut Unstructured) -> Result<String> {
    Ok(format!(
        "Namespace: {}\n\n",
        pick(
            u,
            &[
                "microsoft.graph",
                "microsoft.graph",
                "microsoft.graph.callRecords",
                "microsoft.graph.",
                "Microsoft.Graph",
                "microsoft.graph.x\"; fn evil__Injected() {}",
            ],
        )?
    ))
}

/// A table with `header` columns and rows of generated cells.
fn table(
    u: &mut Unstructured,
    header: &[&str],
    row: &mut dyn FnMut(&mut Unstructured) -> Result<Vec<String>>,
) -> Result<String> {
    let mut t = format!(
        "| {} |\n|{}|\n",
        header.join(" | "),
        header.iter().map(|_| ":---").collect::<Vec<_>>().join("|")
    );
    let n = u.int_in_range(0..=6)?;
    for _ in 0..n {
        let mut cells = row(u)?;
        if u.ratio(1, 20)? {
            cells.pop();
        }
        if u.ratio(1, 20)? {
            cells.push(cell(u)?);
        }
        t.push_str(&format!("|{}|\n", cells.join("|")));
    }
    t.push('\n');
    Ok(t)
}

fn annotation(u: &mut Unstructured, fields: &[(&str, String)]) -> Result<String> {
    let mut parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}: {v}", json_string(k)))
        .collect();
    if u.ratio(1, 6)? {
        parts.push(format!(
            "\"truncated\": {}",
            pick(u, &["true", "\"true\"", "false"])?
        ));
    }
    if u.ratio(1, 10)? {
        parts.push(format!("\"name\": {}", json_string(&line(u)?)));
    }
    let tail = pick(u, &["", "", "", ",", " // c"])?;
    Ok(format!("<!-- {{ {}{tail} }} -->\n", parts.join(", ")))
}

fn resource_page(u: &mut Unstructured, name: &str) -> Result<String> {
    let mut p = front_matter(u, "resourcePageType")?;
    p.push_str(&format!("# {name} resource type\n\n"));
    p.push_str(&namespace(u)?);
    p.push_str(&format!("{}\n\n", text(u)?));
    if u.ratio(1, 3)? {
        let base = self::name(u)?;
        p.push_str(&format!("Inherits from [{base}]({base}.md).\n\n"));
    }
    if u.ratio(1, 3)? {
        p.push_str("## Methods\n\n");
        p.push_str(&table(
            u,
            &["Method", "Return Type", "Description"],
            &mut |u| {
                Ok(vec![
                    format!("[{}]({}.md)", cell(u)?, cell(u)?),
                    type_spelling(u)?,
                    cell(u)?,
                ])
            },
        )?);
    }
    p.push_str("## Properties\n\n");
    let header = pick_header(u)?;
    let mut props: Vec<String> = Vec::new();
    p.push_str(&table(u, &header, &mut |u| {
        let n = cell_name(u)?;
        props.push(n.clone());
        Ok(vec![n, type_spelling(u)?, cell(u)?])
    })?);
    if u.ratio(1, 2)? {
        p.push_str("## Relationships\n\n");
        p.push_str(&table(
            u,
            &["Relationship", "Type", "Description"],
            &mut |u| Ok(vec![cell_name(u)?, type_spelling(u)?, cell(u)?]),
        )?);
    }
    p.push_str(&format!(
        "## {}\n\n",
        pick(u, &["JSON representation", "JSON Representation", "json"])?
    ));
    let mut fields = vec![
        ("blockType", json_string("resource")),
        (
            "@odata.type",
            json_string(&format!("microsoft.graph.{name}")),
        ),
    ];
    if u.ratio(2, 3)? {
        fields.push(("keyProperty", json_string("id")));
    }
    if u.ratio(1, 3)? {
        fields.push((
            "baseType",
            json_string(&format!("microsoft.graph.{}", self::name(u)?)),
        ));
    }
    if u.ratio(1, 5)? {
        fields.push(("openType", "true".into()));
    }
    if u.ratio(1, 5)? {
        fields.push((
            "optionalProperties",
            format!("[{}]", json_string(&self::name(u)?)),
        ));
    }
    p.push_str(&annotation(u, &fields)?);
    let body = if u.ratio(1, 2)? {
        let entries: Vec<String> = props
            .iter()
            .map(|k| Ok(format!("  {}: {}", json_string(k), json(u, 3)?)))
            .collect::<Result<_>>()?;
        format!("{{\n{}\n}}", entries.join(",\n"))
    } else {
        json(u, 0)?
    };
    p.push_str(&format!("```json\n{body}\n```\n"));
    Ok(p)
}

fn pick_header(u: &mut Unstructured) -> Result<[&'static str; 3]> {
    Ok(match u.int_in_range(0..=5)? {
        0 => ["Property name", "Type", "Description"],
        1 => ["Name", "Type", "Description"],
        2 => ["Parameter", "Type", "Description"],
        _ => ["Property", "Type", "Description"],
    })
}

fn enum_page(u: &mut Unstructured, name: &str) -> Result<String> {
    let mut p = front_matter(u, "enumPageType")?;
    let flags = if u.ratio(1, 6)? { " flags" } else { "" };
    p.push_str(&format!("# {name} enum type{flags}\n\n"));
    p.push_str(&namespace(u)?);
    p.push_str("## Members\n\n");
    let mut value = 0i64;
    p.push_str(&table(u, &["Member", "Value", "Description"], &mut |u| {
        value += 1;
        let v = if u.ratio(1, 8)? {
            cell(u)?
        } else {
            value.to_string()
        };
        Ok(vec![cell_name(u)?, v, cell(u)?])
    })?);
    if u.ratio(1, 3)? {
        p.push_str(&format!("### {} values\n\n", self::name(u)?));
        p.push_str(&table(u, &["Member", "Description"], &mut |u| {
            Ok(vec![cell_name(u)?, cell(u)?])
        })?);
    }
    Ok(p)
}

fn api_page(u: &mut Unstructured, name: &str) -> Result<String> {
    let mut p = front_matter(u, "apiPageType")?;
    let verb = pick(u, &["Get", "List", "Create", "Update", "Delete", "Invoke"])?;
    p.push_str(&format!("# {verb} {name}\n\n"));
    p.push_str(&namespace(u)?);
    p.push_str(&format!("{}\n\n", text(u)?));
    p.push_str(pick(u, &["## HTTP request\n\n", "## HTTP Request\n\n"])?);
    if u.ratio(3, 4)? {
        p.push_str("<!-- { \"blockType\": \"ignored\" } -->\n");
    }
    p.push_str("```http\n");
    let methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "get", "FOO"];
    let n = u.int_in_range(1..=3)?;
    for _ in 0..n {
        p.push_str(&format!("{} {}\n", pick(u, &methods)?, path(u)?));
    }
    p.push_str("```\n\n");
    if u.ratio(1, 2)? {
        p.push_str("## Optional query parameters\n\n");
        p.push_str(
            "This method supports the `$select`, `$top` and `$filter` OData query parameters.\n\n",
        );
    }
    p.push_str("## Request headers\n\n");
    p.push_str(&table(u, &["Header", "Value"], &mut |u| {
        Ok(vec![
            pick(
                u,
                &["Authorization", "ConsistencyLevel", "Prefer", "If-Match"],
            )?
            .to_string(),
            cell(u)?,
        ])
    })?);
    p.push_str("## Request body\n\n");
    if u.ratio(1, 2)? {
        p.push_str("Do not supply a request body for this method.\n\n");
    } else {
        let header = pick_header(u)?;
        p.push_str(&table(u, &header, &mut |u| {
            Ok(vec![cell_name(u)?, type_spelling(u)?, cell(u)?])
        })?);
    }
    p.push_str("## Response\n\n");
    let code = pick(
        u,
        &[
            "200 OK",
            "201 Created",
            "204 No Content",
            "202 Accepted",
            "999 X",
        ],
    )?;
    let target = self::name(u)?;
    p.push_str(&format!(
        "If successful, this method returns a `{code}` response code and a {}[{target}]({target}.md) object in the response body.\n\n",
        if u.ratio(1, 3)? { "collection of " } else { "" }
    ));
    p.push_str("## Example\n\n### Request\n\n");
    let ex = line(u)?;
    p.push_str(&annotation(
        u,
        &[
            ("blockType", json_string("request")),
            ("name", json_string(&ex)),
        ],
    )?);
    let host = pick(
        u,
        &[
            "https://graph.microsoft.com/beta",
            "https://graph.microsoft.com/v1.0",
            "",
            "https://x.example",
        ],
    )?;
    let body = if u.ratio(1, 2)? {
        format!("Content-type: application/json\n\n{}\n", json(u, 0)?)
    } else {
        String::new()
    };
    p.push_str(&format!(
        "```{}\n{} {host}{}\n{body}```\n\n",
        pick(u, &["http", "msgraph-interactive", ""])?,
        pick(u, &methods)?,
        path(u)?
    ));
    p.push_str("### Response\n\n");
    let mut fields = vec![("blockType", json_string("response"))];
    if u.ratio(2, 3)? {
        fields.push((
            "@odata.type",
            json_string(&format!("microsoft.graph.{}", self::name(u)?)),
        ));
    }
    if u.ratio(1, 3)? {
        fields.push(("isCollection", "true".into()));
    }
    fields.push(("name", json_string(&ex)));
    p.push_str(&annotation(u, &fields)?);
    p.push_str(&format!(
        "```http\nHTTP/1.1 {code}\nContent-type: application/json\n\n{}\n```\n",
        json(u, 0)?
    ));
    Ok(p)
}

/// Markdown noise the docs carry (includes, alerts, tabs, lists, broken fences).
fn noise(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=11)? {
        0 => "[!INCLUDE [x](../includes/x.md)]\n\n".to_string(),
        1 => format!("> [!NOTE]\n> {}\n\n", line(u)?),
        2 => "# [HTTP](#tab/http)\n\n---\n\n".to_string(),
        3 => "```json\n{ \"unterminated\": \n".to_string(),
        4 => format!("<!-- {} \n\n", line(u)?),
        5 => format!("- {}\n  - {}\n\n", line(u)?, line(u)?),
        6 => format!("{}\n\n", ">".repeat(u.int_in_range(1..=40)?)),
        7 => format!("<!-- {{ \"blockType\": \"{}\" }} -->\n\n", line(u)?),
        8 => format!("## {}\n\n", line(u)?),
        9 => "|a|b|\n|-|-|\n|1|2|3|\n\n".to_string(),
        10 => format!("~~~\n{}\n~~~\n\n", text(u)?),
        _ => format!("{}\n\n", text(u)?),
    })
}

/// One page of a random kind; `name` is the type or operation it documents.
pub fn page(u: &mut Unstructured) -> Result<(String, String)> {
    let kind = u.int_in_range(0..=2)?;
    let name = self::name(u)?;
    let mut text = match kind {
        0 => resource_page(u, &name)?,
        1 => enum_page(u, &name)?,
        _ => api_page(u, &name)?,
    };
    // Noise spliced in between blocks.
    let n = u.int_in_range(0..=2)?;
    for _ in 0..n {
        let blocks: Vec<usize> = text.match_indices("\n\n").map(|(i, _)| i + 2).collect();
        if blocks.is_empty() {
            break;
        }
        let at = blocks[u.choose_index(blocks.len())?];
        text.insert_str(at, &noise(u)?);
    }
    let folder = if kind == 2 { "api" } else { "resources" };
    let file: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase();
    Ok((
        format!("{folder}/{file}-{}.md", u.int_in_range(0..=999u32)?),
        text,
    ))
}

/// One to three pages that refer to each other's names.
pub fn pages(u: &mut Unstructured) -> Result<Vec<(String, String)>> {
    let n = u.int_in_range(1..=3)?;
    let mut out: Vec<(String, String)> = Vec::new();
    for _ in 0..n {
        let (name, text) = page(u)?;
        if out.iter().all(|(n, _)| *n != name) {
            out.push((name, text));
        }
    }
    Ok(out)
}
